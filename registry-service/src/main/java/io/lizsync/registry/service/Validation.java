package io.lizsync.registry.service;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

import io.lizsync.registry.error.InvalidArgumentException;

/**
 * Checks of request values. Names are stored verbatim (quotes, spaces, unicode are kept); only
 * what PostgreSQL cannot store (NUL) or what makes no sense (blank, too long) is refused.
 */
public final class Validation {

    /** Schemas that are never synchronised. */
    public static final Set<String> RESERVED_SCHEMAS = Set.of("public", "lizsync", "audit");

    private Validation() {
    }

    /** A required UUID. */
    public static UUID uuid(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(what + " is required");
        }
        return parseUuid(value, what);
    }

    /** An optional UUID: null when blank. */
    public static UUID optionalUuid(String value, String what) {
        return value == null || value.isBlank() ? null : parseUuid(value, what);
    }

    private static UUID parseUuid(String value, String what) {
        try {
            UUID id = UUID.fromString(value.trim());
            // UUID.fromString accepts short forms such as "1-2-3-4-5"; require the canonical one.
            if (!id.toString().equalsIgnoreCase(value.trim())) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(what + " is not a UUID: " + abbreviate(value));
        }
    }

    /** A required name of 1 to {@code maxChars} characters, kept verbatim. */
    public static String name(String value, String what, int maxChars) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(what + " is required");
        }
        text(value, what, maxChars);
        return value;
    }

    /** An optional free text (null becomes empty), kept verbatim. */
    public static String text(String value, String what, int maxChars) {
        if (value == null) {
            return "";
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(what + " contains a NUL character");
        }
        if (value.codePointCount(0, value.length()) > maxChars) {
            throw new InvalidArgumentException(what + " is longer than " + maxChars + " characters");
        }
        return value;
    }

    /** A PostgreSQL identifier (schema or table name), kept verbatim: 1 to 63 bytes, no NUL. */
    public static String identifier(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new InvalidArgumentException(what + " is required");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(what + " contains a NUL character");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > 63) {
            throw new InvalidArgumentException(what + " is longer than 63 bytes: " + abbreviate(value));
        }
        return value;
    }

    /** A schema that may be synchronised. */
    public static String syncSchema(String value, String what) {
        identifier(value, what);
        if (RESERVED_SCHEMAS.contains(value)) {
            throw new InvalidArgumentException(what + " '" + value + "' is reserved and never synchronised");
        }
        return value;
    }

    /** Shortens a caller's value for an error message. */
    public static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
