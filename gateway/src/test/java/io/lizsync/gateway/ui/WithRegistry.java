package io.lizsync.gateway.ui;

import io.lizsync.gateway.NoDownstream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The gateway with a real registry-service ({@link RealRegistry}, which gives the client's port) and no other service. */
public class WithRegistry extends NoDownstream {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.remove("quarkus.grpc.clients.registry.test-port");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RealRegistry.class));
    }
}
