package io.lizsync.gateway.rest.devices;

import io.lizsync.gateway.error.InvalidFieldException;
import io.lizsync.gateway.rest.Ids;

/** The headers of the device flow, checked with the header's own name in the 400. Pure. */
public final class DeviceHeaders {

    public static final String DEVICE_ID = "X-Device-Id";
    public static final String STRUCTURE_VERSION = "X-Structure-Version";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private DeviceHeaders() {
    }

    /** The device UUID, lower-cased; null when the header is absent or blank (no device: everything). */
    public static String deviceId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String id = header.strip();
        if (!id.matches(Ids.UUID)) {
            throw new InvalidFieldException(DEVICE_ID, Ids.UUID_MESSAGE);
        }
        return id.toLowerCase(java.util.Locale.ROOT);
    }

    /** The structure version the device holds, "" when absent. */
    public static String structureVersion(String header) {
        if (header == null || header.isBlank()) {
            return "";
        }
        String v = header.strip();
        if (v.length() > 200 || !v.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new InvalidFieldException(STRUCTURE_VERSION, "must be the structureVersion of the layer's description");
        }
        return v;
    }

    /** The client's request id of a write: required, 1 to 200 visible ASCII characters. */
    public static String idempotencyKey(String header) {
        if (header == null || header.isBlank()) {
            throw new InvalidFieldException(IDEMPOTENCY_KEY, "required: a key of your own per upload (a UUID), the same on a retry");
        }
        String k = header.strip();
        if (k.length() > 200 || !k.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new InvalidFieldException(IDEMPOTENCY_KEY, "must be 1 to 200 visible ASCII characters");
        }
        return k;
    }
}
