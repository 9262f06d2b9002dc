package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.central.devices.service.EditParser.Edit;
import io.lizsync.sync.central.devices.service.EditParser.Op;
import io.lizsync.sync.engine.ConflictResolver;
import io.lizsync.sync.engine.NetChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What becomes of each edit of an upload (pure: no I/O). A device's edits are net changes written
 * by the device at the time central received them (devices' clocks are not measured). An edit
 * based on the row's current version applies as it is; one based on an older version goes through
 * the clone rules ({@link ConflictResolver}) against central's changes since the device's
 * position; a create with a uid in use, an edit of a row that does not exist, a second edit of
 * the same row are refused.
 */
public final class UploadRules {

    private UploadRules() {
    }

    /** How many times an upload is made when it loses a race to a concurrent writer (see {@link #madeAgain}). */
    public static final int ATTEMPTS = 3;

    /**
     * Whether an upload whose transaction failed with this SQLSTATE is made again from the start:
     * it lost a race to a concurrent transaction that committed first, and nothing of it was kept.
     * {@code 23505} (unique_violation): a create's uid was taken meanwhile — made again, the
     * create is refused by the rules ("uid already used"); {@code 40001} and {@code 40P01}: a
     * serialization failure or a deadlock. Anything else (and a race lost {@link #ATTEMPTS} times)
     * is reported as it is.
     */
    public static boolean madeAgain(String sqlState, int attempt) {
        if (sqlState == null || attempt >= ATTEMPTS) {
            return false;
        }
        return sqlState.equals("23505") || sqlState.equals("40001") || sqlState.equals("40P01");
    }

    /**
     * @param uids     the uid of every edit, in order (generated for creates without one)
     * @param straight changes applied as they are (based on the current version, or creates)
     * @param checked  changes to resolve against central's changes since the device's position
     * @param refused  edit index to the reason
     */
    public record Plan(List<String> uids, List<NetChange> straight, List<NetChange> checked,
            Map<Integer, String> refused) {
    }

    /**
     * @param versions     current version of each row named by an edit that exists (by uid)
     * @param deletedSince uids of rows central deleted since the device's position (a device edit
     *                     of such a row is a conflict, not an unknown row)
     */
    public static Plan plan(LayerShape layer, List<Edit> edits, Map<String, String> versions, Set<String> deletedSince,
            String deviceId, Instant receivedAt, Supplier<String> newUid) {
        List<String> uids = new ArrayList<>();
        List<NetChange> straight = new ArrayList<>();
        List<NetChange> checked = new ArrayList<>();
        Map<Integer, String> refused = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Edit e : edits) {
            String uid = e.uid() != null ? e.uid() : newUid.get();
            uids.add(uid);
            if (!seen.add(uid)) {
                refused.put(e.index(), "a second edit of the same row in one upload: send one edit per row");
                continue;
            }
            boolean exists = versions.containsKey(uid);
            NetChange change = change(layer, e, uid, deviceId, receivedAt);
            if (e.op() == Op.CREATE) {
                if (exists) {
                    refused.put(e.index(), "the uid is already used by another row: a create keeps a uid only when"
                            + " it is unused");
                } else {
                    straight.add(change);
                }
            } else if (!exists && !deletedSince.contains(uid)) {
                refused.put(e.index(), "no row with this uid in " + layer.table());
            } else if (exists && !e.baseVersion().isEmpty() && e.baseVersion().equals(versions.get(uid))) {
                straight.add(change);
            } else {
                checked.add(change);
            }
        }
        return new Plan(uids, straight, checked, refused);
    }

    private static NetChange change(LayerShape layer, Edit e, String uid, String deviceId, Instant at) {
        NetChange.Kind kind = switch (e.op()) {
            case CREATE -> NetChange.Kind.UPSERT;
            case UPDATE -> NetChange.Kind.UPDATE;
            case DELETE -> NetChange.Kind.DELETE;
        };
        Map<String, String> values = new LinkedHashMap<>(e.values());
        Map<String, Instant> times = new HashMap<>();
        Map<String, String> writers = new HashMap<>();
        values.keySet().forEach(f -> {
            times.put(f, at);
            writers.put(f, deviceId);
        });
        return new NetChange(layer.table(), uid, kind, values, times, writers, Map.of(), deviceId, at, e.index(),
                e.index(), List.of());
    }

    /** The outcome of one edit. */
    public record Outcome(int index, String uid, Kind kind, String rule, String winner, String message) {
        /** What happened. */
        public enum Kind {
            APPLIED, CONFLICT, REFUSED
        }
    }

    /** The outcome of every edit, in order, from the plan and the decisions the clone rules took. */
    public static List<Outcome> outcomes(List<Edit> edits, Plan plan, List<ConflictResolver.Decision> decisions) {
        Map<String, List<ConflictResolver.Decision>> byUid = new HashMap<>();
        decisions.forEach(d -> byUid.computeIfAbsent(d.uid(), k -> new ArrayList<>()).add(d));
        List<Outcome> out = new ArrayList<>();
        for (Edit e : edits) {
            String uid = plan.uids().get(e.index());
            String refusal = plan.refused().get(e.index());
            List<ConflictResolver.Decision> ds = byUid.getOrDefault(uid, List.of());
            if (refusal != null) {
                out.add(new Outcome(e.index(), uid, Outcome.Kind.REFUSED, "", "", refusal));
            } else if (ds.isEmpty()) {
                out.add(new Outcome(e.index(), uid, Outcome.Kind.APPLIED, "", "", ""));
            } else {
                Set<String> winners = new HashSet<>();
                List<String> what = new ArrayList<>();
                for (var d : ds) {
                    String w = winner(d.winner());
                    winners.add(w);
                    what.add((d.field() == null ? "the row" : "field " + d.field()) + ": " + switch (w) {
                        case "device" -> "the device's edit applied";
                        case "central" -> "central's value kept";
                        default -> "central's value kept until an administrator decides";
                    });
                }
                String winner = winners.size() == 1 ? winners.iterator().next() : "mixed";
                out.add(new Outcome(e.index(), uid, Outcome.Kind.CONFLICT, ds.get(0).rule(), winner,
                        "changed on central since the device's version; " + String.join("; ", what)));
            }
        }
        return out;
    }

    /** The conflicts table says "clone" for the side that is not central: here, the device. */
    static String winner(String recorded) {
        return recorded.equals("clone") ? "device" : recorded;
    }
}
