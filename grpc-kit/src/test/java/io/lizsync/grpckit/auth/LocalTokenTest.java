package io.lizsync.grpckit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTokenTest {

    @TempDir
    Path root;

    @Test
    void theSecretIsTheOwnersOnlyKeptAcrossStartsAndReplacedWhenOthersCouldReadIt() throws Exception {
        Path file = root.resolve("sidecar").resolve("local-token");
        LocalToken first = LocalToken.createOrLoad(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        String secret = Files.readString(file).strip();
        assertEquals(43, secret.length(), "32 random bytes, base64url");
        Caller caller = first.callerFor(secret);
        assertNotNull(caller);
        assertEquals(java.util.Set.of(LocalToken.ROLE), caller.roles());
        assertNull(caller.token(), "nothing to pass on to another service");
        assertNull(first.callerFor(secret.substring(1)));
        assertNull(first.callerFor(null));

        assertNotNull(LocalToken.createOrLoad(file).callerFor(secret), "a restart keeps the token");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        LocalToken renewed = LocalToken.createOrLoad(file);
        assertNull(renewed.callerFor(secret), "a secret others could read is not kept");
        assertNotEquals(secret, Files.readString(file).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
