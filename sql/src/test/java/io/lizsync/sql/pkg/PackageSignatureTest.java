package io.lizsync.sql.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sql.pkg.PackageArchive.Limits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and checking package manifests, alone and as the archive reader does it. */
class PackageSignatureTest {

    private static final String DATA = PackageManifest.dataEntry(0);
    private static final byte[] ADDITIONAL = "CREATE TABLE note (t text);\n".getBytes(StandardCharsets.UTF_8);

    static KeyPair central;
    static KeyPair other;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        central = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static PackageSignature.Verifier trusting(KeyPair pair) {
        return new PackageSignature.Verifier(pair.getPublic());
    }

    // ---------------------------------------------------------------- the signature alone

    @Test
    void aGoodSignaturePassesAndNamesItsKey() throws Exception {
        byte[] manifest = "{\"any\": \"bytes\"}".getBytes(StandardCharsets.UTF_8);
        PackageSignature.Signer signer = new PackageSignature.Signer(central);
        byte[] entry = signer.sign(manifest);
        trusting(central).verify(manifest, entry);
        String id = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(central.getPublic().getEncoded()));
        assertEquals(id, signer.keyId());
        assertTrue(new String(entry, StandardCharsets.UTF_8).contains("\"key_id\":\"" + id + "\""));
    }

    @Test
    void anotherKeyAChangedManifestOrNoSignatureAreRefusedSayingWhich() throws Exception {
        byte[] manifest = "{\"tick_id\": 42}".getBytes(StandardCharsets.UTF_8);
        byte[] signed = new PackageSignature.Signer(central).sign(manifest);
        var verifier = trusting(central);

        var wrongKey = assertThrows(PackageFormatException.class,
                () -> verifier.verify(manifest, new PackageSignature.Signer(other).sign(manifest)));
        assertTrue(wrongKey.getMessage().contains("signed by another key (key id \""
                + PackageSignature.keyId(other.getPublic()) + "\")"), wrongKey.getMessage());
        assertTrue(wrongKey.getMessage().contains(verifier.keyId()), wrongKey.getMessage());

        byte[] changed = "{\"tick_id\": 43}".getBytes(StandardCharsets.UTF_8);
        var tampered = assertThrows(PackageFormatException.class, () -> verifier.verify(changed, signed));
        assertTrue(tampered.getMessage().contains("changed after central signed it"), tampered.getMessage());

        // The other key's signature, relabelled with the trusted key's id, is still not central's.
        String relabelled = new String(new PackageSignature.Signer(other).sign(manifest), StandardCharsets.UTF_8)
                .replace(PackageSignature.keyId(other.getPublic()), verifier.keyId());
        var forged = assertThrows(PackageFormatException.class,
                () -> verifier.verify(manifest, relabelled.getBytes(StandardCharsets.UTF_8)));
        assertTrue(forged.getMessage().contains("does not match its signature"), forged.getMessage());

        var unsigned = assertThrows(PackageFormatException.class, () -> verifier.verify(manifest, null));
        assertTrue(unsigned.getMessage().contains("not signed"), unsigned.getMessage());

        for (String junk : List.of("", "[]", "{\"algorithm\": \"Ed25519\"}", "{\"algorithm\": \"none\", \"key_id\": \"x\"}",
                "{\"algorithm\": \"Ed25519\", \"key_id\": \"" + verifier.keyId() + "\", \"signature\": \"%%%\"}",
                "{\"algorithm\": \"Ed25519\", \"key_id\": \"" + verifier.keyId() + "\", \"signature\": \"AAAA\"}")) {
            var e = assertThrows(PackageFormatException.class,
                    () -> verifier.verify(manifest, junk.getBytes(StandardCharsets.UTF_8)), junk);
            assertTrue(e.getMessage().startsWith("the package"), e.getMessage());
        }
    }

    @Test
    void keysThatAreNotEd25519OrNotAPairAreRefused() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> new PackageSignature.Verifier(ec.getPublic()));
        assertThrows(IllegalArgumentException.class, () -> new PackageSignature.Signer(ec));
        assertThrows(IllegalArgumentException.class,
                () -> new PackageSignature.Signer(new KeyPair(other.getPublic(), central.getPrivate())));
    }

    // ---------------------------------------------------------------- as the reader checks it

    @Test
    void aSignedArchiveOpensWithItsKeyAndOnlyWithIt() throws Exception {
        Path zip = write(new PackageSignature.Signer(central));
        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults(), trusting(central))) {
            assertEquals(PackageSignature.keyId(central.getPublic()), archive.signedBy());
            // The additional SQL is an entry of the manifest, with its checksum: covered by the signature.
            assertTrue(archive.manifest().entries().stream().anyMatch(e -> e.name().equals(PackageManifest.ADDITIONAL_SQL)
                    && e.size() == ADDITIONAL.length));
            archive.verifyAll();
            assertThrows(IOException.class, () -> archive.open(PackageManifest.SIGNATURE));
        }
        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults())) {
            assertNull(archive.signedBy());
            // Opened without its signature checked: the deployer refuses it before anything else.
            var unchecked = assertThrows(IllegalArgumentException.class, () -> new PackageDeployer(null)
                    .deploy(archive, new PackageDeployer.Options(true, false, null), null, Progress.NONE));
            assertTrue(unchecked.getMessage().contains("without checking its signature"), unchecked.getMessage());
        }
        var e = assertThrows(PackageFormatException.class, () -> PackageArchive.open(zip, Limits.defaults(), trusting(other)));
        assertTrue(e.getMessage().contains("signed by another key"), e.getMessage());
    }

    @Test
    void unsignedChangedOrReSignedArchivesAreRefused() throws Exception {
        Path good = write(new PackageSignature.Signer(central));
        var verifier = trusting(central);

        Path unsigned = rewrite(good, "unsigned.zip", Map.of(PackageManifest.SIGNATURE, new byte[0]));
        assertRefused(unsigned, verifier, "not signed");
        assertRefused(write(null), verifier, "not signed");

        // Another additional SQL, the manifest updated to match it: the manifest is no longer the signed one.
        byte[] evil = "DROP SCHEMA lizsync CASCADE;\n".getBytes(StandardCharsets.UTF_8);
        byte[] manifest = manifestFor(good, evil);
        Path changed = rewrite(good, "changed.zip", Map.of(PackageManifest.ADDITIONAL_SQL, evil,
                PackageManifest.MANIFEST, manifest));
        assertRefused(changed, verifier, "changed after central signed it");
        // ... and signed again, with a key that is not central's.
        Path reSigned = rewrite(good, "resigned.zip", Map.of(PackageManifest.ADDITIONAL_SQL, evil,
                PackageManifest.MANIFEST, manifest, PackageManifest.SIGNATURE, new PackageSignature.Signer(other).sign(manifest)));
        assertRefused(reSigned, verifier, "signed by another key");

        // The additional SQL alone changed: the signature holds, the entry's checksum does not.
        Path entryChanged = rewrite(good, "entry.zip", Map.of(PackageManifest.ADDITIONAL_SQL,
                "CREATE TABLE nope (t text);\n".getBytes(StandardCharsets.UTF_8)));
        try (PackageArchive archive = PackageArchive.open(entryChanged, Limits.defaults(), verifier)) {
            var e = assertThrows(PackageFormatException.class, archive::verifyAll);
            assertTrue(e.getMessage().contains("\"additional.sql\" was changed after packaging"), e.getMessage());
        }
    }

    private static void assertRefused(Path zip, PackageSignature.Verifier verifier, String why) {
        var e = assertThrows(PackageFormatException.class, () -> PackageArchive.open(zip, Limits.defaults(), verifier),
                zip.toString());
        assertTrue(e.getMessage().contains(why), zip + ": " + e.getMessage());
    }

    private Path write(PackageSignature.Signer signer) throws IOException {
        Path zip = dir.resolve(signer == null ? "plain.zip" : "signed-" + signer.keyId().substring(0, 8) + ".zip");
        try (PackageArchiveWriter writer = new PackageArchiveWriter(zip, 6)) {
            for (Map.Entry<String, byte[]> e : Map.of(PackageManifest.PRE_DATA, "CREATE TABLE demo.t (id int);\n",
                    DATA, "1\n2\n", PackageManifest.POST_DATA, "\n").entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8))).toList()) {
                try (OutputStream out = writer.entry(e.getKey())) {
                    out.write(e.getValue());
                }
            }
            try (OutputStream out = writer.entry(PackageManifest.ADDITIONAL_SQL)) {
                out.write(ADDITIONAL);
            }
            writer.finish(manifest(), signer);
        }
        return zip;
    }

    /** The manifest of {@code zip} with the additional SQL entry's size and checksum those of {@code sql}. */
    private static byte[] manifestFor(Path zip, byte[] sql) throws Exception {
        PackageManifest m;
        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults())) {
            m = archive.manifest();
        }
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(sql));
        return m.withEntries(m.entries().stream().map(e -> e.name().equals(PackageManifest.ADDITIONAL_SQL)
                ? new PackageManifest.Entry(e.name(), sql.length, sha) : e).toList())
                .toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** A copy of {@code from} with entries replaced (an empty array drops the entry). */
    private Path rewrite(Path from, String name, Map<String, byte[]> replace) throws IOException {
        Path to = dir.resolve(name);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile in = new ZipFile(from.toFile())) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                entries.put(e.getName(), in.getInputStream(e).readAllBytes());
            }
        }
        entries.putAll(replace);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (e.getValue().length == 0 && replace.containsKey(e.getKey())) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return to;
    }

    private static PackageManifest manifest() {
        return new PackageManifest(PackageManifest.FORMAT_VERSION, "2", "6f1c0d55-2d5b-4c0e-9a51-6a7b3a0e0c11",
                "0b5e1c1e-9d3c-4f7e-8a55-2f7f7a2b9e01", "2024-05-01T12:00:00Z", 42,
                "a3f0b6a2-1c3d-4e5f-8a9b-0c1d2e3f4a5b", "tables", List.of("demo"),
                List.of(new PackageManifest.Table("demo", "t", "fp1", List.of("id"), 2, DATA)),
                List.of(), true, "signed", "admin", List.of());
    }

    @Test
    void theSignatureIsTheLastEntryAndNoEntryMayTakeItsName() throws Exception {
        Path zip = write(new PackageSignature.Signer(central));
        try (ZipFile raw = new ZipFile(zip.toFile())) {
            List<String> names = raw.stream().map(ZipEntry::getName).toList();
            assertEquals(List.of(PackageManifest.MANIFEST, PackageManifest.SIGNATURE), names.subList(names.size() - 2,
                    names.size()));
        }
        try (PackageArchiveWriter writer = new PackageArchiveWriter(dir.resolve("x.zip"), 6)) {
            assertThrows(IllegalArgumentException.class, () -> writer.entry(PackageManifest.SIGNATURE));
        }
    }
}
