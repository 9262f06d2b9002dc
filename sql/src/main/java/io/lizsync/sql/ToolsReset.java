package io.lizsync.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Whether a package deploy may reset the clone's tools state instead of dropping and re-creating
 * the {@code audit} and {@code lizsync} schemas, and what the reset does (ADR 0024, addendum). Pure:
 * the catalog facts come in as {@link Found}, the statements go out as text.
 *
 * <p>A reset is taken only when what is installed is exactly what the migrations up to the
 * package's version make (same versions and checksums, the catalogue's tables and no other) and
 * no other object (function, type ...) is in them, and
 * nothing outside the tools schemas depends on them except triggers, which a {@code DROP SCHEMA
 * ... CASCADE} would drop too. Otherwise the deploy installs afresh, as before.
 */
public final class ToolsReset {

    private ToolsReset() {
    }

    /** What a reset does with a tools table. */
    public enum Treatment {
        /** Clone state: emptied, its identity restarted. */
        CLEAR,
        /** Emptied, then given the rows its migration inserts. */
        RESEED,
        /** Kept as is (the installed version's record). */
        KEEP
    }

    /** A table of the tools, the migration version that creates it and its treatment. */
    public record Entry(String table, int since, Treatment treatment, String seed) {
    }

    /**
     * Every table the migrations create. A migration adding a table must add it here
     * ({@code ToolsResetTest} fails otherwise), with the rows its migration inserts when it inserts any.
     */
    public static final List<Entry> CATALOGUE = List.of(
            new Entry("audit.logged_relations", 1, Treatment.CLEAR, null),
            new Entry("audit.logged_actions", 1, Treatment.CLEAR, null),
            new Entry("lizsync.server_metadata", 1, Treatment.CLEAR, null),
            new Entry("lizsync.synchronized_tables", 1, Treatment.CLEAR, null),
            new Entry("lizsync.history", 1, Treatment.CLEAR, null),
            new Entry("lizsync.conflicts", 1, Treatment.CLEAR, null),
            new Entry("lizsync.ticks", 2, Treatment.CLEAR, null),
            new Entry("lizsync.clone_state", 2, Treatment.CLEAR, null),
            new Entry("lizsync.received_pushes", 2, Treatment.CLEAR, null),
            new Entry("lizsync.resend_rows", 2, Treatment.CLEAR, null),
            new Entry("lizsync.table_policies", 2, Treatment.CLEAR, null),
            new Entry("lizsync.sync_requests", 2, Treatment.CLEAR, null),
            new Entry("lizsync.package_deployments", 3, Treatment.CLEAR, null),
            new Entry("lizsync.assignments", 10, Treatment.CLEAR, null),
            new Entry("lizsync.sync_jobs", 11, Treatment.CLEAR, null),
            new Entry("lizsync.device_positions", 13, Treatment.CLEAR, null),
            new Entry("lizsync.device_uploads", 13, Treatment.CLEAR, null),
            new Entry("lizsync.log_horizon", 13, Treatment.RESEED, "INSERT INTO lizsync.log_horizon DEFAULT VALUES"),
            new Entry("lizsync.tools_history", 0, Treatment.KEEP, null));

    /**
     * A tools object other than a relation (a function, an operator, a type, a sequence no tools
     * table owns ...), named as {@code pg_identify_object} names it ({@code type identity}), with
     * the migration version that creates it.
     */
    public record Other(String object, int since) {
    }

    /**
     * Every such object the migrations create. An object found in the tools schemas that is not here
     * (a user's function or type) means a fresh install, which drops it, as before the reset
     * existed. {@code ToolsResetTest} checks the names against the migration files, {@code
     * ToolsResetIT} the whole list against a fresh install.
     */
    public static final List<Other> OTHERS = List.of(
            new Other("function audit.if_modified_func()", 1),
            new Other("function audit.audit_table(pg_catalog.text,pg_catalog.text,pg_catalog.text)", 1),
            new Other("function lizsync.tools_version()", 1),
            new Other("function lizsync.synchronize(integer)", 2),
            new Other("operator audit.#@(NONE,pg_catalog.record)", 9),
            new Other("function lizsync.device_geometry(pg_catalog.text,integer,integer,pg_catalog.text)", 13),
            new Other("function lizsync.device_value_error(pg_catalog.text,pg_catalog.text)", 13),
            new Other("function lizsync.device_value_errors(pg_catalog.text[],pg_catalog.text[])", 14));

