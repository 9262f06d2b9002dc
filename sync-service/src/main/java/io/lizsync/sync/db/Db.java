package io.lizsync.sync.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The reactive PostgreSQL client used from worker threads: each call waits for its answer, and
 * batches go out pipelined ({@code executeBatch}: one round trip for many rows). Never call it
 * from an event-loop thread.
 */
public final class Db {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private Db() {
    }

    /** Work done on one connection inside one transaction. */
    @FunctionalInterface
    public interface TxWork<T> {
        T run(SqlConnection c) throws Exception;
    }

    public static <T> T inTransaction(Pool pool, TxWork<T> work) throws Exception {
        SqlConnection c = await(pool.getConnection());
        Transaction tx = null;
        try {
            tx = await(c.begin());
            T result = work.run(c);
            await(tx.commit());
            tx = null;
            return result;
        } finally {
            abandon(tx, c);
        }
    }

    /**
     * Gives a connection back after work that did not commit: rolls its transaction back (when
     * there is one) and closes it, both quietly: the connection may already be gone, and the
     * transaction dies with it.
     */
    public static void abandon(Transaction tx, SqlConnection c) {
        if (tx != null) {
            try {
                await(tx.rollback());
            } catch (RuntimeException ignored) {
                // The connection may already be gone; the transaction dies with it.
            }
        }
        if (c != null) {
            try {
                await(c.close());
            } catch (RuntimeException ignored) {
                // Already closed.
            }
        }
    }

    /**
     * Ends a read through a cursor: closes the cursor and its statement, then gives the connection
     * back ({@link #abandon}), all quietly (the connection may be gone; the transaction dies with it).
     */
    public static void endRead(io.vertx.mutiny.sqlclient.Cursor cursor, io.vertx.mutiny.sqlclient.PreparedStatement statement,
            Transaction tx, SqlConnection c) {
        try {
            closeQuietly(cursor, statement);
        } finally {
            abandon(tx, c);
        }
    }

    private static void closeQuietly(io.vertx.mutiny.sqlclient.Cursor cursor,
            io.vertx.mutiny.sqlclient.PreparedStatement statement) {
        try {
            if (cursor != null) {
                await(cursor.close());
            }
            if (statement != null) {
                await(statement.close());
            }
        } catch (RuntimeException ignored) {
            // The connection may be gone; the transaction dies with it.
        }
    }

    /**
     * Ends a read whose transaction was begun by a plain statement (so that it could be pipelined
     * with others, {@link #send}): closes the cursor and its statement, ends the transaction
     * ({@code inTransaction}: begun, or sent to begin) and gives the connection back, all quietly
     * (a ROLLBACK fails only on a connection that is gone, and the transaction dies with it).
     */
    public static void endRead(io.vertx.mutiny.sqlclient.Cursor cursor, io.vertx.mutiny.sqlclient.PreparedStatement statement,
            SqlConnection c, boolean inTransaction) {
        closeQuietly(cursor, statement);
        if (c == null) {
            return;
        }
        try {
            if (inTransaction) {
                await(c.query("ROLLBACK").execute());
            }
        } catch (RuntimeException ignored) {
            // The connection is gone.
        }
        abandon(null, c);
    }

    /** Work on one connection without a transaction (each statement commits by itself). */
    public static <T> T withConnection(Pool pool, TxWork<T> work) throws Exception {
        SqlConnection c = await(pool.getConnection());
        try {
            return work.run(c);
        } finally {
            await(c.close());
        }
    }

    /**
     * Sends a statement without waiting for it: the connection pipelines it behind those sent
     * before (one round trip for several). Await the results in the order sent, so that the first
     * failure is the one reported.
     */
    public static java.util.concurrent.CompletableFuture<RowSet<Row>> send(SqlConnection c, String sql,
            Object... params) {
        return c.preparedQuery(sql).execute(Tuple.from(params)).subscribeAsCompletionStage();
    }

    public static <T> T await(java.util.concurrent.CompletionStage<T> sent) {
        return await(Uni.createFrom().completionStage(sent));
    }

    public static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    public static RowSet<Row> query(SqlConnection c, String sql, Object... params) {
        return await(c.preparedQuery(sql).execute(Tuple.from(params)));
    }

    public static RowSet<Row> query(Pool pool, String sql, Object... params) {
        return await(pool.preparedQuery(sql).execute(Tuple.from(params)));
    }

    public static void execute(SqlConnection c, String sql) {
        await(c.query(sql).execute());
    }

    /** Many executions of one statement, pipelined. */
    public static long batch(SqlConnection c, String sql, List<Tuple> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        long count = 0;
        RowSet<Row> rs = await(c.preparedQuery(sql).executeBatch(rows));
        while (rs != null) {
            count += rs.rowCount();
            rs = rs.next();
        }
        return count;
    }

    public static List<Row> rows(RowSet<Row> rs) {
        List<Row> out = new ArrayList<>();
        rs.forEach(out::add);
        return out;
    }
}
