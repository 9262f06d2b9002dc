package io.lizsync.registry.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.lizsync.registry.model.Device;

class DeviceRulesTest {

    private static Device device(UUID user, Instant blockedAt) {
        Device d = new Device();
        d.id = UUID.randomUUID();
        d.userId = user;
        d.blockedAt = blockedAt;
        return d;
    }

    @Test
    void aDeviceServesItsOwnUserUnlessBlocked() {
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        assertNull(DeviceRules.refusal(device(alice, null), alice));
        assertNull(DeviceRules.refusal(device(null, null), bob), "a device of nobody is taken by its next user");
        assertTrue(DeviceRules.refusal(device(alice, null), bob).contains("another user"));
        assertTrue(DeviceRules.refusal(device(alice, Instant.now()), alice).contains("blocked"));
        assertTrue(DeviceRules.refusal(device(alice, Instant.now()), bob).contains("blocked"), "blocked wins");
    }

    @Test
    void lastSeenIsWrittenAtMostOnceAMinute() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        assertTrue(DeviceRules.seenIsStale(null, now));
        assertFalse(DeviceRules.seenIsStale(now.minusSeconds(59), now));
        assertTrue(DeviceRules.seenIsStale(now.minusSeconds(60), now));
    }
}
