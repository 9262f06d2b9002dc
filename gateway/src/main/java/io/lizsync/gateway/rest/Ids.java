package io.lizsync.gateway.rest;

/** Patterns of the ids the API takes in paths and queries (checked before anything reaches a service). */
public final class Ids {

    /** A UUID in its 36-character form. */
    public static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    public static final String UUID_MESSAGE = "must be a UUID";
    /** A PostgreSQL identifier as the API takes it: 1 to 63 characters, no control character. */
    public static final String PG_NAME = "[^\\p{Cntrl}]{1,63}";
    public static final String PG_NAME_MESSAGE = "must be 1 to 63 characters without control characters";

    private Ids() {
    }
}
