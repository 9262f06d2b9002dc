package io.lizsync.sync.e2e;

import io.lizsync.testkit.PgCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The environment of the package tests' processes: packaging-service on central, a sidecar on a clone. */
final class PackageProcesses {

    private PackageProcesses() {
    }

    /** packaging-service finds central the libpq way: PG* variables and a password file; packages in {@code storage}. */
    static Map<String, String> packagingEnv(PgCluster central, Path storage) throws IOException {
        Path pgpass = Files.createTempFile("pgpass", "");
        Files.writeString(pgpass, central.host() + ":" + central.port() + ":*:" + central.user() + ":"
                + central.password() + "\n");
        Map<String, String> env = new HashMap<>(Map.of("PGHOST", central.host(), "PGPORT",
                Integer.toString(central.port()), "PGDATABASE", central.database(), "PGUSER", central.user(),
                "PGPASSFILE", pgpass.toString()));
        env.put("LIZSYNC_PACKAGING_STORAGE_DIR", storage.toString());
        return env;
    }

    /**
     * A clone's sidecar reaching central and packaging-service on loopback, with its state in
     * {@code state} and deploys by zip_path from {@link PackageDeployIT#IMPORT}.
     */
    static Map<String, String> sidecarEnv(PgCluster clone, int centralPort, int packagingPort, Path state) {
        Map<String, String> env = Mesh.dbEnv(clone, "clone");
        env.put("LIZSYNC_SYNC_CENTRAL_PORT", Integer.toString(centralPort));
        env.put("LIZSYNC_SYNC_PACKAGING_PORT", Integer.toString(packagingPort));
        env.put("LIZSYNC_SYNC_STATE_DIR", state.toString());
        env.put("LIZSYNC_SYNC_DEPLOY_IMPORT_DIR", PackageDeployIT.IMPORT.toString());
        return env;
    }
}
