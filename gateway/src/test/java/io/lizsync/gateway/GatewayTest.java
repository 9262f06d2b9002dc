package io.lizsync.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway on its own: health, metrics, OpenAPI, and the error contract when the sync-service
 * it calls is not there (a closed loopback port: a real connection refusal, not a mock).
 */
@QuarkusTest
@TestProfile(GatewayTest.NoDownstream.class)
class GatewayTest {

    public static class NoDownstream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // In test mode a gRPC client uses its test-port (by default the application's own).
            return Map.of("quarkus.grpc.clients.sync.test-port", "1", "quarkus.grpc.clients.sync.host", "127.0.0.1");
        }
    }

    @Test
    void healthMetricsAndOpenApiAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/central/tools/install"));
    }

    @Test
    void unreachableServiceIsA503ProblemDocument() {
        given().get("/api/v1/central/tools").then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("title", equalTo("UNAVAILABLE"))
                .body("status", equalTo(503));
    }

    @Test
    void prepareWithoutSchemasIsA400ProblemDocument() {
        given().contentType("application/json").body("{\"schemas\": []}")
                .post("/api/v1/central/tools/prepare").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("at least one schema"));
    }
}
