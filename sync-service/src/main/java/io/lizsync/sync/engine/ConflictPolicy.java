package io.lizsync.sync.engine;

import java.time.Instant;

/** How a conflict on a table is decided. */
public enum ConflictPolicy {
    /** The later original edit wins (clone times corrected by the measured clock offset); ties go to central. */
    LAST_EDIT_WINS("last_edit_wins"),
    /** Central's value always wins. */
    CENTRAL_WINS("central_wins"),
    /** The clone's value always wins. */
    CLONE_WINS("clone_wins"),
    /** Central keeps its value and the conflict waits for an administrator. */
    MANUAL("manual");

    public final String sqlName;

    ConflictPolicy(String sqlName) {
        this.sqlName = sqlName;
    }

    public static ConflictPolicy fromSql(String name) {
        for (ConflictPolicy p : values()) {
            if (p.sqlName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown conflict policy '" + name
                + "' (last_edit_wins, central_wins, clone_wins, manual)");
    }

    /** True when the clone's side is applied. */
    public boolean cloneWins(Instant cloneAt, Instant centralAt) {
        return switch (this) {
            case LAST_EDIT_WINS -> cloneAt != null && (centralAt == null || cloneAt.isAfter(centralAt));
            case CLONE_WINS -> true;
            case CENTRAL_WINS, MANUAL -> false;
        };
    }

    /** The winner as recorded: central, clone, or pending (manual). */
    public String winner(boolean cloneWins) {
        return this == MANUAL ? "pending" : cloneWins ? "clone" : "central";
    }
}
