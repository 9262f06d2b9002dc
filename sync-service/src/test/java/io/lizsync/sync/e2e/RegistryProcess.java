package io.lizsync.sync.e2e;

import io.grpc.ManagedChannel;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.testkit.PgCluster;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * registry-service, the owner of the clones' identities (ADR 0013), as its own process on
 * central's database, and the tickets an operator asks it for. The test keys' environment gives it
 * its signing key and the services' API token ({@link io.lizsync.testkit.TestKeys#environment()}).
 */
final class RegistryProcess {

    /** registry-service, built before sync-service in the reactor. */
    static final Path JAR = Path.of("..", "registry-service", "target", "quarkus-app", "quarkus-run.jar");

    private RegistryProcess() {
    }

    static ServiceProcess start(String name, PgCluster central) throws Exception {
        Map<String, String> env = Mesh.dbEnv(central, "central");
        env.remove("LIZSYNC_SYNC_ROLES");
        return ServiceProcess.start(name, JAR, env);
    }

    /** What a sync-service holding the central role needs to reach the registry (its token comes with the test keys). */
    static Map<String, String> centralEnv(ServiceProcess registry) {
        Map<String, String> env = new HashMap<>();
        env.put("LIZSYNC_SYNC_REGISTRY_HOST", "127.0.0.1");
        env.put("LIZSYNC_SYNC_REGISTRY_PORT", Integer.toString(registry.port));
        return env;
    }

    /** An operator's ticket for a clone attaching {@code tables} (no package). */
    static String ticket(ServiceProcess registry, String cloneName, List<String[]> tables) {
        return ticket(registry, IssueRegistrationTicketRequest.newBuilder().setCloneName(cloneName), tables);
    }

    /** An operator's ticket for a clone deploying a package (its history item starts the clone's cursor). */
    static String ticket(ServiceProcess registry, String cloneName, List<String[]> tables, String packageId,
            String historySyncId) {
        return ticket(registry, IssueRegistrationTicketRequest.newBuilder().setCloneName(cloneName)
                .setPackageId(packageId).setPackageHistorySyncId(historySyncId), tables);
    }

    static String ticket(ServiceProcess registry, IssueRegistrationTicketRequest.Builder request, List<String[]> tables) {
        tables.forEach(t -> request.addTables(TableRef.newBuilder().setSchemaName(t[0]).setTableName(t[1])));
        ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", registry.port).usePlaintext()
                .build();
        try {
            return RegistryServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(io.lizsync.testkit.TestKeys.get().as("operator", "operator"))
                    .withDeadlineAfter(30, TimeUnit.SECONDS).issueRegistrationTicket(request.build()).getTicket();
        } finally {
            channel.shutdownNow();
        }
    }

    /** The registry's blocking stub as an administrator, on a channel the caller shuts down. */
    static RegistryServiceGrpc.RegistryServiceBlockingStub admin(ManagedChannel channel) {
        return RegistryServiceGrpc.newBlockingStub(channel).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
