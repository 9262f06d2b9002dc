package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.proto.packaging.v1.BuildProgress;
import io.lizsync.proto.packaging.v1.BuildStep;
import io.lizsync.proto.packaging.v1.TableRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command lines refused before any service is called (the addresses point at a closed port, so
 * a call that slipped through would end with exit code 3, not 2).
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
        Map<String, String> env = Map.of("LIZSYNC_CENTRAL", "127.0.0.1:1", "LIZSYNC_SIDECAR", "127.0.0.1:1",
                "LIZSYNC_PACKAGING", "127.0.0.1:1", "LIZSYNC_REGISTRY", "127.0.0.1:1");
        return new LizsyncCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, dir).run(argv);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertUsage(String expected, String... argv) {
        assertEquals(LizsyncCli.USAGE, run(argv), Arrays.toString(argv) + ": " + err());
        assertTrue(err().contains(expected), Arrays.toString(argv) + ": " + err());
    }

    @Test
    void packageNeedsExactlyOneOfSchemasAndTables() {
        assertUsage("package needs either --schemas", "package");
        assertUsage("package needs either --schemas", "package", "--schemas=");
        assertUsage("not both", "package", "--schemas", "field", "--tables", "field.trees");
        assertUsage("--tables: expected schema.table", "package", "--tables", "trees");
        assertUsage("--schemas: unterminated double quote", "package", "--schemas", "\"field");
    }

    @Test
    void additionalSqlFileMustBeSmallUtf8Text() throws IOException {
        Path big = Files.write(dir.resolve("big.sql"), new byte[(1 << 20) + 1]);
        assertUsage("more than the 1 MiB", "package", "--schemas", "field", "--additional-sql-file", big.toString());
        Path latin1 = Files.write(dir.resolve("latin1.sql"), new byte[] {'-', '-', ' ', (byte) 0xe9});
        assertUsage("is not UTF-8 text", "package", "--schemas", "field", "--additional-sql-file", latin1.toString());
        assertUsage("is not a readable file", "package", "--schemas", "field", "--additional-sql-file",
                dir.resolve("missing.sql").toString());
    }

    @Test
    void additionalSqlIsReadAsUtf8WithoutItsByteOrderMark() throws IOException {
        Path sql = Files.write(dir.resolve("last.sql"),
                ("\uFEFFUPDATE field.trees SET note = 'été';").getBytes(StandardCharsets.UTF_8));
        assertEquals("UPDATE field.trees SET note = 'été';", LizsyncCli.readAdditionalSql(sql.toString()));
        Path exactly = Files.write(dir.resolve("max.sql"), new byte[1 << 20]);
        assertEquals(1 << 20, LizsyncCli.readAdditionalSql(exactly.toString()).length());
    }

    @Test
    void zipFileTargetsAreCheckedBeforeTheBuild() throws IOException {
        Path existing = Files.createFile(dir.resolve("done.zip"));
        assertUsage("already exists", "package", "--schemas", "field", "--zip-file", existing.toString());
        Files.createFile(dir.resolve("new.zip.part"));
        assertUsage("new.zip.part exists", "package", "--schemas", "field", "--zip-file",
                dir.resolve("new.zip").toString());
        assertUsage("does not exist", "package", "--schemas", "field", "--zip-file",
                dir.resolve("no/such/dir/p.zip").toString());
    }

    @Test
    void deployNeedsExactlyOneOfPackageIdAndZipFile() {
        assertUsage("deploy needs either --package-id", "deploy");
        assertUsage("not both", "deploy", "--package-id", ID, "--zip-file", "p.zip");
        assertUsage("is not a package id", "deploy", "--package-id", "not-a-uuid");
        assertUsage("unknown option(s) for 'deploy': --schemas", "deploy", "--package-id", ID, "--schemas", "a");
        assertUsage("--force takes true or false", "deploy", "--package-id", ID, "--force=maybe");
    }

    @Test
    void packageCommandsNeedAPackageId() {
        assertUsage("package-show needs --package-id", "package-show");
        assertUsage("package-delete needs --package-id", "package-delete");
        assertUsage("package-download needs --package-id", "package-download", "--zip-file", "x.zip");
        assertUsage("package-download needs --zip-file", "package-download", "--package-id", ID);
        assertUsage("is not a package id", "package-delete", "--package-id", "1234");
        assertUsage("already exists", "package-download", "--package-id", ID, "--zip-file",
                createFile("have.zip"));
    }

    @Test
    void listPageSizeIsAWholeNumberUpTo500() {
        assertUsage("--page-size takes a whole number from 1 to 500", "package-list", "--page-size", "0");
        assertUsage("--page-size takes a whole number from 1 to 500", "package-list", "--page-size", "501");
        assertUsage("--page-size takes a whole number from 1 to 500", "package-list", "--page-size", "ten");
    }

    @Test
    void optionsAreNeitherRepeatedNorSwallowed() {
        assertUsage("--package-id is given twice", "package-show", "--package-id", ID, "--package-id", ID);
        assertUsage("option --package-id needs a value", "package-show", "--package-id", "--packaging", "h:1");
        assertUsage("unknown command 'pakage'", "pakage");
    }

    @Test
    void joinCloneTablesUseTheNameListParser() {
        assertUsage("--tables: expected schema.table", "join-clone", "--name", "n", "--tables", "s.t,u");
        assertUsage("is given twice", "join-clone", "--name", "n", "--tables", "s.t, s.t");
        assertUsage("join-clone needs --name and --tables", "join-clone", "--tables", "s.t");
        assertUsage("join-clone needs --name and --tables", "join-clone", "--name", "n");
    }

    @Test
    void joinCloneAndRevokeCloneNoLongerTalkToCentralAndTheSidecarMakesTheId() {
        assertUsage("unknown option(s) for 'join-clone': --clone-id", "join-clone", "--name", "n", "--tables", "s.t",
                "--clone-id", ID);
        assertUsage("unknown option(s) for 'join-clone': --central", "join-clone", "--name", "n", "--tables", "s.t",
                "--central", "h:1");
        assertUsage("unknown option(s) for 'revoke-clone': --central", "revoke-clone", "--clone-id", ID,
                "--central", "h:1");
        assertUsage("--clone-id needs a clone id", "revoke-clone");
        assertUsage("--clone-id: 'x' is not a clone id (a uuid)", "revoke-clone", "--clone-id", "x");
    }

    @Test
    void registrationTicketNeedsANameAndExactlyOneOfPackageAndTables() {
        assertUsage("registration-ticket needs --name", "registration-ticket", "--tables", "s.t");
        assertUsage("needs either --package-id ID (a deploy) or --tables", "registration-ticket", "--name", "n");
        assertUsage("not both", "registration-ticket", "--name", "n", "--tables", "s.t", "--package-id", ID);
        assertUsage("--package-id: 'p' is not a package id", "registration-ticket", "--name", "n", "--package-id", "p");
        assertUsage("--clone-id: 'c' is not a clone id", "registration-ticket", "--name", "n", "--tables", "s.t",
                "--clone-id", "c");
        assertUsage("--valid-for-hours takes a whole number from 1 to 720", "registration-ticket", "--name", "n",
                "--tables", "s.t", "--valid-for-hours", "721");
        assertUsage("--valid-for-hours takes a whole number from 1 to 720", "registration-ticket", "--name", "n",
                "--tables", "s.t", "--valid-for-hours", "0");
        assertUsage("--tables: expected schema.table", "registration-ticket", "--name", "n", "--tables", "t");
        assertUsage("unknown option(s) for 'registration-ticket': --sidecar", "registration-ticket", "--name", "n",
                "--tables", "s.t", "--sidecar", "h:1");
    }

    @Test
    void aDeploysTicketFileIsCheckedBeforeAnyCall() throws IOException {
        assertUsage("--registration-ticket-file needs a file name", "deploy", "--package-id", ID,
                "--registration-ticket-file=");
        assertUsage("is not a readable file", "deploy", "--package-id", ID, "--registration-ticket-file",
                dir.resolve("none.ticket").toString());
        Path token = Files.writeString(dir.resolve("local-token"), "a-local-token-value\n");
        assertUsage("is not a registration ticket", "deploy", "--package-id", ID, "--registration-ticket-file",
                token.toString());
        assertTrue(!err().contains("a-local-token-value"), err());
        // a good one goes on to the sidecar (closed port here)
        Path ticket = Files.writeString(dir.resolve("ok.ticket"), "lzr_0123456789abcdef\n");
        assertEquals(LizsyncCli.UNAVAILABLE, run("deploy", "--package-id", ID, "--registration-ticket-file",
                ticket.toString()), err());
    }

    @Test
    void aDeployByZipNeedsTheFileHereToAskForItsTicket() {
        assertUsage("is not a readable file here, so its package id (for the registration ticket) is unknown",
                "deploy", "--zip-file", dir.resolve("elsewhere.zip").toString(), "--name", "n");
    }

    @Test
    void addressesAndConfigFilesAreCheckedToo() throws IOException {
        assertUsage("expected HOST:PORT", "package-list", "--packaging", "nohost");
        assertUsage("does not exist", "package-list", "--config", dir.resolve("none.conf").toString());
        Path conf = Files.writeString(dir.resolve("bad.conf"), "packaging = x:1\nuser_password = s3cret\n");
        assertUsage("line 2", "package-list", "--config", conf.toString());
        assertUsage("unknown option(s) for 'package-list': --password", "package-list", "--password", "x");
    }

    @Test
    void unreachableServicesExitWith3() {
        assertEquals(LizsyncCli.UNAVAILABLE, run("package-list"), err());
        assertTrue(err().contains("cannot reach 127.0.0.1:1"), err());
    }

    @Test
    void helpListsTheNewCommands() {
        assertEquals(LizsyncCli.OK, run("help"));
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String command : Set.of("package ", "package-list", "package-show", "package-download", "package-delete",
                "deploy ", "clone-status", "registration-ticket --name", "--registration-ticket-file",
                "join-clone --name N --tables", "revoke-clone --clone-id")) {
            assertTrue(usage.contains(command), command);
        }
    }

    @Test
    void buildProgressLinesCarryStepMessageTableAndRows() {
        assertEquals("[ 40%] DUMP_DATA      dumping \"my.schema\".trees (1200 rows)", LizsyncCli.progressLine(
                BuildProgress.newBuilder().setStep(BuildStep.BUILD_STEP_DUMP_DATA).setPercent(40)
                        .setMessage("dumping").setRowsDone(1200)
                        .setTable(TableRef.newBuilder().setSchemaName("my.schema").setTableName("trees")).build()));
        assertEquals("[  5%] CHECK          checking tools version", LizsyncCli.progressLine(BuildProgress.newBuilder()
                .setStep(BuildStep.BUILD_STEP_CHECK).setPercent(5).setMessage("checking tools version").build()));
    }

    @Test
    void sizesReadInBinaryUnits() {
        assertEquals("512 bytes", LizsyncCli.size(512));
        assertEquals("1572864 bytes (1.5 MiB)", LizsyncCli.size(1572864));
        assertThrows(Args.UsageException.class, () -> Channels.open("host:0"));
    }

    private String createFile(String name) {
        try {
            return Files.createFile(dir.resolve(name)).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
