package io.lizsync.sync.central.exchange.service;

import java.util.Arrays;
import java.util.Collection;

/**
 * Which transactions of central's log a push's per-batch read of central's pending changes must
 * look at (ADR 0008, "The pending read looks only where something can be pending"). Pure.
 *
 * <p>Central's pending changes for the clone are the log rows of transactions not visible in the
 * clone's tick (so at or above the tick's xmin), other than the push's own transaction. When the
 * push opens, it takes one look at the log (its statement snapshot, "open"): the transactions
 * already committed then that the tick does not see are listed, and so are those still running
 * then (the open snapshot's in-progress list: a late commit, with an id older than the push's, is
 * one of them); every transaction that starts later is at or above the open snapshot's xmax. So
 * each batch reads the listed transactions and everything from {@code from} (the open xmax, or
 * the tick's xmin if higher) up, except the push's own transaction (whose rows grow with every
 * batch and are never "central's side"). What it no longer reads is the bulk of the log between
 * the tick's xmin and the push: transactions the clone has already received (visible in its
 * tick), which the previous read scanned again at every batch.
 *
 * @param committed transactions to read one by one (sorted, below {@code from}, never {@code self})
 * @param from      everything at or above it is read (but {@code self})
 * @param self      the push's own transaction
 */
public record PendingScope(long[] committed, long from, long self) {

    /** Beyond this many listed transactions, a range from the oldest of them is read instead. */
    public static final int MAX_LISTED = 1_000;

    /**
     * @param tickXmin        the clone's tick's xmin: nothing older can be pending for it
     * @param self            the push's transaction id
     * @param openXmax        the xmax of the snapshot the open look used: transactions that start
     *                        later are at or above it
     * @param runningAtOpen   the open snapshot's in-progress transactions (they may commit during the push)
     * @param committedAtOpen the transactions the open look found with log rows the tick does not see
     */
    public static PendingScope of(long tickXmin, long self, long openXmax, Collection<Long> runningAtOpen,
            Collection<Long> committedAtOpen) {
        long from = Math.max(tickXmin, openXmax);
        long[] listed = java.util.stream.Stream.concat(runningAtOpen.stream(), committedAtOpen.stream())
                .mapToLong(Long::longValue).filter(x -> x >= tickXmin && x < from && x != self).sorted().distinct()
                .toArray();
        if (listed.length > MAX_LISTED) {
            return new PendingScope(new long[0], listed[0], self);
        }
        return new PendingScope(listed, from, self);
    }

    /** True when a log row of transaction {@code xid} must be read (the SQL's condition, for tests). */
    public boolean reads(long xid) {
        return xid != self && (xid >= from || Arrays.binarySearch(committed, xid) >= 0);
    }

    /** The upper range of the read starts here: past the push's own transaction, at or above {@code from}. */
    public long highFrom() {
        return Math.max(from, self + 1);
    }

    /** The listed transactions as a PostgreSQL array literal of xid8 ({@code {1,2,3}}). */
    public String committedLiteral() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < committed.length; i++) {
            out.append(i == 0 ? "" : ",").append(committed[i]);
        }
        return out.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingScope p && Arrays.equals(committed, p.committed) && from == p.from && self == p.self;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(committed) + Long.hashCode(from)) + Long.hashCode(self);
    }

    @Override
    public String toString() {
        return "PendingScope[committed=" + Arrays.toString(committed) + ", from=" + from + ", self=" + self + "]";
    }
}
