package io.lizsync.gateway.rest;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Conversions of the services' message values to the REST documents'. */
public final class Protos {

    private Protos() {
    }

    /** The instant of a timestamp, null when the message left it unset. */
    public static Instant time(Timestamp t) {
        return t == null || (t.getSeconds() == 0 && t.getNanos() == 0) ? null : Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    public static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    /** A query parameter's instant (ISO-8601, e.g. 2026-12-07T10:00:00Z); a bad one is a 400 naming the parameter. */
    public static Instant instant(String parameter, String value) {
        try {
            return Instant.parse(value.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(parameter + ": must be an ISO-8601 instant such as 2026-12-07T10:00:00Z");
        }
    }

    /** Null for an empty string (absent in JSON), the value otherwise. */
    public static String text(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The empty string for null (proto3 strings). */
    public static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
