package io.lizsync.gateway.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.gateway.auth.Csrf;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's sessions against a real registry-service: the login form (a wrong password is
 * the form again with a 401, a right one the REST API's session cookie and a 303 to a local page
 * only), pages by role, the CSRF token every form post must carry, the logout.
 */
@QuarkusTest
@TestProfile(WithRegistry.class)
class DashboardSessionTest {

    static Response login(String login, String password, String next) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("login", login).formParam("password", password).formParam("next", next).post("/ui/login");
    }

    static String session(String login, String password) {
        String session = login(login, password, "/ui/").then().statusCode(303).extract().cookie("lizsync_session");
        assertNotNull(session);
        return session;
    }

    @Test
    void aWrongPasswordIsTheFormAgainWithA401() {
        login(RealRegistry.ADMIN, "not the password", "/ui/conflicts").then().statusCode(401)
                .contentType(containsString("text/html"))
                .body(containsString("<p id=\"login-error\" role=\"alert\""))
                .body(containsString("value=\"/ui/conflicts\""))
                .body(not(containsString("not the password")));
        login("nobody-at-all", "whatever it is", "/ui/").then().statusCode(401).body(containsString("id=\"login-error\""));
    }

    @Test
    void aRightPasswordSetsTheSessionCookieAndGoesToTheLocalPageAskedFor() {
        Response r = login(RealRegistry.ADMIN, RealRegistry.ADMIN_PASSWORD, "/ui/conflicts?state=all");
        r.then().statusCode(303).header("Location", endsWith("/ui/conflicts?state=all"));
        List<String> cookies = r.headers().getValues("Set-Cookie");
        String session = cookies.stream().filter(c -> c.startsWith("lizsync_session=lzs_")).findFirst().orElseThrow();
        assertTrue(session.contains("HttpOnly") && session.contains("SameSite=Strict"), session);
        // Another site as "next": the overview instead.
        login(RealRegistry.ADMIN, RealRegistry.ADMIN_PASSWORD, "https://elsewhere.example/ui/").then().statusCode(303)
                .header("Location", endsWith("/ui/"));
        login(RealRegistry.ADMIN, RealRegistry.ADMIN_PASSWORD, "//elsewhere.example/ui/").then().statusCode(303)
                .header("Location", endsWith("/ui/"));
    }

    @Test
    void pagesFollowTheRolesAndShowTheUserAndTheFormsToken() {
        String admin = session(RealRegistry.ADMIN, RealRegistry.ADMIN_PASSWORD);
        given().cookie("lizsync_session", admin).get("/ui/users").then().statusCode(200)
                .body(containsString("data-page=\"users\""))
                .body(containsString("<span id=\"whoami\">admin</span>"))
                .body(containsString("data-nav=\"users\"")).body(containsString("data-nav=\"devices\""))
                .body(containsString("data-login=\"" + RealRegistry.OPERATOR + "\""))
                .body(containsString("name=\"csrf\" value=\"" + Csrf.tokenFor(admin) + "\""));
        String operator = session(RealRegistry.OPERATOR, RealRegistry.PASSWORD);
        given().cookie("lizsync_session", operator).get("/ui/users").then().statusCode(403)
                .body(containsString("data-page=\"forbidden\"")).body(containsString("<span id=\"whoami\">olga</span>"))
                .body(containsString("data-nav=\"conflicts\"")).body(not(containsString("data-nav=\"users\"")));
        String field = session(RealRegistry.FIELD, RealRegistry.PASSWORD);
        given().redirects().follow(false).cookie("lizsync_session", field).get("/ui/").then().statusCode(303)
                .header("Location", endsWith("/ui/projects"));
        given().cookie("lizsync_session", field).get("/ui/projects").then().statusCode(200)
                .body(containsString("data-page=\"projects\"")).body(containsString("id=\"projects\""))
                .body(not(containsString("data-nav=\"overview\"")));
        given().cookie("lizsync_session", field).get("/ui/conflicts").then().statusCode(403)
                .body(containsString("data-page=\"forbidden\""));
    }

    @Test
    void aFormPostWithoutTheSessionsCsrfTokenIsRefused() {
        String admin = session(RealRegistry.ADMIN, RealRegistry.ADMIN_PASSWORD);
        given().cookie("lizsync_session", admin).contentType("application/x-www-form-urlencoded")
                .formParam("login", "mallory").formParam("password", "mallory's passphrase").formParam("role", "administrator")
                .post("/ui/users").then().statusCode(403).body(containsString("data-page=\"forbidden\""))
                .body(containsString("CSRF"));
        given().cookie("lizsync_session", admin).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", Csrf.tokenFor("lzs_another_session"))
                .formParam("login", "mallory").formParam("password", "mallory's passphrase").formParam("role", "administrator")
                .post("/ui/users").then().statusCode(403);
        given().cookie("lizsync_session", admin).get("/ui/users").then().statusCode(200)
                .body(not(containsString("data-login=\"mallory\"")));
        // With the token, the same form creates the user.
        given().redirects().follow(false).cookie("lizsync_session", admin).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", Csrf.tokenFor(admin)).formParam("login", "mallory")
                .formParam("password", "mallory's passphrase").formParam("role", "operator")
                .post("/ui/users").then().statusCode(303).header("Location", endsWith("/ui/users?done=user-created"));
        given().cookie("lizsync_session", admin).get("/ui/users?done=user-created").then().statusCode(200)
                .body(containsString("data-login=\"mallory\"")).body(containsString("id=\"flash\" role=\"status\""));
    }

    @Test
    void aNewApiTokenIsShownOnceAndTheLogoutClosesTheSession() {
        String admin = session(RealRegistry.ADMIN, RealRegistry.ADMIN_PASSWORD);
        String page = given().cookie("lizsync_session", admin).get("/ui/users").then().statusCode(200).extract().asString();
        String userId = page.replaceAll("(?s).*<option value=\"([0-9a-f-]{36})\">" + RealRegistry.OPERATOR + "</option>.*", "$1");
        assertEquals(36, userId.length(), "the operator is a choice of the token form");
        String created = given().cookie("lizsync_session", admin).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", Csrf.tokenFor(admin)).formParam("user", userId).formParam("name", "nightly export")
                .formParam("scope", "role:operator").formParam("days", "30").post("/ui/users/tokens")
                .then().statusCode(200).extract().asString();
        assertTrue(created.matches("(?s).*<p id=\"new-token\" class=\"secret\">lzt_[A-Za-z0-9_-]+</p>.*"), "the secret, once");
        given().cookie("lizsync_session", admin).get("/ui/users").then().statusCode(200)
                .body(containsString("nightly export")).body(not(containsString("id=\"new-token\"")));

        given().cookie("lizsync_session", admin).contentType("application/x-www-form-urlencoded").post("/ui/logout")
                .then().statusCode(403);
        given().redirects().follow(false).cookie("lizsync_session", admin).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", Csrf.tokenFor(admin)).post("/ui/logout").then().statusCode(303)
                .header("Location", endsWith("/ui/login"));
        given().redirects().follow(false).cookie("lizsync_session", admin).get("/ui/users").then().statusCode(303)
                .header("Location", containsString("/ui/login?next=/ui/users"));
    }
}
