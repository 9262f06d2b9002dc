package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Service addresses: option > environment > configuration file > default. */
class CliConfigTest {

    @TempDir
    Path home;

    private Path write(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, List.of(lines));
    }

    @Test
    void precedenceIsOptionThenEnvironmentThenFileThenDefault() throws IOException {
        write(home.resolve(".config/lizsync/cli.conf"), "# addresses", "central = file-central:9000",
                "  packaging=file-packaging:9002  ", "");
        CliConfig config = CliConfig.load(null, Map.of(), home);
        Map<String, String> env = Map.of("LIZSYNC_CENTRAL", "env-central:7000");

        assertEquals("flag-central:6000", config.address("central", "flag-central:6000", env));
        assertEquals("env-central:7000", config.address("central", null, env));
        assertEquals("file-central:9000", config.address("central", null, Map.of()));
        assertEquals("file-packaging:9002", config.address("packaging", null, env));
        assertEquals("127.0.0.1:8090", config.address("sidecar", null, env));
        assertEquals("file-central:9000", config.address("central", null, Map.of("LIZSYNC_CENTRAL", " ")),
                "an empty variable counts as unset");
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
        assertEquals("127.0.0.1:8083", CliConfig.load(null, Map.of(), home).address("central", null, Map.of()));
        assertThrows(Args.UsageException.class, () -> CliConfig.load(home.resolve("nope.conf").toString(), Map.of(),
                home));
        assertThrows(Args.UsageException.class, () -> CliConfig.load(null,
                Map.of("LIZSYNC_CONFIG", home.resolve("nope.conf").toString()), home));
    }

    @Test
    void badLinesAreUsageErrorsNamingTheLine() {
        for (List<String> bad : List.of(List.of("central"), List.of("centrall = h:1"), List.of("central = h"),
                List.of("central = h:99999"), List.of("central = h:1", "central = h:2"), List.of("sidecar ="),
                List.of("password = hunter2"), List.of("central = my host:1"))) {
            var e = assertThrows(Args.UsageException.class, () -> CliConfig.parse(bad, "cli.conf"), bad.toString());
            assertTrue(e.getMessage().startsWith("cli.conf, line "), e.getMessage());
        }
        var e = assertThrows(Args.UsageException.class, () -> CliConfig.parse(List.of("db_password = x"), "f"));
        assertTrue(e.getMessage().contains("no passwords"), e.getMessage());
    }

    @Test
    void theCommandLineUsesTheSamePrecedence() throws IOException {
        Path file = write(home.resolve("c.conf"), "packaging = file:8282", "sidecar = file:9090");
        var cli = new LizsyncCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                Map.of("LIZSYNC_SIDECAR", "env:9191"), home);
        Args args = Args.parse(new String[] {"package-list", "--config", file.toString()}, Set.of());
        assertEquals("file:8282", cli.address(args, "packaging"));
        assertEquals("env:9191", cli.address(args, "sidecar"));
        assertEquals("127.0.0.1:8083", cli.address(args, "central"));
        var flagged = new LizsyncCli(System.out, System.err, Map.of("LIZSYNC_SIDECAR", "env:9191"), home);
        Args withFlag = Args.parse(new String[] {"deploy", "--config", file.toString(), "--sidecar", "[::1]:9292"},
                Set.of());
        assertEquals("[::1]:9292", flagged.address(withFlag, "sidecar"));
    }
}