    /** A migration as installed or as this build has it. */
    public record Migration(String version, Integer checksum) {
    }

    /** A trigger on a table outside the tools schemas that uses a tools function. */
    public record Trigger(String schema, String table, String name) {
    }

    /**
     * What the clone's catalog says.
     *
     * @param installed  successful versioned rows of the tools history, in order; null without history
     * @param failed     whether the history holds a failed migration
     * @param tables     tables, views and sequences-less relations of {@code audit} and {@code lizsync}
     *                   ("schema.name", relkind r, p, v, m or f)
     * @param triggers   triggers outside the tools schemas that depend on tools objects
     * @param dependents other objects outside the tools schemas that depend on tools objects
     * @param others     the other objects of the tools schemas ({@link Other#object()} names): functions,
     *                   operators, types, sequences not owned by a column ...
     * @param sequences  the sequences owned by columns of tools tables (identities, serials)
     */
    public record Found(List<Migration> installed, boolean failed, Set<String> tables, List<Trigger> triggers,
            List<String> dependents, Set<String> others, List<OwnedSequence> sequences) {
    }

    /** A sequence owned by a column of a tools table ("schema.name"), with its start value. */
    public record OwnedSequence(String table, String sequenceSchema, String sequence, long start) {
    }

    /** The outcome: reset (with what) or install afresh (with why). */
    public record Plan(boolean reset, String reason, List<String> cleared, List<String> reseeded, List<String> kept,
            List<Trigger> dropTriggers) {
        static Plan fresh(String reason) {
            return new Plan(false, reason, List.of(), List.of(), List.of(), List.of());
        }
    }

