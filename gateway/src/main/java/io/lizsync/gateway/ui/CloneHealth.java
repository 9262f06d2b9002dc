package io.lizsync.gateway.ui;

import java.time.Duration;
import java.time.Instant;

/**
 * The state word and colour of a clone on the overview, decided from what central knows of it:
 * {@code never} (it never synced), {@code silent} (no contact for longer than the silence
 * threshold, or none at all), {@code behind} (changes wait in either direction, or its oldest
 * unsent edit is older than the lag threshold), otherwise {@code current}; checked in that order.
 * A pure function of its inputs and the thresholds ({@code lizsync.gateway.dashboard.*}).
 */
public final class CloneHealth {

    /** The states, as the page names them (also its {@code data-state}). */
    public enum State {
        NEVER("never", "Never synced"),
        SILENT("silent", "Silent"),
        BEHIND("behind", "Behind"),
        CURRENT("current", "Current");

        public final String word;
        public final String label;

        State(String word, String label) {
            this.word = word;
            this.label = label;
        }
    }

    /** What the overview knows of a clone. */
    public record Facts(Instant lastContact, Instant lastSync, long toCentral, long toClone, long oldestUnsentAgeSeconds) {
    }

    /** The thresholds: silent after this long without contact; behind when an unsent edit is older than this. */
    public record Thresholds(Duration silentAfter, Duration behindAfter) {
    }

    private CloneHealth() {
    }

    public static State of(Facts f, Thresholds t, Instant now) {
        if (f.lastSync() == null) {
            return State.NEVER;
        }
        if (f.lastContact() == null || Duration.between(f.lastContact(), now).compareTo(t.silentAfter()) > 0) {
            return State.SILENT;
        }
        if (f.toCentral() > 0 || f.toClone() > 0 || f.oldestUnsentAgeSeconds() > t.behindAfter().toSeconds()) {
            return State.BEHIND;
        }
        return State.CURRENT;
    }
}
