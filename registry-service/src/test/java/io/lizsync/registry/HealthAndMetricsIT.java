package io.lizsync.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.either;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class HealthAndMetricsIT {

    @Test
    void readinessIsUpWithTheDatabaseChecks() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Reactive PostgreSQL connections health check")))
                .body("checks.name", hasItem("registry schema"))
                .body("checks.find { it.name == 'registry schema' }.data.version",
                        equalTo(io.lizsync.testkit.ToolsVersions.latestIn("db/registry")));
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsAreServed() {
        given().when().get("/q/metrics").then()
                .statusCode(200)
                .body(either(containsString("jvm_")).or(containsString("http_server_")));
    }
}
