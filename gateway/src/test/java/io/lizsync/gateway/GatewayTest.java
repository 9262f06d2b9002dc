package io.lizsync.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.lizsync.gateway.auth.Csrf;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The gateway on its own: health, metrics, OpenAPI, and what it decides before any service is
 * called: credentials, roles, CSRF, validation, body size; a service that is not there is a 503.
 */
@QuarkusTest
@TestProfile(NoDownstream.class)
class GatewayTest {

    static String bearer(String... roles) {
        return "Bearer " + TestKeys.get().token("tester", roles);
    }

    @Test
    void healthMetricsOpenApiAndSwaggerUiAnswerWithoutCredentials() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/central/tools/install"));
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void noCredentialIsA401ProblemWithAChallenge() {
        given().get("/api/v1/central/tools").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401));
    }

    @Test
    void aMalformedOrForgedCredentialIsA401() {
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/v1/central/tools").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("Bearer"));
        given().header("Authorization", "Bearer aaa.bbb.ccc").get("/api/v1/central/tools").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("access token refused"));
    }

    @Test
    void aRoleThatIsNotNamedIsA403() {
        given().header("Authorization", bearer("field")).get("/api/v1/central/tools").then().statusCode(403)
                .contentType("application/problem+json");
        given().header("Authorization", bearer("operator")).contentType("application/json").body("{\"runIt\":true}")
                .post("/api/v1/central/tools/upgrade").then().statusCode(403);
    }

    @Test
    void anAllowedCallerReachesTheServiceAndAnUnreachableServiceIsA503() {
        given().header("Authorization", bearer("operator")).get("/api/v1/central/tools").then().statusCode(503)
                .contentType("application/problem+json").body("title", equalTo("UNAVAILABLE"));
    }

    @Test
    void aTypedConflictValueNeedsWinnerValueAndTheOtherWay() {
        for (String body : new String[] {"{\"winner\":\"value\"}", "{\"winner\":\"clone\",\"value\":\"x\"}"}) {
            given().header("Authorization", bearer("operator")).contentType("application/json").body(body)
                    .post("/api/v1/conflicts/7/resolution").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("value"));
        }
        given().header("Authorization", bearer("operator")).contentType("application/json").body("{\"winner\":\"mine\"}")
                .post("/api/v1/conflicts/7/resolution").then().statusCode(400).body("errors.field", hasItem("winner"));
        // A typed value passes the gateway's checks and reaches the service (unreachable here).
        given().header("Authorization", bearer("operator")).contentType("application/json")
                .body("{\"winner\":\"value\",\"value\":\"42\"}").post("/api/v1/conflicts/7/resolution").then().statusCode(503);
    }

    @Test
    void invalidInputIsA400NamingTheField() {
        given().header("Authorization", bearer("administrator")).contentType("application/json").body("{\"schemas\": []}")
                .post("/api/v1/central/tools/prepare").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("schemas"))
                .body("detail", containsString("at least one schema"));
        given().header("Authorization", bearer("operator")).get("/api/v1/packages?limit=100000").then().statusCode(400)
                .body("errors.field", hasItem("limit"));
        given().header("Authorization", bearer("operator")).get("/api/v1/packages/not-a-uuid").then().statusCode(400)
                .body("errors.field", hasItem("id"));
        given().header("Authorization", bearer("administrator")).contentType("application/json").body("{\"schemas\": [")
                .post("/api/v1/central/tools/prepare").then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("the request body is not valid JSON of the expected shape"));
    }

    @Test
    void anOversizeBodyIsA413() {
        // Just over the 1 MiB limit: the gateway answers 413 as soon as it has read past it and closes;
        // a body far larger than the socket's buffers could still be on its way then (a broken pipe).
        String big = "{\"schemas\": [\"" + "a".repeat(1024 * 1024 + 10) + "\"]}";
        given().header("Authorization", bearer("administrator")).contentType("application/json").body(big)
                .post("/api/v1/central/tools/prepare").then().statusCode(413);
    }

    @Test
    void aCookieAuthenticatedWriteNeedsTheCsrfToken() {
        String session = "lzs_" + "s".repeat(43);
        given().cookie("lizsync_session", session).contentType("application/json").body("{\"runIt\":false}")
                .post("/api/v1/central/tools/upgrade").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("X-CSRF-Token"));
        given().cookie("lizsync_session", session).header("X-CSRF-Token", Csrf.tokenFor("lzs_other"))
                .contentType("application/json").body("{\"runIt\":false}")
                .post("/api/v1/central/tools/upgrade").then().statusCode(403);
        // With the session's token the write gets past the CSRF check to authentication (the registry
        // that would check the session is not there: 503).
        given().cookie("lizsync_session", session).header("X-CSRF-Token", Csrf.tokenFor(session))
                .contentType("application/json").body("{\"runIt\":false}")
                .post("/api/v1/central/tools/upgrade").then().statusCode(503);
        // Reads need no CSRF token.
        given().cookie("lizsync_session", session).get("/api/v1/central/tools").then().statusCode(503);
    }
}
