package io.lizsync.sync.central.devices.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The tokens of a download, opaque to the device: a checkpoint (what its position becomes once it
 * confirms it) and a continuation (the next page of the same answer). Both carry what they belong
 * to (device, layer) and are checked against the request; a token a device forged could only move
 * its own position, which a download without a device id would give it as well.
 */
public final class DownloadTokens {

    private static final String CHECKPOINT = "c1";
    private static final String CONTINUATION = "n1";
    /** pg_snapshot's text form: xmin:xmax:xip,... */
    private static final Pattern SNAPSHOT = Pattern.compile("\\d{1,20}:\\d{1,20}:(\\d{1,20}(,\\d{1,20})*)?");
    private static final Pattern UID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private DownloadTokens() {
    }

    /**
     * A position a device confirms: the snapshot of the answer, its area (EWKT in the layer's
     * SRID, null: the whole layer) and the structure version it was read with.
     */
    public record Checkpoint(String deviceId, String schema, String table, String snapshot, String area,
            String structureVersion) {
    }

    /**
     * The rest of an answer: its checkpoint, the position it is computed from (null: a reset, the
     * whole layer), and the last uid sent (the next page starts after it).
     */
    public record Continuation(Checkpoint checkpoint, String fromSnapshot, String afterUid) {
        public boolean reset() {
            return fromSnapshot == null;
        }
    }

    public static String encode(Checkpoint c) {
        return pack(CHECKPOINT, c.deviceId(), c.schema(), c.table(), c.snapshot(), nz(c.area()), c.structureVersion());
    }

    public static String encode(Continuation n) {
        Checkpoint c = n.checkpoint();
        return pack(CONTINUATION, c.deviceId(), c.schema(), c.table(), c.snapshot(), nz(c.area()),
                c.structureVersion(), nz(n.fromSnapshot()), n.afterUid());
    }

    /** A checkpoint of this device and layer, or IllegalArgumentException saying what is wrong. */
    public static Checkpoint checkpoint(String token, String deviceId, String schema, String table) {
        String[] p = unpack(token, CHECKPOINT, 7, "checkpoint");
        Checkpoint c = new Checkpoint(p[1], p[2], p[3], snapshot(p[4], "checkpoint"), emptyToNull(p[5]), p[6]);
        belongs(c, deviceId, schema, table, "checkpoint");
        return c;
    }

    /** A checkpoint of this device, of whatever layer (an explicit confirmation names no layer). */
    public static Checkpoint checkpoint(String token, String deviceId) {
        String[] p = unpack(token, CHECKPOINT, 7, "checkpoint");
        return checkpoint(token, deviceId, p[2], p[3]);
    }

    public static Continuation continuation(String token, String deviceId, String schema, String table) {
        String[] p = unpack(token, CONTINUATION, 9, "continuation token");
        Checkpoint c = new Checkpoint(p[1], p[2], p[3], snapshot(p[4], "continuation token"), emptyToNull(p[5]), p[6]);
        belongs(c, deviceId, schema, table, "continuation token");
        String from = emptyToNull(p[7]);
        if (from != null) {
            snapshot(from, "continuation token");
        }
        if (!UID.matcher(p[8]).matches()) {
            throw new IllegalArgumentException("continuation token: not a token of this service");
        }
        return new Continuation(c, from, p[8]);
    }

    private static void belongs(Checkpoint c, String deviceId, String schema, String table, String what) {
        if (!c.deviceId().equals(deviceId) || !c.schema().equals(schema) || !c.table().equals(table)) {
            throw new IllegalArgumentException(what + " of another device or layer: pass the one this device got for "
                    + schema + "." + table);
        }
    }

    private static String snapshot(String s, String what) {
        if (!SNAPSHOT.matcher(s).matches()) {
            throw new IllegalArgumentException(what + ": not a token of this service");
        }
        return s;
    }

    private static String pack(String kind, String... parts) {
        StringBuilder sb = new StringBuilder(kind);
        for (String p : parts) {
            sb.append('\n').append(java.net.URLEncoder.encode(p, StandardCharsets.UTF_8));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String[] unpack(String token, String kind, int parts, String what) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not a token of this service");
        }
        String[] p = text.split("\n", -1);
        if (p.length != parts || !p[0].equals(kind)) {
            throw new IllegalArgumentException(what + ": not a token of this service");
        }
        try {
            for (int i = 1; i < p.length; i++) {
                p[i] = java.net.URLDecoder.decode(p[i], StandardCharsets.UTF_8);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not a token of this service");
        }
        return p;
    }

    /** A device id as a canonical uuid, or IllegalArgumentException. */
    public static String deviceId(String id) {
        String lower = id.toLowerCase(java.util.Locale.ROOT);
        if (!UID.matcher(lower).matches()) {
            throw new IllegalArgumentException("device_id: not a UUID: " + id);
        }
        return lower;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
