package io.lizsync.grpckit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {

    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    private KeyPair pair(String name) throws Exception {
        return KeyFiles.generate(dir.resolve(name + ".key"), dir.resolve(name + ".pub"));
    }

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void aSignedTokenNamesItsCallerAndTheKeyFilesReadBack() throws Exception {
        pair("k");
        ECPrivateKey priv = KeyFiles.readPrivate(dir.resolve("k.key"));
        ECPublicKey pub = KeyFiles.readPublic(dir.resolve("k.pub"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key"))));
        String token = new AccessTokens.Signer(priv, at(NOW)).sign("u-1", "ada", Set.of("operator", "field"),
                Duration.ofMinutes(10));
        Caller c = new AccessTokens.Verifier(pub, at(NOW.plusSeconds(60))).verify(token);
        assertEquals("u-1", c.subject());
        assertEquals("ada", c.login());
        assertEquals(Set.of("operator", "field"), c.roles());
        assertEquals(NOW.plus(Duration.ofMinutes(10)), c.expiresAt());
    }

    @Test
    void expiredNotYetValidAndForeignTokensAreRefused() throws Exception {
        KeyPair mine = pair("mine");
        KeyPair other = pair("other");
        var signer = new AccessTokens.Signer((ECPrivateKey) mine.getPrivate(), at(NOW));
        String token = signer.sign("u-1", "ada", Set.of("operator"), Duration.ofMinutes(10));
        var later = new AccessTokens.Verifier((ECPublicKey) mine.getPublic(), at(NOW.plus(Duration.ofMinutes(11))));
        assertTrue(assertThrows(InvalidTokenException.class, () -> later.verify(token)).getMessage().contains("expired"));
        var earlier = new AccessTokens.Verifier((ECPublicKey) mine.getPublic(), at(NOW.minus(Duration.ofMinutes(5))));
        assertTrue(assertThrows(InvalidTokenException.class, () -> earlier.verify(token)).getMessage()
                .contains("not valid yet"));
        // a process whose clock is known to be 10 minutes behind, with the leeway set for it
        var lenient = new AccessTokens.Verifier((ECPublicKey) mine.getPublic(), at(NOW.minus(Duration.ofMinutes(10))),
                Duration.ofMinutes(11));
        assertEquals("ada", lenient.verify(token).login());
        var foreign = new AccessTokens.Verifier((ECPublicKey) other.getPublic(), at(NOW));
        assertTrue(assertThrows(InvalidTokenException.class, () -> foreign.verify(token)).getMessage()
                .contains("signature"));
        assertThrows(InvalidTokenException.class, () -> foreign.verify("not a token"));
    }

    @Test
    void tamperedClaimsUnsignedAndHmacTokensAreRefused() throws Exception {
        KeyPair mine = pair("mine");
        var verifier = new AccessTokens.Verifier((ECPublicKey) mine.getPublic(), at(NOW));
        String token = new AccessTokens.Signer((ECPrivateKey) mine.getPrivate(), at(NOW)).sign("u-1", "ada",
                Set.of("field"), Duration.ofMinutes(10));
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String raised = b64(claims.replace("\"field\"", "\"administrator\""));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(parts[0] + "." + raised + "." + parts[2]));
        // alg "none": no signature at all
        String none = b64("{\"alg\":\"none\"}") + "." + raised + ".";
        assertThrows(InvalidTokenException.class, () -> verifier.verify(none));
        // HS256 keyed with the public key's bytes (the classic confusion of verifiers that take any alg)
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(mine.getPublic().getEncoded(), "HmacSHA256"));
        String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((header + "." + raised).getBytes(StandardCharsets.US_ASCII)));
        assertTrue(assertThrows(InvalidTokenException.class, () -> verifier.verify(header + "." + raised + "." + sig))
                .getMessage().contains("ES256"));
    }

    @Test
    void aTokenIsCheckedOnceButItsTimeOnEveryUse() throws Exception {
        KeyPair mine = pair("mine");
        var signer = new AccessTokens.Signer((ECPrivateKey) mine.getPrivate(), at(NOW));
        String token = signer.sign("u-1", "ada", Set.of("operator"), Duration.ofMinutes(10));
        MovingClock moving = new MovingClock(NOW);
        var verifier = new AccessTokens.Verifier((ECPublicKey) mine.getPublic(), moving);
        for (int i = 0; i < 5; i++) {
            assertEquals("ada", verifier.verify(token).login());
        }
        assertEquals(1, verifier.signatureChecks());
        // the same claims with another (forged) signature are not the cached token
        String[] parts = token.split("\\.");
        byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
        sig[5] ^= 1;
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        assertThrows(InvalidTokenException.class, () -> verifier.verify(forged));
        assertEquals(2, verifier.signatureChecks());
        // a remembered token still expires
        moving.set(NOW.plus(Duration.ofMinutes(11)));
        assertTrue(assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).getMessage().contains("expired"));
        // and a token remembered before its not-before time is still not valid yet
        String future = new AccessTokens.Signer((ECPrivateKey) mine.getPrivate(), at(NOW.plus(Duration.ofHours(1))))
                .sign("u-1", "ada", Set.of("operator"), Duration.ofMinutes(10));
        moving.set(NOW.plus(Duration.ofHours(1)));
        assertEquals("ada", verifier.verify(future).login());
        moving.set(NOW);
        assertTrue(assertThrows(InvalidTokenException.class, () -> verifier.verify(future)).getMessage()
                .contains("not valid yet"));
    }

    @Test
    void theRememberedTokensAreBounded() {
        VerifiedTokens cache = new VerifiedTokens(3);
        for (int i = 0; i < 10; i++) {
            Caller c = new Caller("u" + i, "l", Set.of("r"), NOW.plusSeconds(i), "t" + i);
            cache.put("t" + i, new VerifiedTokens.Entry(c, null), NOW.plusSeconds(5));
            assertTrue(cache.size() <= 3, "size " + cache.size());
        }
        assertEquals("u9", cache.get("t9").caller().subject());
        assertEquals(null, cache.get("t0"));
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() throws Exception {
        KeyPair mine = pair("mine");
        String token = new AccessTokens.Signer((ECPrivateKey) mine.getPrivate(), at(NOW)).sign("u-1", "ada",
                Set.of("field"), Duration.ofMinutes(10));
        var verifier = new AccessTokens.Verifier((ECPublicKey) mine.getPublic(), at(NOW));
        // re-signed by the right key but with another issuer: built by hand through the library
        var jwt = com.nimbusds.jwt.SignedJWT.parse(token);
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder(jwt.getJWTClaimsSet()).issuer("someone-else").build();
        var forged = new com.nimbusds.jwt.SignedJWT(jwt.getHeader(), claims);
        forged.sign(new com.nimbusds.jose.crypto.ECDSASigner((ECPrivateKey) mine.getPrivate()));
        assertTrue(assertThrows(InvalidTokenException.class, () -> verifier.verify(forged.serialize())).getMessage()
                .contains("registry"));
    }

    @Test
    void aFileWithoutTheRightKeySaysWhatToDo() throws Exception {
        Path f = dir.resolve("bad.pem");
        Files.writeString(f, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> KeyFiles.readPrivate(f)).getMessage()
                .contains("BEGIN PRIVATE KEY"));
        Files.writeString(f, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> KeyFiles.readPublic(f)).getMessage()
                .contains("openssl"));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
