package io.lizsync.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sql.ToolsInstaller;
import io.lizsync.sync.db.ChangeLog;
import io.lizsync.testkit.PgCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The replay class the log readers sort by in SQL ({@link ChangeLog#groupedByRow}) is the one
 * {@link Routing#replayClass} decides, on a real log: random histories of rows (inserts, updates,
 * deletes by central and by a clone, at random log positions), read for the clone with several
 * echo horizons (none, in the middle of the log, past its end).
 */
class ReplayClassSqlIT {

    private static final String CENTRAL = UUID.randomUUID().toString();
    private static final String CLONE = UUID.randomUUID().toString();
    private static final TableRef TABLE = new TableRef("survey", "parcel");

    static PgCluster cluster;
    static PGSimpleDataSource ds;

    @BeforeAll
    static void start() throws Exception {
        cluster = PgCluster.start("replay-class");
        cluster.createDatabase("replay");
        ds = new PGSimpleDataSource();
        ds.setURL(cluster.jdbcUrl("replay"));
        ds.setUser(cluster.user());
        ds.setPassword(cluster.password());
        var installed = new ToolsInstaller(ds).install(false, false, null);
        assertTrue(installed.ok(), installed.message());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theSqlSortsEveryRowByTheClassTheEngineDecides() throws Exception {
        Random random = new Random(20261207);
        Map<String, List<LoggedChange>> byRow = new LinkedHashMap<>();
        List<LoggedChange> log = new ArrayList<>();
        long event = 0;
        for (int r = 0; r < 200; r++) {
            String uid = UUID.randomUUID().toString();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                char action = "IUUD".charAt(random.nextInt(4));
                String writer = random.nextBoolean() ? CLONE : CENTRAL;
                event += 1 + random.nextInt(3);
                LoggedChange c = new LoggedChange(event, TABLE, uid, action, Map.of("uid", uid),
                        action == 'U' ? Map.of("owner", "v" + event) : Map.of(), writer, Instant.EPOCH);
                byRow.computeIfAbsent(uid, k -> new ArrayList<>()).add(c);
                log.add(c);
            }
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO audit.logged_actions (event_id, schema_name, table_name, relid, uid, action, row_data,
                                                  changed_fields, sync_data)
                OVERRIDING SYSTEM VALUE
                VALUES (?, ?, ?, 0, ?::uuid, ?::"char", hstore('uid', ?), CASE WHEN ? THEN hstore('owner', ?) END,
                        CASE WHEN ? THEN jsonb_build_object('origin', ?::text) END)""")) {
            for (LoggedChange l : log) {
                ps.setLong(1, l.eventId());
                ps.setString(2, TABLE.schema());
                ps.setString(3, TABLE.table());
                ps.setString(4, l.uid());
                ps.setString(5, String.valueOf(l.action()));
                ps.setString(6, l.uid());
                ps.setBoolean(7, l.action() == 'U');
                ps.setString(8, l.changed().get("owner"));
                // central's own edits are logged without an origin (local edits); the clone's came from it
                ps.setBoolean(9, l.writer().equals(CLONE));
                ps.setString(10, l.writer());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        int checked = 0;
        for (long horizon : new long[] {0, event / 2, event + 1}) {
            Routing.Destination to = new Routing.Destination(CLONE, null, horizon);
            Map<String, Integer> sqlClass = new LinkedHashMap<>();
            List<String> order = new ArrayList<>();
            String query = ChangeLog.groupedByRow(ChangeLog.PULL_COLUMNS, "audit.logged_actions l", "true",
                    "'" + CLONE + "'", Long.toString(horizon));
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(query)) {
                while (rs.next()) {
                    String uid = rs.getString(4);
                    Integer before = sqlClass.put(uid, rs.getInt(14));
                    if (before == null) {
                        order.add(uid);
                    } else {
                        assertEquals(order.get(order.size() - 1), uid, "a row's events come together");
                    }
                }
            }
            assertEquals(byRow.keySet(), sqlClass.keySet());
            int last = 0;
            for (String uid : order) {
                int expected = Routing.replayClass(byRow.get(uid), to);
                assertEquals(expected, sqlClass.get(uid), "row " + uid + " with horizon " + horizon + ": "
                        + byRow.get(uid));
                assertTrue(expected >= last, "rows come by replay class");
                last = expected;
                checked++;
            }
        }
        assertEquals(600, checked);
        // the horizon moved rows between classes: the three readings were not all the same
        Routing.Destination past = new Routing.Destination(CLONE, null, event + 1);
        assertTrue(byRow.values().stream().anyMatch(row -> Routing.replayClass(row,
                new Routing.Destination(CLONE, null, 0)) != Routing.replayClass(row, past)));
    }
}
