package io.lizsync.gateway.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.gateway.NoDownstream;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's pages where the gateway decides alone (no service behind it): a page without a
 * session is a 303 to the login page, a role that may not open a page gets the 403 page, a field
 * user starts on their projects, the login page and the assets need nothing, and the pages stay
 * out of the API document.
 */
@QuarkusTest
@TestProfile(NoDownstream.class)
class DashboardTest {

    static String bearer(String... roles) {
        return "Bearer " + TestKeys.get().token("tester", roles);
    }

    @Test
    void theRootAndEveryPageWithoutASessionGoToTheLoginPage() {
        given().redirects().follow(false).get("/").then().statusCode(303).header("Location", endsWith("/ui/"));
        given().redirects().follow(false).get("/ui/").then().statusCode(303)
                .header("Location", endsWith("/ui/login?next=/ui/"));
        given().redirects().follow(false).urlEncodingEnabled(false).get("/ui/history?direction=to_clone").then().statusCode(303)
                .header("Location", endsWith("/ui/login?next=/ui/history%3Fdirection%3Dto_clone"));
        given().redirects().follow(false).get("/ui/clones/6f1c2d7e-0000-4000-8000-000000000001").then().statusCode(303)
                .header("Location", endsWith("/ui/login?next=/ui/clones/6f1c2d7e-0000-4000-8000-000000000001"));
        // A session cookie that is not one: to the login page too, the cookies cleared.
        var cleared = given().redirects().follow(false).cookie("lizsync_session", "not-a-session").get("/ui/packages").then()
                .statusCode(303).header("Location", containsString("/ui/login?next=/ui/packages"))
                .extract().headers().getValues("Set-Cookie");
        assertTrue(cleared.stream().anyMatch(c -> c.startsWith("lizsync_session=;") && c.contains("Max-Age=0")), cleared::toString);
        // The API keeps answering 401 problem documents.
        given().get("/api/v1/clones").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void theLoginPageAndTheAssetsNeedNoSession() {
        given().get("/ui/login?next=/ui/conflicts").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .body(containsString("<form id=\"login-form\" method=\"post\" action=\"/ui/login\""))
                .body(containsString("id=\"password\" name=\"password\" type=\"password\""))
                .body(containsString("value=\"/ui/conflicts\""))
                .body(containsString("data-page=\"login\""))
                .body(containsString("<html lang=\"en\">"));
        given().get("/ui/login?next=https://elsewhere.example/").then().statusCode(200)
                .body(not(containsString("elsewhere"))).body(containsString("name=\"next\" value=\"/ui/\""));
        given().get("/ui/assets/dash.css").then().statusCode(200).contentType(containsString("text/css"));
        given().get("/ui/assets/dash.js").then().statusCode(200).body(containsString("EventSource"));
    }

    @Test
    void anEmptyPasswordIsRefusedWithTheFormAgain() {
        given().contentType("application/x-www-form-urlencoded").formParam("login", "anne").formParam("password", "")
                .formParam("next", "/ui/").post("/ui/login").then().statusCode(401)
                .body(containsString("<p id=\"login-error\" role=\"alert\""))
                .body(containsString("value=\"anne\""));
    }

    @Test
    void aRoleThatMayNotOpenAPageGetsThe403Page() {
        given().header("Authorization", bearer("field")).get("/ui/history").then().statusCode(403)
                .contentType(containsString("text/html")).body(containsString("data-page=\"forbidden\""))
                .body(containsString("data-nav=\"projects\"")).body(not(containsString("data-nav=\"history\"")));
        given().header("Authorization", bearer("operator")).get("/ui/users").then().statusCode(403)
                .body(containsString("data-page=\"forbidden\"")).body(containsString("data-nav=\"overview\""))
                .body(not(containsString("data-nav=\"users\"")));
        given().header("Authorization", bearer("operator")).get("/ui/devices").then().statusCode(403);
    }

    @Test
    void aFieldUserStartsOnTheirProjects() {
        given().redirects().follow(false).header("Authorization", bearer("field")).get("/ui/").then().statusCode(303)
                .header("Location", endsWith("/ui/projects"));
    }

    @Test
    void anOperatorsOverviewNeedsCentralAndSaysSoWhenItIsAway() {
        given().header("Authorization", bearer("operator")).get("/ui/").then().statusCode(503)
                .contentType(containsString("text/html")).body(containsString("data-page=\"error\""))
                .body(containsString("not reachable"));
    }

    @Test
    void aSessionTheRegistryCannotCheckNowIsAnErrorPageNotAProblemDocument() {
        given().cookie("lizsync_session", "lzs_" + "s".repeat(43)).get("/ui/history").then().statusCode(503)
                .contentType(containsString("text/html")).body(containsString("data-page=\"error\""))
                .body(containsString("not reachable"));
        given().cookie("lizsync_session", "lzs_" + "s".repeat(43)).get("/api/v1/clones").then().statusCode(503)
                .contentType("application/problem+json");
    }

    @Test
    void anUnknownPageOrABadAddressIsAPageToo() {
        given().header("Authorization", bearer("operator")).get("/ui/clones/not-a-uuid").then().statusCode(400)
                .contentType(containsString("text/html")).body(containsString("data-page=\"error\""))
                .body(containsString("data-nav=\"overview\""));
        given().header("Authorization", bearer("operator")).get("/ui/no-such-page").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("There is no such page."));
        given().header("Authorization", bearer("operator")).get("/api/v1/packages/not-a-uuid").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void thePagesAreNotInTheApiDocument() {
        given().get("/q/openapi").then().statusCode(200).body(not(containsString("/ui/"))).body(not(containsString("/ui\"")));
    }
}
