package io.lizsync.gateway;

import io.lizsync.testkit.TestKeys;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The gateway alone: every service it calls is a closed loopback port (a real connection refusal,
 * not a mock), access tokens are testkit's throwaway keys. What the gateway decides itself
 * (authentication, roles, validation, CSRF, sizes) is tested here without any service.
 */
public class NoDownstream implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        // In test mode a gRPC client uses its test-port (by default the application's own).
        return Map.of("quarkus.grpc.clients.sync.test-port", "1",
                "quarkus.grpc.clients.registry.test-port", "1",
                "quarkus.grpc.clients.packaging.test-port", "1",
                "quarkus.grpc.clients.files.test-port", "1",
                "lizsync.auth.public-key-file", TestKeys.get().publicKeyFile().toString());
    }
}
