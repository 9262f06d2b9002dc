package io.lizsync.sync.wire;

import com.google.protobuf.Timestamp;
import io.lizsync.proto.sync.v1.Change;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Net changes on the wire, both directions: the kind, the values, the time and origin of the row's
 * last edit, and the time and origin of each field edited at another time or on another node
 * (a net change folds several edits; every decision compares the times edits were really made).
 */
public final class ChangeCodec {

    private ChangeCodec() {
    }

    public static Change encode(NetChange n) {
        Change.Builder b = Change.newBuilder()
                .setOriginId(n.writer() == null ? "" : n.writer())
                .setOriginEventId(n.lastEventId() == Long.MAX_VALUE ? 0 : n.lastEventId())
                .setFirstEventId(n.firstEventId() == Long.MAX_VALUE ? 0 : n.firstEventId())
                .setSchemaName(n.table().schema())
                .setTableName(n.table().table())
                .setUid(n.uid())
                .setAction(switch (n.kind()) {
                    case UPSERT -> ChangeAction.CHANGE_ACTION_INSERT;
                    case UPDATE -> ChangeAction.CHANGE_ACTION_UPDATE;
                    case DELETE -> ChangeAction.CHANGE_ACTION_DELETE;
                })
                .setEditedAt(Wire.timestamp(n.editedAt()));
        if (n.kind() != NetChange.Kind.DELETE) {
            b.setNewValuesJson(Wire.json(n.values()));
            for (String f : n.values().keySet()) {
                Instant t = n.fieldTimes().get(f);
                if (t != null && !t.equals(n.editedAt())) {
                    b.putFieldEditedAt(f, Wire.timestamp(t));
                }
                String w = n.fieldWriters().get(f);
                if (w != null && !w.equals(n.writer())) {
                    b.putFieldOrigin(f, w);
                }
            }
        }
        return b.build();
    }

    /**
     * The net change a (joined) wire change carries.
     *
     * @param shift  added to every edit time (a clone's times onto central's clock); zero for none
     * @param origin the writer to record when the change names none (null: keep what it names)
     */
    public static NetChange decode(Change ch, Duration shift, String origin) {
        TableRef t = new TableRef(ch.getSchemaName(), ch.getTableName());
        NetChange.Kind kind = switch (ch.getAction()) {
            case CHANGE_ACTION_INSERT -> NetChange.Kind.UPSERT;
            case CHANGE_ACTION_UPDATE -> NetChange.Kind.UPDATE;
            case CHANGE_ACTION_DELETE -> NetChange.Kind.DELETE;
            default -> throw new IllegalArgumentException("change " + ch.getOriginEventId() + " of " + t
                    + " has no action");
        };
        String uid;
        try {
            uid = UUID.fromString(ch.getUid()).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uid: not a uuid: '" + ch.getUid() + "'");
        }
        String writer = origin != null ? origin : ch.getOriginId();
        Instant at = shifted(ch.getEditedAt(), shift);
        Map<String, String> values = kind == NetChange.Kind.DELETE ? Map.of() : Wire.values(ch.getNewValuesJson());
        Map<String, Instant> times = new HashMap<>();
        Map<String, String> writers = new HashMap<>();
        for (String f : values.keySet()) {
            Timestamp ft = ch.getFieldEditedAtMap().get(f);
            times.put(f, ft == null ? at : shifted(ft, shift));
            String fw = ch.getFieldOriginMap().get(f);
            writers.put(f, fw == null || origin != null ? writer : fw);
        }
        long last = ch.getOriginEventId();
        long first = ch.getFirstEventId() == 0 ? last : ch.getFirstEventId();
        return new NetChange(t, uid, kind, values, times, writers, Map.of(), writer, at, first, last, List.of());
    }

    private static Instant shifted(Timestamp t, Duration shift) {
        Instant i = Wire.instant(t);
        return Objects.equals(shift, Duration.ZERO) || shift == null ? i : i.plus(shift);
    }
}
