package io.lizsync.sync.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads central's {@code lizsync.conflicts} for the e2e tests of conflict decisions. */
final class ConflictRows {

    /**
     * One recorded decision. Values as text ({@code jsonb #>> '{}'}: a string or a number alike);
     * {@code clone} is the clone's name in the mesh (or its id when unknown); {@code field} is
     * null for a whole-row decision (update against delete).
     */
    record Conflict(long id, String uid, String field, String cloneName, String centralAction, String centralValue,
            Instant centralAt, String cloneAction, String cloneValue, Instant cloneAt, String rule, String winner) {

        @Override
        public String toString() {
            return "conflict#" + id + "{uid=" + uid + ", field=" + field + ", at sync of " + cloneName + ", central "
                    + centralAction + " " + centralValue + " @" + centralAt + ", clone " + cloneAction + " " + cloneValue
                    + " @" + cloneAt + ", rule=" + rule + ", winner=" + winner + "}";
        }
    }

    private ConflictRows() {
    }

    /** Every conflict recorded on central for these row uids, in the order recorded. */
    static List<Conflict> of(Mesh mesh, Collection<String> uids) throws Exception {
        Map<String, String> names = new java.util.HashMap<>();
        mesh.cloneIds().forEach((name, id) -> names.put(id, name));
        List<Conflict> out = new ArrayList<>();
        try (Connection c = mesh.db("central").connect(); PreparedStatement st = c.prepareStatement("""
                SELECT id, object_uid::text, field_name, clone_id::text, central_action::text, central_value #>> '{}',
                       central_edited_at, clone_action::text, clone_value #>> '{}', clone_edited_at, rule_applied, winner
                FROM lizsync.conflicts WHERE object_uid = ANY (?) ORDER BY id""")) {
            st.setArray(1, c.createArrayOf("uuid", uids.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Conflict(rs.getLong(1), rs.getString(2), rs.getString(3),
                            names.getOrDefault(rs.getString(4), rs.getString(4)), rs.getString(5), rs.getString(6),
                            instant(rs.getTimestamp(7)), rs.getString(8), rs.getString(9), instant(rs.getTimestamp(10)),
                            rs.getString(11), rs.getString(12)));
                }
            }
        }
        return out;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
