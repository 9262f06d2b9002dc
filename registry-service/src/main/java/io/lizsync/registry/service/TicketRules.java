package io.lizsync.registry.service;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.service.ServerService.TableName;

/** The pure rules of registration tickets: their lifetime, their tables, what a redemption must match. */
final class TicketRules {

    /** Lifetime of a ticket issued without one: a day. */
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(1);
    /** Longest lifetime: 30 days. */
    static final Duration MAX_LIFETIME = Duration.ofDays(30);

    /** Tables by schema then table name (String order, as {@code ServerTableRepository} sorts them). */
    static final Comparator<TableName> TABLE_ORDER = Comparator.comparing(TableName::schemaName)
            .thenComparing(TableName::tableName);

    private TicketRules() {
    }

    /**
     * Null when a caller with {@code roles} may ask for a ticket for {@code cloneId}, else why not.
     * An administrator or operator may ask for any ticket; a service (central's exchange, for a
     * deploy an operator assigned to a clone) only for a ticket re-registering an existing clone
     * (whose existence {@code TicketService} checks as for everyone): never one that makes a new
     * clone.
     */
    static String serviceMayIssue(Set<String> roles, UUID cloneId) {
        if (roles.contains(io.lizsync.grpckit.auth.Roles.ADMINISTRATOR) || roles.contains(io.lizsync.grpckit.auth.Roles.OPERATOR)) {
            return null;
        }
        if (cloneId == null) {
            return "a service may only ask for a registration ticket of an existing clone (clone_id); tickets for"
                    + " new clones are an administrator's or operator's";
        }
        return null;
    }

    /** The lifetime asked for: 0 is the default, negative or above the maximum is refused. */
    static Duration lifetime(long validForSeconds) {
        if (validForSeconds < 0) {
            throw new InvalidArgumentException("valid_for_seconds must not be negative");
        }
        if (validForSeconds > MAX_LIFETIME.toSeconds()) {
            throw new InvalidArgumentException("valid_for_seconds is at most " + MAX_LIFETIME.toSeconds()
                    + " (30 days), got " + validForSeconds);
        }
        return validForSeconds == 0 ? DEFAULT_LIFETIME : Duration.ofSeconds(validForSeconds);
    }

    /** A ticket's tables: at least one, schemas that may be synchronised, duplicates dropped, sorted. */
    static List<TableName> tables(Collection<TableName> requested) {
        if (requested.isEmpty()) {
            throw new InvalidArgumentException("a registration ticket needs at least one table");
        }
        TreeSet<TableName> tables = new TreeSet<>(TABLE_ORDER);
        for (TableName t : requested) {
            tables.add(new TableName(Validation.syncSchema(t.schemaName(), "schema name"),
                    Validation.identifier(t.tableName(), "table name")));
        }
        return List.copyOf(tables);
    }

    /** Null when the clone claims the ticket's package (both null for an attach), else what differs. */
    static String packageMismatch(UUID ticketPackage, UUID claimedPackage) {
        if (Objects.equals(ticketPackage, claimedPackage)) {
            return null;
        }
        return "the clone's package (" + orNone(claimedPackage) + ") is not the ticket's (" + orNone(ticketPackage) + ")";
    }

    /** Null when the clone claims exactly the ticket's tables (as sets), else which differ. */
    static String tablesMismatch(Collection<TableName> ticketTables, Collection<TableName> claimedTables) {
        Set<TableName> ticket = new TreeSet<>(TABLE_ORDER);
        ticket.addAll(ticketTables);
        Set<TableName> claimed = new TreeSet<>(TABLE_ORDER);
        claimed.addAll(claimedTables);
        if (ticket.equals(claimed)) {
            return null;
        }
        Set<TableName> missing = new TreeSet<>(TABLE_ORDER);
        missing.addAll(ticket);
        missing.removeAll(claimed);
        Set<TableName> extra = new TreeSet<>(TABLE_ORDER);
        extra.addAll(claimed);
        extra.removeAll(ticket);
        StringBuilder b = new StringBuilder("the clone's tables are not the ticket's:");
        if (!missing.isEmpty()) {
            b.append(" missing ").append(names(missing));
        }
        if (!extra.isEmpty()) {
            b.append(missing.isEmpty() ? "" : ";").append(" not in the ticket ").append(names(extra));
        }
        return b.toString();
    }

    private static String names(Set<TableName> tables) {
        String all = tables.stream().limit(10).map(t -> quote(t.schemaName()) + "." + quote(t.tableName()))
                .collect(Collectors.joining(", "));
        return tables.size() > 10 ? all + " and " + (tables.size() - 10) + " more" : all;
    }

    private static String quote(String identifier) {
        return Validation.abbreviate("\"" + identifier.replace("\"", "\"\"") + "\"");
    }

    private static String orNone(UUID id) {
        return id == null ? "none" : id.toString();
    }
}
