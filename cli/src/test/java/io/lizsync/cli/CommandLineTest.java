package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command lines refused before anything is called (the gateway and sidecar point at a closed port,
 * so a request that slipped through would end with exit code 5, not 2), help, and completion.
 */
class CommandLineTest {

    private static final String ID = "0b9f5a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        out.reset();
        err.reset();
        Map<String, String> env = Map.of("LIZSYNC_GATEWAY", "http://127.0.0.1:1", "LIZSYNC_SIDECAR", "127.0.0.1:1",
                "LIZSYNC_REGISTRY", "127.0.0.1:1", "XDG_CONFIG_HOME", dir.toString());
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), env, dir,
                false);
        return LizsyncCommand.run(ctx, argv);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Exit code 2, the message, and the command's generated help. */
    private void assertUsage(String expected, String... argv) {
        assertEquals(ExitCodes.USAGE, run(argv), Arrays.toString(argv) + ": " + err());
        assertTrue(err().contains(expected), Arrays.toString(argv) + ": " + err());
    }

    @Test
    void parseErrorsExitTwoWithTheCommandsHelp() {
        assertUsage("mutually exclusive", "package", "--schemas", "field", "--tables", "field.trees");
        assertUsage("Usage: lizsync package", "package");
        assertUsage("Missing required", "prepare");
        assertUsage("Unknown option: '--nope'", "status", "--nope");
        assertUsage("Unmatched argument", "no-such-command");
        assertUsage("Usage: lizsync deploy", "deploy", "--package-id", ID, "--zip-file", "x.zip");
        assertUsage("Invalid value for option '--add-uid-columns'", "prepare", "--schemas", "s", "--add-uid-columns",
                "maybe");
        assertUsage("Invalid value for option '--winner'", "conflict-resolve", "--id", "3", "--winner", "both");
        assertUsage("exactly one of --winner and --value", "conflict-resolve", "--id", "3");
        assertUsage("exactly one of --winner and --value", "conflict-resolve", "--id", "3", "--winner", "clone",
                "--value", "x");
    }

    @Test
    void noCommandPrintsTheCommandsAndExitsTwo() {
        assertEquals(ExitCodes.USAGE, run());
        assertTrue(err().contains("Usage: lizsync") && err().contains("package-download") && err().contains("Exit codes:"),
                err());
    }

    @Test
    void checksOfValuesExitTwoBeforeAnyRequest() throws IOException {
        assertUsage("is not a package id", "package-show", "--package-id", "nope");
        assertUsage("--tables: expected schema.table", "package", "--tables", "trees");
        assertUsage("--schemas: unterminated double quote", "package", "--schemas", "\"field");
        assertUsage("is not a job id", "job-show", "build-1");
        assertUsage("--valid-for-hours must be 1 to 720", "registration-ticket", "--name", "t", "--package-id", ID,
                "--valid-for-hours", "721");
        assertUsage("plain http to gateway.example would send your credentials in clear", "status", "--gateway",
                "http://gateway.example:8080");
        Path big = Files.write(dir.resolve("big.sql"), new byte[(1 << 20) + 1]);
        assertUsage("more than the 1 MiB", "package", "--schemas", "field", "--additional-sql-file", big.toString());
        Path latin1 = Files.write(dir.resolve("latin1.sql"), new byte[] {'-', '-', ' ', (byte) 0xe9});
        assertUsage("is not UTF-8 text", "package", "--schemas", "field", "--additional-sql-file", latin1.toString());
        Path ticket = Files.write(dir.resolve("t.ticket"), "lzl_local-token-by-mistake\n".getBytes(StandardCharsets.UTF_8));
        assertUsage("is not a registration ticket", "deploy", "--zip-file", "/x.zip", "--registration-ticket-file",
                ticket.toString());
        assertTrue(!err().contains("lzl_local-token-by-mistake"), "the file's line is never echoed: " + err());
    }

    @Test
    void synchronizeGoesThroughTheGatewayWithCloneAndToTheSidecarWithout() {
        // --clone: the gateway (closed port: 5); --sidecar with --clone, or --no-wait without: refused first
        assertEquals(ExitCodes.UNAVAILABLE, run("synchronize", "--clone", ID));
        assertTrue(err().contains("cannot reach the gateway"), err());
        assertEquals(ExitCodes.UNAVAILABLE, run("synchronize", "--clone", "clone-a", "--no-wait", "--json"));
        assertUsage("give one or the other", "synchronize", "--clone", ID, "--sidecar", "127.0.0.1:2");
        assertUsage("--no-wait applies to a sync requested through central", "synchronize", "--no-wait");
        assertUsage("--kind must be one of", "jobs", "--kind", "clone-syncs");
        assertUsage("--clone", "jobs", "--kind", "clone-sync", "--clone", "not-a-uuid");
        // no --clone: the local sidecar (closed port: 5)
        assertEquals(ExitCodes.UNAVAILABLE, run("synchronize"));
    }

    @Test
    void aCloneNameIsResolvedAmongTheGatewaysClones() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var clones = java.util.List.of(json.readTree("{\"id\":\"" + ID + "\",\"name\":\"clone-a\"}"),
                json.readTree("{\"id\":\"1b9f5a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b\",\"name\":\"twin\"}"),
                json.readTree("{\"id\":\"2b9f5a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b\",\"name\":\"twin\"}"));
        assertEquals(ID, SynchronizeCommand.cloneIdOf(clones, "clone-a"));
        var unknown = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> SynchronizeCommand.cloneIdOf(clones, "clone-z"));
        assertEquals(404, unknown.status());
        var twins = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> SynchronizeCommand.cloneIdOf(clones, "twin"));
        assertTrue(twins.getMessage().contains("give its id"), twins.getMessage());
    }

    @Test
    void anUnreachableGatewayExitsFive() {
        assertEquals(ExitCodes.UNAVAILABLE, run("status"));
        assertTrue(err().contains("cannot reach the gateway at http://127.0.0.1:1"), err());
    }

    @Test
    void helpIsGeneratedForEveryCommand() {
        for (String command : new String[] {"login", "status", "install", "upgrade", "prepare", "package",
                "package-list", "package-show", "package-download", "package-delete", "deploy", "registration-ticket",
                "join-clone", "revoke-clone", "clones", "synchronize", "clone-status", "history", "conflicts",
                "jobs", "job-follow", "job-cancel", "tokens", "token-create", "completion"}) {
            assertEquals(ExitCodes.OK, run(command, "--help"), command);
            assertTrue(out().startsWith("Usage: lizsync " + command), command + ": " + out());
        }
    }

    @Test
    void completionPrintsPicocliBashScript() {
        assertEquals(ExitCodes.OK, run("completion"));
        assertTrue(out().contains("complete -F") && out().contains("package-download")
                && out().contains("--registration-ticket-file"), out().substring(0, Math.min(300, out().length())));
    }

    @Test
    void loginTakesNoPasswordOnTheCommandLine() {
        assertUsage("Unknown options: '--password'", "login", "--user", "admin", "--password", "hunter2");
        assertUsage("no password", "login", "--user", "admin"); // empty stdin, no terminal
    }

    @Test
    void theFileCommandsCheckTheirDatabasesBeforeCallingAnything() {
        assertUsage("--adapt needs --central-db and --clone-db", "get-projects-from-central-ftp", "--adapt",
                "--central-db", "host=db port=5432 dbname=gis");
        assertUsage("--adapt needs --central-db and --clone-db", "get-projects-from-central-ftp",
                "--clone-db", "service=geopoppy");
        assertUsage("no password here", "get-projects-from-central-ftp", "--adapt", "--central-db", "dbname=gis host=db",
                "--clone-db", "dbname=geopoppy password='hunter2'");
        assertTrue(!err().contains("hunter2"), err());
        assertUsage("unknown key sslmode", "get-projects-and-files-from-central-ftp", "--adapt", "--central-db",
                "dbname=gis sslmode=disable", "--clone-db", "service=geopoppy");
        assertUsage("give service=NAME or dbname=NAME", "get-projects-from-central-ftp", "--adapt", "--central-db",
                "host=db", "--clone-db", "service=geopoppy");
        assertUsage("port must be a number", "get-projects-from-central-ftp", "--adapt", "--central-db",
                "dbname=gis port=x", "--clone-db", "service=geopoppy");
        assertUsage("an empty sub-folder name", "send-projects-to-clone-ftp", "--exclude", "data,,tmp");
        assertUsage("not a file job id", "files-report", "build-" + ID);
        // well-formed: they reach the gateway (a closed port here: exit 5)
        assertEquals(ExitCodes.UNAVAILABLE, run("get-projects-from-central-ftp", "--adapt", "--central-db",
                "host=db.example port=5432 dbname='gis'", "--clone-db", "service=geopoppy authcfg=lz7q1xa", "--exclude", "data,tmp/cache"));
        assertEquals(ExitCodes.UNAVAILABLE, run("synchronize-media-subfolder-to-ftp", "--no-wait"));
        assertEquals(ExitCodes.UNAVAILABLE, run("send-projects-to-clone-ftp", "--delete", "--dry-run"));
        assertEquals(ExitCodes.UNAVAILABLE, run("files-report", "files-" + ID));
    }

    @Test
    void aDatabaseIsReadWithQgisQuoting() {
        assertEquals(Map.of("host", "db.example", "port", 5433, "dbname", "o'brien db", "user", "field"),
                FileCommands.database("--clone-db", "host=db.example port=5433 dbname='o\\'brien db' user=field"));
        assertEquals(Map.of("service", "geopoppy", "authcfg", "lz7q1xa"),
                FileCommands.database("--clone-db", "service=geopoppy authcfg=lz7q1xa"));
        assertEquals(java.util.List.of("data", "tmp/cache"), FileCommands.subfolders("--exclude", " data , tmp/cache"));
    }
}
