package io.lizsync.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ToolsResetTest {

    private static final List<ToolsReset.Migration> WANTED = List.of(new ToolsReset.Migration("1", 11),
            new ToolsReset.Migration("2", 22), new ToolsReset.Migration("3", 33));
    private static final Set<String> TABLES_UP_TO_3 = ToolsReset.CATALOGUE.stream().filter(e -> e.since() <= 3)
            .map(ToolsReset.Entry::table).collect(Collectors.toCollection(LinkedHashSet::new));

    private static ToolsReset.Found found(List<ToolsReset.Migration> installed, Set<String> tables,
            List<ToolsReset.Trigger> triggers, List<String> dependents) {
        return new ToolsReset.Found(installed, false, tables, triggers, dependents, othersUpTo(installed), List.of());
    }

    /** The other tools objects a fresh install of {@code installed} makes (those of version 3 without history). */
    private static Set<String> othersUpTo(List<ToolsReset.Migration> installed) {
        int upTo = installed == null || installed.isEmpty() ? 3
                : Integer.parseInt(installed.get(installed.size() - 1).version());
        return ToolsReset.OTHERS.stream().filter(o -> o.since() <= upTo).map(ToolsReset.Other::object)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Test
    void resetsWhenTheInstalledMigrationsAreThePackagesAndNothingElseIsThere() {
        var trigger = new ToolsReset.Trigger("public", "gone from the package", "lizsync_audit");
        var plan = ToolsReset.decide(WANTED, found(WANTED, TABLES_UP_TO_3, List.of(trigger), List.of()));
        assertTrue(plan.reset(), plan.reason());
        assertEquals(List.of("lizsync.tools_history"), plan.kept());
        assertTrue(plan.reseeded().isEmpty(), "log_horizon comes with version 13");
        assertTrue(plan.cleared().contains("audit.logged_actions"));
        assertTrue(plan.cleared().contains("lizsync.package_deployments"));
        assertFalse(plan.cleared().contains("lizsync.assignments"), "version 10's table is not in a version 3 install");
        assertEquals(TABLES_UP_TO_3.size(), plan.cleared().size() + plan.kept().size());
        assertEquals(List.of(trigger), plan.dropTriggers());

        String sql = ToolsReset.statements(plan);
        assertTrue(sql.startsWith("DROP TRIGGER \"lizsync_audit\" ON \"public\".\"gone from the package\";\n"), sql);
        assertTrue(sql.contains("\"audit\".\"logged_actions\""), sql);
        assertTrue(sql.contains(" RESTART IDENTITY;"), sql);
        assertFalse(sql.contains("tools_history"), sql);
    }

    /** The reset of a clone holding every migration of the catalogue and nothing else. */
    private static ToolsReset.Plan latestPlan() {
        var all = ToolsReset.CATALOGUE.stream().mapToInt(ToolsReset.Entry::since).max().orElseThrow();
        List<ToolsReset.Migration> wanted = java.util.stream.IntStream.rangeClosed(1, all)
                .mapToObj(v -> new ToolsReset.Migration(String.valueOf(v), v)).toList();
        Set<String> tables = ToolsReset.CATALOGUE.stream().map(ToolsReset.Entry::table).collect(Collectors.toSet());
        var plan = ToolsReset.decide(wanted, found(wanted, tables, List.of(), List.of()));
        assertTrue(plan.reset(), plan.reason());
        return plan;
    }

    @Test
    void theLatestVersionReseedsTheLogHorizon() {
        var plan = latestPlan();
        assertEquals(List.of("lizsync.log_horizon"), plan.reseeded());
        String sql = ToolsReset.statements(plan);
        assertTrue(sql.indexOf("TRUNCATE") < sql.indexOf("INSERT INTO lizsync.log_horizon DEFAULT VALUES"), sql);
        assertTrue(sql.substring(0, sql.indexOf(" RESTART")).contains("\"lizsync\".\"log_horizon\""), sql);
    }

    @Test
    void aResetEmptiesOnlyTheTablesThatHoldRowsOrMovedIdentities() {
        var plan = latestPlan();

        var seq = new ToolsReset.OwnedSequence("audit.logged_actions", "audit", "logged_actions_event_id_seq", 1);
        String look = ToolsReset.lockAndLook(plan, List.of(seq));
        assertTrue(look.startsWith("LOCK TABLE \"audit\".\"logged_relations\", \"audit\".\"logged_actions\""), look);
        assertTrue(look.contains(" IN ACCESS EXCLUSIVE MODE;\nSELECT EXISTS (SELECT FROM \"audit\".\"logged_relations\"),"), look);
        assertTrue(look.contains("EXISTS (SELECT FROM \"audit\".\"logged_actions\") OR (SELECT is_called OR last_value <> 1 "
                + "FROM \"audit\".\"logged_actions_event_id_seq\")"), look);
        assertEquals(ToolsReset.emptiable(plan).size(), look.split("EXISTS").length - 1);
        assertEquals("lizsync.log_horizon", ToolsReset.emptiable(plan).get(ToolsReset.emptiable(plan).size() - 1));

        String some = ToolsReset.emptying(plan, Set.of("lizsync.server_metadata", "lizsync.clone_state"));
        assertEquals("TRUNCATE \"lizsync\".\"server_metadata\", \"lizsync\".\"clone_state\", \"lizsync\".\"log_horizon\""
                + " RESTART IDENTITY;\nINSERT INTO lizsync.log_horizon DEFAULT VALUES;\n", some);
        // nothing used: the reseeded table still gets its seed row back
        assertEquals("TRUNCATE \"lizsync\".\"log_horizon\" RESTART IDENTITY;\nINSERT INTO lizsync.log_horizon DEFAULT VALUES;\n",
                ToolsReset.emptying(plan, Set.of()));
        // a version 3 install has no reseeded table: nothing used, nothing to send
        var plan3 = ToolsReset.decide(WANTED, found(WANTED, TABLES_UP_TO_3, List.of(), List.of()));
        assertEquals("", ToolsReset.emptying(plan3, Set.of()));
        assertEquals(List.of("lizsync.server_metadata", "lizsync.clone_state", "lizsync.log_horizon"),
                ToolsReset.emptied(plan, Set.of("lizsync.clone_state", "lizsync.server_metadata")));
    }

    @Test
    void installsAfreshOtherwise() {
        assertFalse(ToolsReset.decide(WANTED, found(null, Set.of(), List.of(), List.of())).reset());
        assertFalse(ToolsReset.decide(WANTED, found(List.of(), TABLES_UP_TO_3, List.of(), List.of())).reset());

        var older = ToolsReset.decide(WANTED, found(WANTED.subList(0, 2), TABLES_UP_TO_3, List.of(), List.of()));
        assertFalse(older.reset());
        assertTrue(older.reason().contains("installed tools version 2, the package's is 3"), older.reason());

        var newer = ToolsReset.decide(WANTED.subList(0, 2), found(WANTED, TABLES_UP_TO_3, List.of(), List.of()));
        assertFalse(newer.reset());

        var edited = List.of(WANTED.get(0), WANTED.get(1), new ToolsReset.Migration("3", 34));
        var checksum = ToolsReset.decide(WANTED, found(edited, TABLES_UP_TO_3, List.of(), List.of()));
        assertFalse(checksum.reset());
        assertTrue(checksum.reason().contains("checksums"), checksum.reason());

        var failed = ToolsReset.decide(WANTED, new ToolsReset.Found(WANTED, true, TABLES_UP_TO_3, List.of(), List.of(),
                othersUpTo(WANTED), List.of()));
        assertFalse(failed.reset());

        Set<String> extra = new LinkedHashSet<>(TABLES_UP_TO_3);
        extra.add("lizsync.my_notes");
        var extraTable = ToolsReset.decide(WANTED, found(WANTED, extra, List.of(), List.of()));
        assertFalse(extraTable.reset());
        assertTrue(extraTable.reason().contains("lizsync.my_notes"), extraTable.reason());

        Set<String> missing = new LinkedHashSet<>(TABLES_UP_TO_3);
        missing.remove("lizsync.conflicts");
        assertFalse(ToolsReset.decide(WANTED, found(WANTED, missing, List.of(), List.of())).reset());

        var view = ToolsReset.decide(WANTED, found(WANTED, TABLES_UP_TO_3, List.of(), List.of("view public.v")));
        assertFalse(view.reset());
        assertTrue(view.reason().contains("view public.v"), view.reason());

        Set<String> userFunction = new LinkedHashSet<>(othersUpTo(WANTED));
        userFunction.add("function lizsync.my_helper()");
        var function = ToolsReset.decide(WANTED, new ToolsReset.Found(WANTED, false, TABLES_UP_TO_3, List.of(),
                List.of(), userFunction, List.of()));
        assertFalse(function.reset());
        assertTrue(function.reason().contains("extra [function lizsync.my_helper()], missing []"), function.reason());
        Set<String> noSynchronize = new LinkedHashSet<>(othersUpTo(WANTED));
        assertTrue(noSynchronize.remove("function lizsync.synchronize(integer)"));
        var missingFunction = ToolsReset.decide(WANTED, new ToolsReset.Found(WANTED, false, TABLES_UP_TO_3, List.of(),
                List.of(), noSynchronize, List.of()));
        assertFalse(missingFunction.reset());
        assertTrue(missingFunction.reason().contains("missing [function lizsync.synchronize(integer)]"),
                missingFunction.reason());

        assertFalse(ToolsReset.decide(List.of(), found(WANTED, TABLES_UP_TO_3, List.of(), List.of())).reset());
        assertThrows(IllegalArgumentException.class, () -> ToolsReset.statements(view));
    }

    private static final Pattern DOLLAR = Pattern.compile("\\$(\\w*)\\$.*?\\$\\1\\$", Pattern.DOTALL);
    private static final Pattern CREATE = Pattern.compile("CREATE\\s+TABLE\\s+(\\w+\\.\\w+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern INSERT = Pattern.compile("INSERT\\s+INTO\\s+(\\w+\\.\\w+)[^;]*", Pattern.CASE_INSENSITIVE);

    /** Migration files of this build, by version, with function bodies and comments removed. */
    private static Map<Integer, String> migrations() throws Exception {
        Path dir = Path.of(ToolsReset.class.getClassLoader().getResource("db/lizsync").toURI());
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                int v = Integer.parseInt(name.substring(1, name.indexOf("__")));
                String text = DOLLAR.matcher(Files.readString(f)).replaceAll(" ").replaceAll("--[^\n]*", " ");
                out.put(v, text);
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }

    @Test
    void theCatalogueClassifiesEveryTableTheMigrationsCreate() throws Exception {
        Map<String, Integer> created = new TreeMap<>();
        for (var m : migrations().entrySet()) {
            Matcher x = CREATE.matcher(m.getValue());
            while (x.find()) {
                created.put(x.group(1), m.getKey());
            }
        }
        Map<String, Integer> catalogued = new TreeMap<>();
        ToolsReset.CATALOGUE.stream().filter(e -> e.since() > 0).forEach(e -> catalogued.put(e.table(), e.since()));
        assertEquals(created, catalogued, "a migration's new table must be classified in ToolsReset.CATALOGUE");
        assertTrue(ToolsReset.CATALOGUE.stream().anyMatch(e -> e.table().equals("lizsync."
                + ToolsInstaller.HISTORY_TABLE) && e.treatment() == ToolsReset.Treatment.KEEP));
    }

    private static final Pattern CREATE_OTHER = Pattern.compile("CREATE\\s+(?:OR\\s+REPLACE\\s+)?(FUNCTION|PROCEDURE|"
            + "AGGREGATE|OPERATOR|TYPE|DOMAIN|SEQUENCE|COLLATION|TEXT\\s+SEARCH\\s+\\w+|STATISTICS)\\s+(\\w+\\.[^\\s(]+)",
            Pattern.CASE_INSENSITIVE);

    @Test
    void theCatalogueNamesEveryOtherObjectTheMigrationsCreate() throws Exception {
        Map<String, Integer> created = new TreeMap<>();
        for (var m : migrations().entrySet()) {
            Matcher x = CREATE_OTHER.matcher(m.getValue());
            while (x.find()) {
                String kind = x.group(1).toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
                created.putIfAbsent(kind + " " + x.group(2), m.getKey());
            }
        }
        assertFalse(created.isEmpty());
        Map<String, Integer> catalogued = new TreeMap<>();
        ToolsReset.OTHERS.forEach(o -> catalogued.merge(o.object().replaceAll("\\(.*$", ""), o.since(), Math::min));
        assertEquals(created, catalogued, "a migration's new function, operator, type or sequence must be named in "
                + "ToolsReset.OTHERS, as pg_identify_object names it (ToolsResetIT compares the list with a fresh install)");
    }

    @Test
    void everyRowAMigrationInsertsIsReseededByTheSameStatement() throws Exception {
        Map<String, String> inserted = new TreeMap<>();
        for (String text : migrations().values()) {
            Matcher x = INSERT.matcher(text);
            while (x.find()) {
                inserted.merge(x.group(1), x.group().trim().replaceAll("\\s+", " "), (a, b) -> a + ";" + b);
            }
        }
        Map<String, String> seeds = new TreeMap<>();
        ToolsReset.CATALOGUE.stream().filter(e -> e.treatment() == ToolsReset.Treatment.RESEED)
                .forEach(e -> seeds.put(e.table(), e.seed()));
        assertEquals(inserted, seeds, "rows inserted by a migration must be put back by a reset");
        assertTrue(ToolsReset.CATALOGUE.stream().filter(e -> e.treatment() != ToolsReset.Treatment.RESEED)
                .allMatch(e -> e.seed() == null));
    }
}
