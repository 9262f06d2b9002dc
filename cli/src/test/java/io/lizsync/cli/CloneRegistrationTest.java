package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagedTable;
import io.lizsync.proto.packaging.v1.TableRef;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of clone registration: the ticket asked for, whom a deploy's ticket names, ticket files. */
class CloneRegistrationTest {

    private static final String CLONE = "7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9";
    private static final String PACKAGE = "0b9f5a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b";
    private static final String HISTORY = "5d1c8e2a-0f3b-4c7d-8e9f-1a2b3c4d5e6f";

    @TempDir
    Path dir;

    @Test
    void aTicketRequestCarriesTheCloneItsTablesVerbatimAndThePackage() {
        var tables = List.of(new NameList.Table("field", "trees"), new NameList.Table("My Schema", "tab,le"));
        IssueRegistrationTicketRequest r = new CloneRegistration.TicketSpec("laptop-1", CLONE, tables, PACKAGE, HISTORY,
                7200).toRequest();
        assertEquals("laptop-1", r.getCloneName());
        assertEquals(CLONE, r.getCloneId());
        assertEquals(PACKAGE, r.getPackageId());
        assertEquals(HISTORY, r.getPackageHistorySyncId());
        assertEquals(7200, r.getValidForSeconds());
        assertEquals(2, r.getTablesCount());
        assertEquals("My Schema", r.getTables(1).getSchemaName());
        assertEquals("tab,le", r.getTables(1).getTableName());

        var attach = new CloneRegistration.TicketSpec("tablet", "", tables.subList(0, 1), "", "", 0).toRequest();
        assertEquals("", attach.getCloneId());
        assertEquals("", attach.getPackageId());
        assertEquals("", attach.getPackageHistorySyncId());
        assertEquals(0, attach.getValidForSeconds());
    }

    @Test
    void aPackagesTablesAreTheTicketsTables() {
        PackageInfo info = PackageInfo.newBuilder()
                .addTables(PackagedTable.newBuilder().setTable(TableRef.newBuilder().setSchemaName("a.b")
                        .setTableName("c")))
                .addTables(PackagedTable.newBuilder().setTable(TableRef.newBuilder().setSchemaName("field")
                        .setTableName("trees")))
                .build();
        assertEquals(List.of(new NameList.Table("a.b", "c"), new NameList.Table("field", "trees")),
                CloneRegistration.tables(info));
    }

    @Test
    void aRedeployKeepsTheCloneAndAnythingElseIsANewCloneThatNeedsAName() {
        Server known = Server.newBuilder().setId(CLONE).setName("laptop-1").build();
        assertEquals(new CloneRegistration.Target(CLONE, "laptop-1"), CloneRegistration.target("", false, CLONE, known));
        assertEquals(new CloneRegistration.Target(CLONE, "renamed"),
                CloneRegistration.target("renamed", false, CLONE, known));
        assertEquals(new CloneRegistration.Target("", "laptop-2"),
                CloneRegistration.target("laptop-2", true, CLONE, known), "--new-server-id");
        assertEquals(new CloneRegistration.Target("", "laptop-1"),
                CloneRegistration.target("laptop-1", false, CLONE, null), "unknown to the registry");
        assertEquals(new CloneRegistration.Target("", "fresh"), CloneRegistration.target("fresh", false, "", null));

        assertUsage("--new-server-id makes a new clone", () -> CloneRegistration.target("", true, CLONE, known));
        assertUsage("is not known to registry-service", () -> CloneRegistration.target("", false, CLONE, null));
        assertUsage("not a clone yet", () -> CloneRegistration.target("", false, "", null));
    }

    @Test
    void aTicketFileGivesItsFirstLineAndNeverEchoesAnythingElse() throws IOException {
        String ticket = "lzr_AbCdEf0123456789-_AbCdEf0123456789-_Abcdefg";
        assertEquals(ticket, CloneRegistration.readTicketFile(write("t1", ticket + "\nsecond line\n")));
        assertEquals(ticket, CloneRegistration.readTicketFile(write("t2", "\uFEFF  " + ticket + "  \r\n")));

        String localToken = "lzl_some-local-token-value";
        var e = assertUsage("is not a registration ticket", () -> CloneRegistration.readTicketFile(write("t3",
                localToken)));
        assertFalse(e.getMessage().contains(localToken), e.getMessage());
        assertUsage("is not a registration ticket", () -> CloneRegistration.readTicketFile(write("t4", "")));
        assertUsage("is not a registration ticket", () -> CloneRegistration.readTicketFile(write("t5", "lzr_")));
        assertUsage("is not a registration ticket", () -> CloneRegistration.readTicketFile(write("t6", "lzr_a b")));
        assertUsage("is not a readable file", () -> CloneRegistration.readTicketFile(dir.resolve("none").toString()));
        assertUsage("needs a file name", () -> CloneRegistration.readTicketFile(" "));
    }

    @Test
    void aTicketIsDescribedWithoutItsSecret() {
        RegistrationTicket t = RegistrationTicket.newBuilder().setTicket("lzr_secret").setCloneName("laptop-1")
                .setCloneId(CLONE).setPackageId(PACKAGE).addTables(io.lizsync.proto.registry.v1.TableRef.newBuilder()
                        .setSchemaName("field").setTableName("trees"))
                .setExpiresAt(Timestamp.newBuilder().setSeconds(1_900_000_000L)).build();
        String text = CloneRegistration.describe(t);
        assertEquals("registration ticket for clone " + CLONE + " ('laptop-1'), package " + PACKAGE
                + ", 1 table, valid until 2030-03-17T17:46:40Z", text);
        assertEquals("registration ticket for a new clone 'tablet', 0 tables, valid until 2030-03-17T17:46:40Z",
                CloneRegistration.describe(t.toBuilder().setCloneId("").setCloneName("tablet").setPackageId("")
                        .clearTables().build()));
        assertFalse(text.contains("lzr_secret"));
    }

    private String write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8).toString();
    }

    private static Args.UsageException assertUsage(String expected, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(Args.UsageException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e;
    }
}
