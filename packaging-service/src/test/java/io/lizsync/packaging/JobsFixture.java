package io.lizsync.packaging;

import io.lizsync.sql.Preparer;
import io.lizsync.sql.ToolsInstaller;
import io.lizsync.testkit.PgCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A central database to build from: the LizSync tools, and schema {@code field} prepared with a
 * small table, a medium one and a big one (rows made before the audit trigger, so that the log
 * stays empty), statistics gathered (the jobs count rows against the planner's estimate); and a
 * table that is not prepared ({@code raw.unprepared}).
 */
final class JobsFixture {

    static final int MEDIUM_ROWS = 100_000;

    private JobsFixture() {
    }

    static DataSource dataSource(PgCluster cluster) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(cluster.jdbcUrl());
        ds.setUser(cluster.user());
        ds.setPassword(cluster.password());
        return ds;
    }

    static void prepare(DataSource ds, int bigRows) throws SQLException {
        if (!new ToolsInstaller(ds).install(false, false, null).ok()) {
            throw new IllegalStateException("the tools did not install");
        }
        exec(ds, "CREATE SCHEMA field",
                "CREATE TABLE field.small (id serial PRIMARY KEY, uid uuid NOT NULL DEFAULT gen_random_uuid(), name text)",
                "INSERT INTO field.small (name) SELECT 'row ' || g FROM generate_series(1, 10) g",
                "CREATE TABLE field.medium (id serial PRIMARY KEY, uid uuid NOT NULL DEFAULT gen_random_uuid(), label text)",
                "INSERT INTO field.medium (label) SELECT 'medium ' || g FROM generate_series(1, " + MEDIUM_ROWS + ") g",
                "CREATE TABLE field.big (id bigint PRIMARY KEY, uid uuid NOT NULL DEFAULT gen_random_uuid(), label text)",
                "INSERT INTO field.big (id, label) SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, "
                        + bigRows + ") g",
                "CREATE SCHEMA raw", "CREATE TABLE raw.unprepared (id int PRIMARY KEY)",
                "ANALYZE field.small", "ANALYZE field.medium", "ANALYZE field.big");
        var result = new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of("field"), null));
        if (result == null) {
            throw new IllegalStateException("prepare answered nothing");
        }
    }

    static void exec(DataSource ds, String... sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Ticks and history items of central: a build that kept nothing leaves both as they were. */
    static String ticksAndHistory(DataSource ds) throws SQLException {
        return count(ds, "SELECT count(*) FROM lizsync.ticks") + " tick(s), "
                + count(ds, "SELECT count(*) FROM lizsync.history") + " history item(s)";
    }

    /**
     * Holds an ACCESS EXCLUSIVE lock on a table until closed: a build that reaches the table
     * (pg_dump locks it first) waits, RUNNING, as long as the lock is held.
     */
    static AutoCloseable lock(DataSource ds, String table) throws SQLException {
        Connection c = ds.getConnection();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        }
        return () -> {
            c.rollback();
            c.close();
        };
    }
}
