package io.lizsync.sync.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what of a clone's changes central applies. A conflict is the same row and field changed
 * on both sides since the clone last received central's changes, with different values; an update
 * against a delete of the same row is a conflict of the whole row. Every decision is returned for
 * recording, with both values, both times, the rule and the winner.
 */
public final class ConflictResolver {

    private ConflictResolver() {
    }

    /** One decision. {@code field} is null for a whole-row conflict (update against delete). */
    public record Decision(TableRef table, String uid, String field, char centralAction, Object centralValue,
            Instant centralAt, char cloneAction, Object cloneValue, Instant cloneAt, String rule, String winner,
            boolean withinClockUncertainty) {
    }

    /**
     * @param toApply    the clone's changes that central applies, in replay order
     * @param decisions  conflicts decided
     * @param resendRows rows central must send whole to the clone (its delete lost to an update)
     */
    public record Resolution(List<NetChange> toApply, List<Decision> decisions, Set<NetChange.RowKey> resendRows) {
    }

    /**
     * @param cloneChanges   the clone's net changes, times already on the central clock
     * @param centralPending central's net changes of the same period the clone has not received,
     *                       collapsed without what the clone itself wrote
     * @param policies       policy per table (absent: last edit wins)
     */
    public static Resolution resolve(List<NetChange> cloneChanges, List<NetChange> centralPending,
            Function<TableRef, ConflictPolicy> policies) {
        return resolve(cloneChanges, centralPending, policies, java.time.Duration.ZERO);
    }

    /**
     * @param uncertainty how far the clone's times may be off after the offset correction: a
     *                    decision whose two times are closer says so ({@link Decision#withinClockUncertainty})
     */
    public static Resolution resolve(List<NetChange> cloneChanges, List<NetChange> centralPending,
            Function<TableRef, ConflictPolicy> policies, java.time.Duration uncertainty) {
        Map<NetChange.RowKey, NetChange> central = new HashMap<>();
        for (NetChange c : centralPending) {
            central.put(c.key(), c);
        }
        List<NetChange> apply = new ArrayList<>();
        List<Decision> decisions = new ArrayList<>();
        Set<NetChange.RowKey> resend = new HashSet<>();
        for (NetChange n : cloneChanges) {
            NetChange c = central.get(n.key());
            if (c == null) {
                apply.add(n);
                continue;
            }
            ConflictPolicy policy = Objects.requireNonNullElse(policies.apply(n.table()), ConflictPolicy.LAST_EDIT_WINS);
            boolean cloneDeletes = n.kind() == NetChange.Kind.DELETE;
            boolean centralDeletes = c.kind() == NetChange.Kind.DELETE;
            if (cloneDeletes && centralDeletes) {
                apply.add(n);
            } else if (cloneDeletes || centralDeletes) {
                boolean cloneWins = policy.cloneWins(n.editedAt(), c.editedAt());
                decisions.add(new Decision(n.table(), n.uid(), null, action(c), centralDeletes ? null : c.values(),
                        c.editedAt(), action(n), cloneDeletes ? null : n.values(), n.editedAt(), policy.sqlName,
                        policy.winner(cloneWins), ClockEstimate.withinUncertainty(n.editedAt(), c.editedAt(), uncertainty)));
                if (cloneWins && cloneDeletes) {
                    apply.add(n);
                } else if (cloneWins) {
                    // Central deleted the row, the clone's later update restores it.
                    Map<String, String> row = new LinkedHashMap<>(c.oldRow());
                    row.putAll(n.values());
                    apply.add(new NetChange(n.table(), n.uid(), NetChange.Kind.UPSERT, row, n.fieldTimes(),
                            n.fieldWriters(), c.oldRow(), n.writer(), n.editedAt(), n.firstEventId(), n.lastEventId(),
                            n.eventIds()));
                } else if (cloneDeletes) {
                    // The clone deleted a row central kept: the clone must get it back whole.
                    resend.add(n.key());
                }
            } else {
                Map<String, String> kept = new LinkedHashMap<>(n.values());
                for (var e : n.values().entrySet()) {
                    String field = e.getKey();
                    if (!c.values().containsKey(field) || Objects.equals(c.values().get(field), e.getValue())) {
                        continue;
                    }
                    Instant cloneAt = n.fieldTimes().get(field);
                    Instant centralAt = c.fieldTimes().get(field);
                    boolean cloneWins = policy.cloneWins(cloneAt, centralAt);
                    decisions.add(new Decision(n.table(), n.uid(), field, action(c), c.values().get(field), centralAt,
                            action(n), e.getValue(), cloneAt, policy.sqlName, policy.winner(cloneWins),
                            ClockEstimate.withinUncertainty(cloneAt, centralAt, uncertainty)));
                    if (!cloneWins) {
                        kept.remove(field);
                    }
                }
                if (!kept.isEmpty()) {
                    Map<String, Instant> times = new HashMap<>(n.fieldTimes());
                    times.keySet().retainAll(kept.keySet());
                    apply.add(new NetChange(n.table(), n.uid(), n.kind(), kept, times, n.fieldWriters(), n.oldRow(),
                            n.writer(), n.editedAt(), n.firstEventId(), n.lastEventId(), n.eventIds()));
                }
            }
        }
        apply.sort(Collapser.REPLAY_ORDER);
        return new Resolution(apply, decisions, resend);
    }

    private static char action(NetChange n) {
        return switch (n.kind()) {
            case UPSERT -> 'I';
            case UPDATE -> 'U';
            case DELETE -> 'D';
        };
    }
}
