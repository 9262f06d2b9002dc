package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gateway, token and addresses: option > environment > configuration file > default. */
class CliConfigTest {

    private static final String FILE_TOKEN = "lzt_fromTheFile";

    @TempDir
    Path home;

    private Path write(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, List.of(lines));
    }

    private Path ownerOnly(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void gatewayAndTokenAreFlagThenEnvironmentThenFileThenDefault() throws IOException {
        ownerOnly(write(home.resolve(".config/lizsync/cli.conf"), "# where", "gateway = https://file.example:8443",
                "  token = " + FILE_TOKEN + "  ", "sidecar = file-sidecar:9090", ""));
        CliConfig config = CliConfig.load(null, Map.of(), home);
        Map<String, String> env = Map.of("LIZSYNC_GATEWAY", "https://env.example:8443", "LIZSYNC_API_TOKEN", "lzt_env",
                "LIZSYNC_SIDECAR", "env-sidecar:1");

        assertEquals("https://flag.example", config.gateway("https://flag.example", env));
        assertEquals("https://env.example:8443", config.gateway(null, env));
        assertEquals("https://file.example:8443", config.gateway(null, Map.of()));
        assertEquals("https://file.example:8443", config.gateway(null, Map.of("LIZSYNC_GATEWAY", " ")),
                "a blank variable counts as unset");
        assertEquals("lzt_flag", config.token("lzt_flag", env));
        assertEquals("lzt_env", config.token(null, env));
        assertEquals(FILE_TOKEN, config.token(null, Map.of()));
        assertEquals("flag:1", config.address("sidecar", "flag:1", env));
        assertEquals("env-sidecar:1", config.address("sidecar", null, env));
        assertEquals("file-sidecar:9090", config.address("sidecar", null, Map.of()));

        CliConfig none = CliConfig.load(null, Map.of("XDG_CONFIG_HOME", home.resolve("empty").toString()), home);
        assertEquals(CliConfig.DEFAULT_GATEWAY, none.gateway(null, Map.of()));
        assertNull(none.token(null, Map.of()));
        assertEquals("127.0.0.1:8090", none.address("sidecar", null, Map.of()));
    }

    @Test
    void theFileIsTheOptionElseLizsyncConfigElseTheXdgDefault() throws IOException {
        Path flag = write(home.resolve("flag.conf"), "sidecar = from-flag:1");
        Path fromEnv = write(home.resolve("env.conf"), "sidecar = from-env:2");
        write(home.resolve("xdg/lizsync/cli.conf"), "sidecar = from-xdg:3");
        write(home.resolve(".config/lizsync/cli.conf"), "sidecar = from-home:4");
        Map<String, String> env = Map.of("LIZSYNC_CONFIG", fromEnv.toString(),
                "XDG_CONFIG_HOME", home.resolve("xdg").toString());

        assertEquals("from-flag:1", CliConfig.load(flag.toString(), env, home).address("sidecar", null, Map.of()));
        assertEquals("from-env:2", CliConfig.load(null, env, home).address("sidecar", null, Map.of()));
        assertEquals("from-xdg:3", CliConfig.load(null, Map.of("XDG_CONFIG_HOME", home.resolve("xdg").toString()),
                home).address("sidecar", null, Map.of()));
        assertEquals("from-home:4", CliConfig.load(null, Map.of(), home).address("sidecar", null, Map.of()));
    }

    @Test
    void onlyTheDefaultFileMayBeMissing() {
        assertEquals("127.0.0.1:8090", CliConfig.load(null, Map.of(), home).address("sidecar", null, Map.of()));
        assertThrows(UsageException.class, () -> CliConfig.load(home.resolve("nope.conf").toString(), Map.of(), home));
        assertThrows(UsageException.class, () -> CliConfig.load(null,
                Map.of("LIZSYNC_CONFIG", home.resolve("nope.conf").toString()), home));
    }

    @Test
    void aTokenInAFileOthersMayReadIsRefused() throws IOException {
        Path file = write(home.resolve("shared.conf"), "token = " + FILE_TOKEN);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        UsageException e = assertThrows(UsageException.class, () -> CliConfig.load(file.toString(), Map.of(), home));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertTrue(!e.getMessage().contains(FILE_TOKEN), "the token is never shown: " + e.getMessage());
        ownerOnly(file);
        assertEquals(FILE_TOKEN, CliConfig.load(file.toString(), Map.of(), home).token(null, Map.of()));
    }

    @Test
    void badLinesAreUsageErrorsNamingTheLine() {
        for (List<String> bad : List.of(List.of("sidecar"), List.of("sidecarr = h:1"), List.of("sidecar = h"),
                List.of("sidecar = h:99999"), List.of("sidecar = h:1", "sidecar = h:2"), List.of("sidecar ="),
                List.of("password = hunter2"), List.of("sidecar = my host:1"), List.of("token = hunter2"),
                List.of("central = h:8083"))) {
            UsageException e = assertThrows(UsageException.class, () -> CliConfig.parse(bad, "my.conf"),
                    bad.toString());
            assertTrue(e.getMessage().startsWith("my.conf, line " + bad.size() + ": "), e.getMessage());
            assertTrue(!e.getMessage().contains("hunter2"), "a secret is never echoed: " + e.getMessage());
        }
    }
}
