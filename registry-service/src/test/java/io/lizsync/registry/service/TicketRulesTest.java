package io.lizsync.registry.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.service.ServerService.TableName;

/** The pure rules of registration tickets and of the services' token file, without a database. */
class TicketRulesTest {

    private static final TableName A = new TableName("gis", "Arbres");
    private static final TableName B = new TableName("gis", "parcels");

    @Test
    void lifetimeDefaultsToADayAndStaysWithinThirtyDays() {
        assertEquals(Duration.ofDays(1), TicketRules.lifetime(0));
        assertEquals(Duration.ofSeconds(1), TicketRules.lifetime(1));
        assertEquals(Duration.ofDays(30), TicketRules.lifetime(2_592_000));
        assertThrows(InvalidArgumentException.class, () -> TicketRules.lifetime(2_592_001));
        assertThrows(InvalidArgumentException.class, () -> TicketRules.lifetime(-1));
    }

    @Test
    void aServiceMayOnlyReRegisterAClone() {
        UUID clone = UUID.randomUUID();
        java.util.Set<String> service = java.util.Set.of(io.lizsync.grpckit.auth.Roles.SERVICE);
        assertNull(TicketRules.serviceMayIssue(service, clone));
        assertTrue(TicketRules.serviceMayIssue(service, null).contains("existing clone"));
        assertNull(TicketRules.serviceMayIssue(java.util.Set.of(io.lizsync.grpckit.auth.Roles.OPERATOR), null));
        assertNull(TicketRules.serviceMayIssue(java.util.Set.of(io.lizsync.grpckit.auth.Roles.ADMINISTRATOR,
                io.lizsync.grpckit.auth.Roles.SERVICE), null));
        assertTrue(TicketRules.serviceMayIssue(java.util.Set.of(), null) != null, "no role: refused");
    }

    @Test
    void tablesAreCheckedSortedAndDeduplicated() {
        assertEquals(List.of(A, B), TicketRules.tables(List.of(B, A, B)));
        assertThrows(InvalidArgumentException.class, () -> TicketRules.tables(List.of()));
        for (String reserved : List.of("public", "lizsync", "audit")) {
            assertThrows(InvalidArgumentException.class, () -> TicketRules.tables(List.of(new TableName(reserved, "t"))));
        }
        assertThrows(InvalidArgumentException.class, () -> TicketRules.tables(List.of(new TableName("gis", ""))));
        assertThrows(InvalidArgumentException.class, () -> TicketRules.tables(List.of(new TableName("gis", "x".repeat(64)))));
    }

    @Test
    void aRedemptionMustClaimTheTicketsPackageAndTablesAsASet() {
        UUID p = UUID.randomUUID();
        assertNull(TicketRules.packageMismatch(null, null));
        assertNull(TicketRules.packageMismatch(p, p));
        assertTrue(TicketRules.packageMismatch(p, null).contains("(none) is not the ticket's (" + p + ")"));
        assertTrue(TicketRules.packageMismatch(null, p).contains("package"));

        assertNull(TicketRules.tablesMismatch(List.of(A, B), List.of(B, A, A)));
        assertEquals("the clone's tables are not the ticket's: missing \"gis\".\"parcels\"",
                TicketRules.tablesMismatch(List.of(A, B), List.of(A)));
        assertEquals("the clone's tables are not the ticket's: missing \"gis\".\"Arbres\"; not in the ticket"
                + " \"x\".\"y\"\"z\"", TicketRules.tablesMismatch(List.of(A), List.of(new TableName("x", "y\"z"))));
    }

    @Test
    void tokensHaveThePrefixAnd32Base64urlBytes() {
        String token = Secrets.newSecret(Secrets.API_TOKEN_PREFIX);
        assertTrue(Secrets.isWellFormed("lzt_", token));
        assertFalse(Secrets.isWellFormed("lzs_", token));
        assertFalse(Secrets.isWellFormed("lzt_", token.substring(0, token.length() - 1)));
        assertFalse(Secrets.isWellFormed("lzt_", token + "A"));
        assertFalse(Secrets.isWellFormed("lzt_", token.substring(0, 10) + "+" + token.substring(11)));
        assertFalse(Secrets.isWellFormed("lzt_", null));
        assertTrue(Secrets.newSecret(Secrets.TICKET_PREFIX).startsWith("lzr_"));
    }

    @Test
    void theServicesTokenFileHoldsOneTokenOnItsFirstLine(@TempDir Path dir) throws Exception {
        String token = Secrets.newSecret(Secrets.API_TOKEN_PREFIX);
        Path good = Files.writeString(dir.resolve("good"), "  " + token + "  \nsecond line\n");
        assertEquals(token, BootstrapServiceAccount.readToken(good));
        Path bad = Files.writeString(dir.resolve("bad"), "password123\n");
        var e = assertThrows(IllegalStateException.class, () -> BootstrapServiceAccount.readToken(bad));
        assertTrue(e.getMessage().contains("is not an API token"));
        assertFalse(e.getMessage().contains("password123"));
        var missing = assertThrows(IllegalStateException.class,
                () -> BootstrapServiceAccount.readToken(dir.resolve("missing")));
        assertTrue(missing.getMessage().contains("cannot read"));
    }
}
