package io.lizsync.grpckit.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens whose signature and claims a {@link AccessTokens.Verifier} has already checked,
 * so that a caller reusing its token (every script and app does, for the token's lifetime) costs
 * one ECDSA verification, not one per call (about a millisecond each on Java 17, most of a cheap
 * call's time). Only what cannot change for a given token is kept; its validity in time is checked
 * again on every use. Entries are keyed by the SHA-256 of the token, so a lookup never compares a
 * presented token with a stored one character by character. Bounded: when full, expired entries
 * go, and if none has expired the cache starts afresh (a burst of distinct tokens only costs their
 * verifications again).
 */
final class VerifiedTokens {

    /** What a verified token says, apart from time. */
    record Entry(Caller caller, Instant notBefore) {
    }

    private final int capacity;
    private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();

    VerifiedTokens(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    Entry get(String token) {
        return entries.get(key(token));
    }

    /** Keeps {@code entry}; entries whose token expired before {@code expiredBefore} may go to make room. */
    void put(String token, Entry entry, Instant expiredBefore) {
        if (entries.size() >= capacity) {
            entries.values().removeIf(e -> e.caller().expiresAt().isBefore(expiredBefore));
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(key(token), entry);
    }

    int size() {
        return entries.size();
    }

    private static ByteBuffer key(String token) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
