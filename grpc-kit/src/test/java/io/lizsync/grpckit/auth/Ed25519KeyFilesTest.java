package io.lizsync.grpckit.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeyFilesTest {

    @TempDir
    Path dir;

    @Test
    void theKeysOfOpensslReadBackAndThePublicKeyComesFromThePrivateOne() throws Exception {
        Path key = dir.resolve("signing.key");
        Path pub = dir.resolve("signing.pub");
        assumeTrue(run("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString()), "openssl is needed");
        assertTrue(run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()));
        KeyPair pair = KeyFiles.readEd25519Private(key);
        assertArrayEquals(KeyFiles.readEd25519Public(pub).getEncoded(), pair.getPublic().getEncoded());
    }

    @Test
    void generatedKeysReadBackThePrivateOneOwnerOnly() throws Exception {
        Path key = dir.resolve("a.key");
        Path pub = dir.resolve("a.pub");
        KeyPair made = KeyFiles.generateEd25519(key, pub);
        KeyPair read = KeyFiles.readEd25519Private(key);
        assertArrayEquals(made.getPublic().getEncoded(), read.getPublic().getEncoded());
        assertArrayEquals(made.getPublic().getEncoded(), KeyFiles.readEd25519Public(pub).getEncoded());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void aKeyOfAnotherKindSaysWhatToDo() throws Exception {
        Path key = dir.resolve("ec.key");
        Path pub = dir.resolve("ec.pub");
        KeyFiles.generate(key, pub);
        assertTrue(assertThrows(IOException.class, () -> KeyFiles.readEd25519Private(key)).getMessage()
                .contains("openssl genpkey -algorithm ed25519"));
        assertTrue(assertThrows(IOException.class, () -> KeyFiles.readEd25519Public(pub)).getMessage()
                .contains("no Ed25519 public key"));
        assertTrue(assertThrows(IOException.class, () -> KeyFiles.readEd25519Private(pub)).getMessage()
                .contains("BEGIN PRIVATE KEY"));
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
