package io.lizsync.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads what {@link ToolsReset#decide} needs from a database's catalog, in two queries. */
final class ToolsCatalogReader {

    private ToolsCatalogReader() {
    }

    /**
     * Relations of the tools schemas; triggers outside them using their functions (or types); every
     * other object outside them that depends on them. The owner of a default, a constraint, a rule
     * or a policy is its table: a default of a tools table that calls a tools function is not a
     * dependent from outside. Last: the other objects of the tools schemas (functions, operators, types
     * that are not a relation's row or array type, sequences no column owns, collations, text search
     * objects, statistics), named by {@code pg_identify_object}.
     */
    private static final String CATALOG = """
            WITH tools AS (SELECT oid FROM pg_namespace WHERE nspname IN ('audit', 'lizsync')),
            refs AS (
                SELECT 'pg_class'::regclass AS cls, oid FROM pg_class WHERE relnamespace IN (SELECT oid FROM tools)
                UNION ALL SELECT 'pg_proc'::regclass, oid FROM pg_proc WHERE pronamespace IN (SELECT oid FROM tools)
                UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type WHERE typnamespace IN (SELECT oid FROM tools)),
            deps AS (
                SELECT DISTINCT d.classid, d.objid, d.objsubid,
                       CASE d.classid
                           WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE oid = d.objid)
                           WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
                           WHEN 'pg_constraint'::regclass THEN (SELECT nullif(conrelid, 0) FROM pg_constraint WHERE oid = d.objid)
                           WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objid)
                           WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy WHERE oid = d.objid)
                       END AS owner_rel
                FROM pg_depend d JOIN refs r ON d.refclassid = r.cls AND d.refobjid = r.oid
                WHERE d.deptype IN ('n', 'a')),
            outside AS (
                SELECT deps.*, o.type, o.identity
                FROM deps CROSS JOIN LATERAL pg_identify_object(deps.classid, deps.objid, deps.objsubid) o
                LEFT JOIN pg_class oc ON oc.oid = deps.owner_rel
                WHERE CASE WHEN deps.owner_rel IS NOT NULL THEN oc.relnamespace NOT IN (SELECT oid FROM tools)
                           ELSE o.schema IS DISTINCT FROM 'audit' AND o.schema IS DISTINCT FROM 'lizsync' END)
            SELECT
                (SELECT coalesce(array_agg(n.nspname || '.' || c.relname ORDER BY 1), '{}')
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.oid IN (SELECT oid FROM tools) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')),
                (SELECT coalesce(array_agg(DISTINCT ARRAY[n.nspname, c.relname, t.tgname]), '{}')
                 FROM outside x JOIN pg_trigger t ON t.oid = x.objid JOIN pg_class c ON c.oid = t.tgrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace WHERE x.classid = 'pg_trigger'::regclass),
                (SELECT coalesce(array_agg(DISTINCT x.type || ' ' || x.identity), '{}')
                 FROM outside x WHERE x.classid <> 'pg_trigger'::regclass),
                to_regclass('lizsync.tools_history') IS NOT NULL,
                (SELECT coalesce(array_agg(o.type || ' ' || o.identity), '{}') FROM (
                    SELECT 'pg_proc'::regclass AS cls, oid FROM pg_proc WHERE pronamespace IN (SELECT oid FROM tools)
                    UNION ALL SELECT 'pg_operator'::regclass, oid FROM pg_operator WHERE oprnamespace IN (SELECT oid FROM tools)
                    UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM tools)
                        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                            AND d.objid = t.oid AND d.deptype = 'i')
                    UNION ALL SELECT 'pg_class'::regclass, c.oid FROM pg_class c
                        WHERE c.relnamespace IN (SELECT oid FROM tools) AND c.relkind = 'S'
                        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
                    UNION ALL SELECT 'pg_collation'::regclass, oid FROM pg_collation WHERE collnamespace IN (SELECT oid FROM tools)
                    UNION ALL SELECT 'pg_conversion'::regclass, oid FROM pg_conversion WHERE connamespace IN (SELECT oid FROM tools)
                    UNION ALL SELECT 'pg_ts_config'::regclass, oid FROM pg_ts_config WHERE cfgnamespace IN (SELECT oid FROM tools)
                    UNION ALL SELECT 'pg_ts_dict'::regclass, oid FROM pg_ts_dict WHERE dictnamespace IN (SELECT oid FROM tools)
                    UNION ALL SELECT 'pg_statistic_ext'::regclass, oid FROM pg_statistic_ext
                        WHERE stxnamespace IN (SELECT oid FROM tools)
                    ) x CROSS JOIN LATERAL pg_identify_object(x.cls, x.oid, 0) o),
                (SELECT coalesce(array_agg(ARRAY[tn.nspname || '.' || t.relname, sn.nspname, s.relname,
                        q.seqstart::text]), '{}')
                 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                 JOIN pg_namespace sn ON sn.oid = s.relnamespace JOIN pg_sequence q ON q.seqrelid = s.oid
                 JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
                 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                   AND d.deptype IN ('a', 'i') AND tn.oid IN (SELECT oid FROM tools))""";

    static ToolsReset.Found read(Connection c) throws SQLException {
        Set<String> tables = new LinkedHashSet<>();
        List<ToolsReset.Trigger> triggers = new ArrayList<>();
        List<String> dependents = new ArrayList<>();
        boolean history;
        Set<String> others = new LinkedHashSet<>();
        List<ToolsReset.OwnedSequence> sequences = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(CATALOG)) {
            rs.next();
            tables.addAll(Arrays.asList(strings(rs.getArray(1))));
            Object[] trig = (Object[]) rs.getArray(2).getArray();
            for (Object o : trig) {
                String[] t = o instanceof String[] s ? s : Arrays.stream((Object[]) o).map(String::valueOf)
                        .toArray(String[]::new);
                triggers.add(new ToolsReset.Trigger(t[0], t[1], t[2]));
            }
            dependents.addAll(Arrays.asList(strings(rs.getArray(3))));
            history = rs.getBoolean(4);
            others.addAll(Arrays.asList(strings(rs.getArray(5))));
            for (Object o : (Object[]) rs.getArray(6).getArray()) {
                String[] q = o instanceof String[] x ? x : Arrays.stream((Object[]) o).map(String::valueOf)
                        .toArray(String[]::new);
                sequences.add(new ToolsReset.OwnedSequence(q[0], q[1], q[2], Long.parseLong(q[3])));
            }
        }
        if (!history) {
            return new ToolsReset.Found(null, false, tables, triggers, dependents, others, sequences);
        }
        List<ToolsReset.Migration> installed = new ArrayList<>();
        boolean failed = false;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT version, checksum, success FROM "
                + Sql.qualified(ToolsInstaller.TOOLS_SCHEMA, ToolsInstaller.HISTORY_TABLE) + " ORDER BY installed_rank")) {
            while (rs.next()) {
                if (!rs.getBoolean(3)) {
                    failed = true;
                } else if (rs.getString(1) != null) {
                    int sum = rs.getInt(2);
                    installed.add(new ToolsReset.Migration(rs.getString(1), rs.wasNull() ? null : sum));
                }
            }
        }
        return new ToolsReset.Found(installed, failed, tables, triggers, dependents, others, sequences);
    }

    /**
     * Drops the triggers of a reset, locks the tables it may empty and says which of them must be
     * emptied (rows, or a sequence moved from its start): one round trip.
     */
    static Set<String> dropLockAndLook(Connection c, ToolsReset.Plan plan, List<ToolsReset.OwnedSequence> sequences)
            throws SQLException {
        List<String> tables = ToolsReset.emptiable(plan);
        Set<String> used = new LinkedHashSet<>();
        if (tables.isEmpty()) {
            // Nothing to look at; the triggers still go.
            try (Statement st = c.createStatement()) {
                st.execute(ToolsReset.dropTriggers(plan));
            }
            return used;
        }
        try (Statement st = c.createStatement()) {
            boolean rows = st.execute(ToolsReset.dropTriggers(plan) + ToolsReset.lockAndLook(plan, sequences));
            while (!rows) {
                if (!st.getMoreResults() && st.getUpdateCount() == -1) {
                    throw new SQLException("the reset's look at the tools tables returned no row");
                }
                rows = st.getResultSet() != null;
            }
            try (ResultSet rs = st.getResultSet()) {
                rs.next();
                for (int i = 0; i < tables.size(); i++) {
                    if (rs.getBoolean(i + 1)) {
                        used.add(tables.get(i));
                    }
                }
            }
        }
        return used;
    }

    private static String[] strings(Array a) throws SQLException {
        return (String[]) a.getArray();
    }
}
