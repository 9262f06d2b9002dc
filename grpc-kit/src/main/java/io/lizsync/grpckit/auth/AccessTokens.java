package io.lizsync.grpckit.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * Access tokens: short-lived JWTs signed with ES256 (ECDSA P-256, the JDK's own crypto) by
 * registry-service, verified by every service with the registry's public key, without a call to
 * the registry. A token names its subject (user or service id), login and roles; issuer and audience
 * are fixed. The verifier accepts ES256 only (no "none", no HMAC with the public key as secret), and
 * checks a token's signature once: a token it has verified before is only checked in time again
 * ({@link VerifiedTokens}).
 */
public final class AccessTokens {

    public static final String ISSUER = "lizsync-registry";
    public static final String AUDIENCE = "lizsync";
    static final String LOGIN = "login";
    static final String ROLES = "roles";
    /** Clock difference tolerated by default between the registry and a verifying service. */
    public static final Duration LEEWAY = Duration.ofSeconds(30);
    /** Verified tokens remembered by a verifier (a few MB at most). */
    static final int VERIFIED_CAPACITY = 4096;

    private AccessTokens() {
    }

    /** Signs tokens (registry-service only holds the private key). */
    public static final class Signer {

        private final ECDSASigner signer;
        private final Clock clock;

        public Signer(ECPrivateKey key, Clock clock) {
            try {
                this.signer = new ECDSASigner(key);
            } catch (JOSEException e) {
                throw new IllegalArgumentException("the access token key is not a P-256 key: " + e.getMessage(), e);
            }
            this.clock = clock;
        }

        /** A token for {@code subject} valid for {@code ttl} from now. */
        public String sign(String subject, String login, Set<String> roles, Duration ttl) {
            Instant now = clock.instant();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(ISSUER)
                    .audience(AUDIENCE)
                    .subject(subject)
                    .issueTime(Date.from(now))
                    .notBeforeTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(ttl)))
                    .jwtID(UUID.randomUUID().toString())
                    .claim(LOGIN, login)
                    .claim(ROLES, List.copyOf(new LinkedHashSet<>(roles)))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
                    claims);
            try {
                jwt.sign(signer);
            } catch (JOSEException e) {
                throw new IllegalStateException("signing an access token failed: " + e.getMessage(), e);
            }
            return jwt.serialize();
        }
    }

    /** Verifies tokens with the registry's public key. Thread-safe. */
    public static final class Verifier {

        private final ECDSAVerifier verifier;
        private final Clock clock;
        private final Duration leeway;
        private final VerifiedTokens verified = new VerifiedTokens(VERIFIED_CAPACITY);
        private final LongAdder signatureChecks = new LongAdder();

        public Verifier(ECPublicKey key, Clock clock) {
            this(key, clock, LEEWAY);
        }

        /**
         * {@code leeway}: how far this process's clock may be from the registry's (a field device
         * whose clock is known to drift may need minutes).
         */
        public Verifier(ECPublicKey key, Clock clock, Duration leeway) {
            try {
                this.verifier = new ECDSAVerifier(key);
            } catch (JOSEException e) {
                throw new IllegalArgumentException("the access token public key is not a P-256 key: " + e.getMessage(), e);
            }
            this.clock = clock;
            this.leeway = leeway;
        }

        Duration leeway() {
            return leeway;
        }

        /** The caller a valid token names; {@link InvalidTokenException} says why a token is not valid. */
        public Caller verify(String token) throws InvalidTokenException {
            VerifiedTokens.Entry entry = verified.get(token);
            Instant now = clock.instant();
            if (entry == null) {
                signatureChecks.increment();
                entry = check(token);
                verified.put(token, entry, now.minus(leeway));
            }
            if (!now.isBefore(entry.caller().expiresAt().plus(leeway))) {
                throw new InvalidTokenException("the access token has expired: ask the registry for a new one");
            }
            if (entry.notBefore() != null && now.plus(leeway).isBefore(entry.notBefore())) {
                throw new InvalidTokenException("the access token is not valid yet (clocks apart?)");
            }
            return entry.caller();
        }

        /** Signatures checked so far (a token seen before is not checked again). */
        long signatureChecks() {
            return signatureChecks.sum();
        }

        /** Everything about a token that does not depend on the time. */
        private VerifiedTokens.Entry check(String token) throws InvalidTokenException {
            SignedJWT jwt;
            try {
                jwt = SignedJWT.parse(token);
            } catch (ParseException e) {
                throw new InvalidTokenException("the access token is not a signed JWT");
            }
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                throw new InvalidTokenException("the access token is not signed with ES256");
            }
            try {
                if (!jwt.verify(verifier)) {
                    throw new InvalidTokenException("the access token's signature is not the registry's");
                }
            } catch (JOSEException e) {
                throw new InvalidTokenException("the access token's signature cannot be checked");
            }
            JWTClaimsSet claims;
            try {
                claims = jwt.getJWTClaimsSet();
            } catch (ParseException e) {
                throw new InvalidTokenException("the access token's claims are not readable");
            }
            if (!ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null
                    || !claims.getAudience().contains(AUDIENCE)) {
                throw new InvalidTokenException("the access token is not one of this mesh's registry");
            }
            Date exp = claims.getExpirationTime();
            if (exp == null) {
                throw new InvalidTokenException("the access token has no expiry");
            }
            String subject = claims.getSubject();
            Object login = claims.getClaim(LOGIN);
            Object roles = claims.getClaim(ROLES);
            if (subject == null || subject.isBlank() || !(login instanceof String) || !(roles instanceof List<?> list)) {
                throw new InvalidTokenException("the access token lacks its subject, login or roles");
            }
            Set<String> names = new LinkedHashSet<>();
            for (Object r : list) {
                if (!(r instanceof String s)) {
                    throw new InvalidTokenException("the access token's roles are not names");
                }
                names.add(s);
            }
            if (names.contains(LocalToken.ROLE)) {
                throw new InvalidTokenException("an access token may not claim the role " + LocalToken.ROLE);
            }
            Date nbf = claims.getNotBeforeTime();
            return new VerifiedTokens.Entry(new Caller(subject, (String) login, names, exp.toInstant(), token),
                    nbf == null ? null : nbf.toInstant());
        }
    }
}
