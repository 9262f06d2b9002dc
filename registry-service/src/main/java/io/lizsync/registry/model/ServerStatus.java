package io.lizsync.registry.model;

/** Lifecycle state of a server; stored lower-case in {@code registry.servers.status}. */
public enum ServerStatus {
    REGISTERED("registered"),
    ACTIVE("active"),
    REDEPLOY_REQUIRED("redeploy_required"),
    DISABLED("disabled");

    private final String dbValue;

    ServerStatus(String dbValue) {
        this.dbValue = dbValue;
    }

    public String dbValue() {
        return dbValue;
    }

    public static ServerStatus fromDb(String value) {
        for (ServerStatus s : values()) {
            if (s.dbValue.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown server status in database: " + value);
    }
}
