package io.lizsync.gateway.ui;

import io.quarkus.qute.TemplateData;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** A time as a page shows it: ISO for {@code <time datetime>}, UTC text with how long ago for people. */
@TemplateData
public record Moment(String iso, String text) {

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** The moment of {@code t} (null for none) as seen at {@code now}. */
    public static Moment of(Instant t, Instant now) {
        if (t == null) {
            return null;
        }
        return new Moment(t.truncatedTo(ChronoUnit.SECONDS).toString(), TEXT.format(t) + " (" + ago(Duration.between(t, now)) + ")");
    }

    /** A time without "ago" (history, edit times). */
    public static Moment at(Instant t) {
        return t == null ? null : new Moment(t.truncatedTo(ChronoUnit.MILLIS).toString(), TEXT.format(t));
    }

    /** A duration as people say it: "40 s", "5 min", "3 h", "2 d". */
    public static String span(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h";
        }
        return seconds / 86_400 + " d";
    }

    static String ago(Duration d) {
        long s = d.toSeconds();
        if (s < 0) {
            return "in the future";
        }
        if (s < 60) {
            return "under a minute ago";
        }
        return span(s) + " ago";
    }
}
