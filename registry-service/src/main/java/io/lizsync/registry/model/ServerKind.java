package io.lizsync.registry.model;

/** Role of a server in the mesh; stored lower-case in {@code registry.servers.kind}. */
public enum ServerKind {
    CENTRAL("central"),
    CLONE("clone"),
    TIER("tier");

    private final String dbValue;

    ServerKind(String dbValue) {
        this.dbValue = dbValue;
    }

    public String dbValue() {
        return dbValue;
    }

    public static ServerKind fromDb(String value) {
        for (ServerKind k : values()) {
            if (k.dbValue.equals(value)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown server kind in database: " + value);
    }
}
