package io.lizsync.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.registry.v1.ListServersRequest;
import io.lizsync.proto.registry.v1.RegisterServerRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerKind;

/** Helpers shared by the registry ITs; they all use one database, so names are made unique. */
final class RegistryTestSupport {

    private RegistryTestSupport() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The one central server, registered by whichever test needs it first. */
    static synchronized Server central(RegistryServiceBlockingStub registry) {
        var existing = registry.listServers(ListServersRequest.newBuilder().setKind(ServerKind.SERVER_KIND_CENTRAL).build());
        if (existing.getServersCount() > 0) {
            return existing.getServers(0);
        }
        return registry.registerServer(RegisterServerRequest.newBuilder()
                .setName("central").setKind(ServerKind.SERVER_KIND_CENTRAL).setToolsVersion("1").build());
    }

    static Server registerClone(RegistryServiceBlockingStub registry, String name) {
        return registry.registerServer(RegisterServerRequest.newBuilder()
                .setName(name)
                .setKind(ServerKind.SERVER_KIND_CLONE)
                .setParentId(central(registry).getId())
                .build());
    }

    /** Runs a call that must fail with {@code code}; returns the failure for further checks. */
    static StatusRuntimeException fails(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), () -> "unexpected status: " + e.getStatus());
        return e;
    }
}