    /**
     * Decides for a deploy installing the migrations {@code wanted} (this build's, up to the
     * package's version, oldest first).
     */
    public static Plan decide(List<Migration> wanted, Found found) {
        if (wanted.isEmpty()) {
            return Plan.fresh("no migrations to install");
        }
        if (found.installed() == null || found.installed().isEmpty()) {
            return Plan.fresh("the tools are not installed");
        }
        if (found.failed()) {
            return Plan.fresh("the tools history records a failed migration");
        }
        if (!found.installed().equals(wanted)) {
            String have = found.installed().get(found.installed().size() - 1).version();
            String want = wanted.get(wanted.size() - 1).version();
            return Plan.fresh(have.equals(want) ? "the installed migrations differ from this build's (checksums)"
                    : "installed tools version " + have + ", the package's is " + want);
        }
        int upTo = Integer.parseInt(MigrationVersion.fromVersion(wanted.get(wanted.size() - 1).version())
                .getVersion().split("\\.")[0]);
        Map<String, Entry> expected = new LinkedHashMap<>();
        for (Entry e : CATALOGUE) {
            if (e.since() <= upTo) {
                expected.put(e.table(), e);
            }
        }
        if (!found.tables().equals(expected.keySet())) {
            Set<String> extra = new TreeSet<>(found.tables());
            extra.removeAll(expected.keySet());
            Set<String> missing = new TreeSet<>(expected.keySet());
            missing.removeAll(found.tables());
            return Plan.fresh("the tools schemas do not hold exactly the tools' tables (extra " + extra + ", missing "
                    + missing + ")");
        }
        Set<String> expectedOthers = new TreeSet<>();
        OTHERS.stream().filter(o -> o.since() <= upTo).forEach(o -> expectedOthers.add(o.object()));
        if (!new TreeSet<>(found.others()).equals(expectedOthers)) {
            Set<String> extra = new TreeSet<>(found.others());
            extra.removeAll(expectedOthers);
            Set<String> missing = new TreeSet<>(expectedOthers);
            missing.removeAll(found.others());
            return Plan.fresh("the tools schemas do not hold exactly the tools' functions, operators, types and "
                    + "sequences (extra " + extra + ", missing " + missing + ")");
        }
        if (!found.dependents().isEmpty()) {
            return Plan.fresh("objects outside the tools schemas depend on them: " + found.dependents());
        }
        List<String> cleared = new ArrayList<>();
        List<String> reseeded = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Entry e : expected.values()) {
            switch (e.treatment()) {
                case CLEAR -> cleared.add(e.table());
                case RESEED -> reseeded.add(e.table());
                case KEEP -> kept.add(e.table());
            }
        }
        return new Plan(true, "installed tools version " + wanted.get(wanted.size() - 1).version()
                + " is the package's", cleared, reseeded, kept, found.triggers());
    }

    /** The statements of a reset that empties every cleared and reseeded table, in one text. */
    public static String statements(Plan plan) {
        return dropTriggers(plan) + emptying(plan, Set.copyOf(emptiable(plan)));
    }

    /** The DROP TRIGGER statements of a reset (the capture triggers a DROP SCHEMA audit CASCADE dropped). */
    public static String dropTriggers(Plan plan) {
        if (!plan.reset()) {
            throw new IllegalArgumentException("not a reset: " + plan.reason());
        }
        StringBuilder sql = new StringBuilder();
        for (Trigger t : plan.dropTriggers()) {
            sql.append("DROP TRIGGER ").append(Sql.ident(t.name())).append(" ON ")
                    .append(Sql.qualified(t.schema(), t.table())).append(";\n");
        }
        return sql.toString();
    }

    /**
     * Locks every table a reset may empty (ACCESS EXCLUSIVE, as TRUNCATE would: a concurrent
     * writer's rows are committed or gone before they are looked at), then one row of booleans, one
     * per table of {@link #emptiable}: whether it holds a row or one of its sequences moved from its
     * start (then it must be emptied; an untouched empty table is already as a fresh install leaves it).
     */
    public static String lockAndLook(Plan plan, List<OwnedSequence> sequences) {
        List<String> tables = emptiable(plan);
        StringBuilder sql = new StringBuilder("LOCK TABLE ")
                .append(String.join(", ", tables.stream().map(ToolsReset::qualified).toList()))
                .append(" IN ACCESS EXCLUSIVE MODE;\nSELECT ");
        for (int i = 0; i < tables.size(); i++) {
            String t = tables.get(i);
            sql.append(i == 0 ? "" : ",\n    ").append("EXISTS (SELECT FROM ").append(qualified(t)).append(')');
            for (OwnedSequence s : sequences) {
                if (s.table().equals(t)) {
                    sql.append(" OR (SELECT is_called OR last_value <> ").append(s.start()).append(" FROM ")
                            .append(Sql.qualified(s.sequenceSchema(), s.sequence())).append(')');
                }
            }
        }
        return sql.append(';').toString();
    }

    /** The tables a reset may empty, in the order of {@link #lockAndLook}'s answer: cleared, then reseeded. */
    public static List<String> emptiable(Plan plan) {
        List<String> tables = new ArrayList<>(plan.cleared());
        tables.addAll(plan.reseeded());
        return tables;
    }

    /** The tables {@link #emptying} truncates: the cleared ones in {@code used}, and every reseeded one. */
    public static List<String> emptied(Plan plan, Set<String> used) {
        List<String> tables = new ArrayList<>(plan.cleared().stream().filter(used::contains).toList());
        tables.addAll(plan.reseeded());
        return tables;
    }

    /**
     * Empties the tables that need it ({@code used}: rows or a moved sequence) with their identities
     * restarted, and puts back the rows of the reseeded tables, which are always emptied (their seed
     * rows move). Nothing to empty: only the seeds.
     */
    public static String emptying(Plan plan, Set<String> used) {
        if (!plan.reset()) {
            throw new IllegalArgumentException("not a reset: " + plan.reason());
        }
        StringBuilder sql = new StringBuilder();
        List<String> emptied = emptied(plan, used);
        if (!emptied.isEmpty()) {
            sql.append("TRUNCATE ").append(String.join(", ", emptied.stream().map(ToolsReset::qualified).toList()))
                    .append(" RESTART IDENTITY;\n");
        }
        for (String t : plan.reseeded()) {
            CATALOGUE.stream().filter(e -> e.table().equals(t)).findFirst()
                    .ifPresent(e -> sql.append(e.seed()).append(";\n"));
        }
        return sql.toString();
    }

    private static String qualified(String table) {
        int dot = table.indexOf('.');
        return Sql.qualified(table.substring(0, dot), table.substring(dot + 1));
    }
}
