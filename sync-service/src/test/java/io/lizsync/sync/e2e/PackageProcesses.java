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

    /**
     * registry-service and central's sync-service on {@code central}'s database, the registry
     * first (central asks it about every clone); {@code extra} is added to central's environment.
     */
    static ServiceProcess[] startCentral(String name, PgCluster central, Map<String, String> extra) throws Exception {
        ServiceProcess registry = RegistryProcess.start(name + "-registry", central);
        try {
            Map<String, String> env = Mesh.dbEnv(central, "central");
            env.putAll(RegistryProcess.centralEnv(registry));
            env.putAll(extra);
            return new ServiceProcess[] {registry, ServiceProcess.start(name, env)};
        } catch (Exception | Error e) {
            registry.close();
            throw e;
        }
    }

    /**
     * An operator's registration ticket for deploying {@code pkg} on the clone behind
     * {@code sidecar}: for the clone it already is when it is one (a redeploy keeps its id), else
     * for a new clone named {@code cloneName}.
     */
    static String ticket(ServiceProcess registry, io.grpc.Channel sidecar, String cloneName,
            io.lizsync.proto.packaging.v1.PackageInfo pkg) {
        String id = "";
        try {
            id = io.lizsync.proto.sync.v1.CloneAgentGrpc.newBlockingStub(sidecar).withCallCredentials(Mesh.ADMIN)
                    .getCloneStatus(io.lizsync.proto.sync.v1.GetCloneStatusRequest.getDefaultInstance()).getCloneId();
        } catch (io.grpc.StatusRuntimeException notACloneYet) {
            // a new clone
        }
        var request = io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest.newBuilder().setCloneName(cloneName)
                .setCloneId(id).setPackageId(pkg.getPackageId()).setPackageHistorySyncId(pkg.getHistorySyncId());
        for (var t : pkg.getTablesList()) {
            request.addTables(io.lizsync.proto.registry.v1.TableRef.newBuilder()
                    .setSchemaName(t.getTable().getSchemaName()).setTableName(t.getTable().getTableName()));
        }
        return RegistryProcess.ticket(registry, request, java.util.List.of());
    }

    /** Installs the tools on central and prepares {@code schema} (server id, uid columns, audit triggers). */
    static void installAndPrepare(io.grpc.Channel central, String schema) {
        var admin = io.lizsync.proto.sync.v1.CentralAdminGrpc.newBlockingStub(central).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(120, java.util.concurrent.TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertEquals(1,
                admin.install(io.lizsync.proto.sync.v1.InstallRequest.getDefaultInstance()).getStatus());
        org.junit.jupiter.api.Assertions.assertEquals(1, admin.prepare(io.lizsync.proto.sync.v1.PrepareRequest
                .newBuilder().setAddServerId(true).setAddUidColumns(true).setAddAuditTriggers(true).addSchemas(schema)
                .build()).getStatus());
    }

    /** Shuts the channels, closes the processes in the order given (nulls skipped), then the clusters. */
    static void closeAll(java.util.List<io.grpc.ManagedChannel> channels, io.lizsync.testkit.PgClusters dbs,
            ServiceProcess... processes) {
        channels.forEach(io.grpc.ManagedChannel::shutdownNow);
        for (ServiceProcess p : processes) {
            if (p != null) {
                p.close();
            }
        }
        if (dbs != null) {
            dbs.close();
        }
    }

    /** Builds a package of {@code schema} on packaging-service as an administrator and answers it (the build's last event). */
    static io.lizsync.proto.packaging.v1.PackageInfo build(io.grpc.Channel packaging, String schema, java.time.Duration within) {
        var events = io.lizsync.proto.packaging.v1.PackagingServiceGrpc.newBlockingStub(packaging).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(within.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                .buildPackage(io.lizsync.proto.packaging.v1.BuildPackageRequest.newBuilder().addSchemas(schema).build());
        io.lizsync.proto.packaging.v1.PackageInfo info = null;
        while (events.hasNext()) {
            var e = events.next();
            if (e.hasPackage()) {
                info = e.getPackage();
            }
        }
        if (info == null) {
            throw new AssertionError("the build of " + schema + " ended without a package");
        }
        return info;
    }
}
