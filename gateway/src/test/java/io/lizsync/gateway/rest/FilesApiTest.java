package io.lizsync.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.lizsync.gateway.NoDownstream;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The FTP file operations' bodies as the gateway checks them before file-service sees anything
 * (file-service is a closed port here: a well-formed request is a 503, a malformed one a 400
 * naming its field).
 */
@QuarkusTest
@TestProfile(NoDownstream.class)
class FilesApiTest {

    static String bearer(String role) {
        return "Bearer " + TestKeys.get().token("tester", role);
    }

    @Test
    void aWellFormedRequestReachesFileService() {
        given().header("Authorization", bearer("operator")).contentType("application/json")
                .body("{\"endpoint\":\"central\",\"remoteDir\":\"qgis/projects\",\"excludeSubdirs\":[\"data\",\"tmp/cache\"],"
                        + "\"adapt\":true,\"centralDatabase\":{\"host\":\"db.central.example\",\"port\":5432,\"dbname\":\"gis\"},"
                        + "\"cloneDatabase\":{\"service\":\"geopoppy\",\"authcfg\":\"lz7q1xa\"}}")
                .post("/api/v1/files/projects/get-from-central").then().statusCode(503);
        given().header("Authorization", bearer("administrator")).contentType("application/json").body("{}")
                .post("/api/v1/files/projects/send-to-clone").then().statusCode(503);
        given().header("Authorization", bearer("operator")).contentType("application/json").body("{\"dryRun\":true}")
                .post("/api/v1/files/media/sync-to-central").then().statusCode(503);
    }

    @Test
    void malformedFieldsAreA400NamingThem() {
        bad("/api/v1/files/projects/get-from-central", "{\"endpoint\":\"../etc\"}", "endpoint");
        bad("/api/v1/files/projects/get-from-central", "{\"excludeSubdirs\":[\"da\\nta\"]}", "excludeSubdirs");
        bad("/api/v1/files/projects/get-from-central", "{\"cloneDatabase\":{\"port\":70000}}", "port");
        bad("/api/v1/files/projects/get-from-central", "{\"cloneDatabase\":{\"authcfg\":\"x host=evil\"}}", "authcfg");
        bad("/api/v1/files/projects/get-from-central", "{\"centralDatabase\":{\"host\":\"a b\"}}", "host");
        bad("/api/v1/files/projects/send-to-clone", "{\"remoteDir\":\"a\\\\b\"}", "remoteDir");
        bad("/api/v1/files/media/sync-to-central", "{\"endpoint\":\"\"}", "endpoint");
    }

    @Test
    void aFieldUserMayNotMoveFiles() {
        given().header("Authorization", bearer("field")).contentType("application/json").body("{}")
                .post("/api/v1/files/media/sync-to-central").then().statusCode(403)
                .contentType(startsWith("application/problem+json"));
        given().header("Authorization", bearer("field")).get("/api/v1/jobs/files-5f0c2a4e-1b2c-4d3e-8f90-0123456789ab")
                .then().statusCode(403);
    }

    @Test
    void aFilesJobIsRoutedToFileService() {
        // routed (file-service is the closed port: 503), not "no such job" (404)
        given().header("Authorization", bearer("operator")).get("/api/v1/jobs/files-5f0c2a4e-1b2c-4d3e-8f90-0123456789ab")
                .then().statusCode(503);
        given().header("Authorization", bearer("operator")).get("/api/v1/files/reports/build-5f0c2a4e-1b2c-4d3e-8f90-0123456789ab")
                .then().statusCode(400);
    }

    private static void bad(String path, String body, String field) {
        given().header("Authorization", bearer("operator")).contentType("application/json").body(body).post(path)
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors.field", hasItem(org.hamcrest.Matchers.containsString(field)));
    }
}
