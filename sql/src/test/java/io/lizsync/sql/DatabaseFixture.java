package io.lizsync.sql;

import io.lizsync.testkit.PgCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;

/** One real PostgreSQL/PostGIS cluster per test class; a fresh database per test. */
abstract class DatabaseFixture {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    static PgCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = PgCluster.start("sql-it");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A new empty database with PostGIS, and a DataSource on it. */
    static DataSource newDatabase() throws Exception {
        String name = "t" + COUNTER.incrementAndGet();
        cluster.createDatabase(name);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(cluster.jdbcUrl(name));
        ds.setUser(cluster.user());
        ds.setPassword(cluster.password());
        return ds;
    }

    static void exec(DataSource ds, String... sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** Rows of a query, each row as a list of column texts. */
    static List<List<String>> rows(DataSource ds, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    static String one(DataSource ds, String sql) throws SQLException {
        List<List<String>> r = rows(ds, sql);
        return r.isEmpty() ? null : r.get(0).get(0);
    }
}
