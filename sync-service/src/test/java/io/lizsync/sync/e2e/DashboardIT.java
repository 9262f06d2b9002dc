package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.testkit.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium (testkit's {@link Browser}) against the real services
 * and databases (registry, central's sync-service, packaging-service, a clone, the gateway serving
 * the pages), each its own process: logging in, a clone behind becoming current live, a conflict
 * (text and geometry) resolved in the inbox and reaching central and the clone, a package built
 * and followed live, a field user kept out of the administrator's pages (in the browser and over
 * HTTP), and every page's frame and accessibility floor. Every page seen is saved as a screenshot
 * under {@code target/screenshots/} for a reviewer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    static final String DDL = """
            CREATE SCHEMA survey;
            CREATE TABLE survey.site (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                name text, geom geometry(Point, 2154));
            """;
    static final Path GATEWAY_JAR = Path.of("..", "gateway", "target", "quarkus-app", "quarkus-run.jar");
    static final String PASSWORD = "a long dashboard passphrase";
    static final String SESSION_COOKIE = "lizsync_session";

    static Mesh mesh;
    static ServiceProcess packaging;
    static ServiceProcess gateway;
    static Browser browser;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A test that fails leaves a screenshot of the page it was on: {@code failed-<test>.png}. */
    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.junit.jupiter.api.extension.TestWatcher SHOT_ON_FAILURE = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            if (browser != null) {
                try {
                    browser.screenshot("failed-" + context.getRequiredTestMethod().getName());
                } catch (RuntimeException ignored) {
                    // the browser itself may be what failed
                }
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "survey", List.<String[]>of(new String[] {"survey", "site"}), "clone-a");
        packaging = ServiceProcess.start("dash-packaging", ServiceProcess.PACKAGING_JAR,
                PackageProcesses.packagingEnv(mesh.db("central"), Files.createTempDirectory("lizsync-dash-packages")));
        gateway = ServiceProcess.start("dash-gateway", GATEWAY_JAR, Map.of(
                "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port),
                "QUARKUS_GRPC_CLIENTS_PACKAGING_PORT", Integer.toString(packaging.port)));
        var registry = RegistryProcess.admin(mesh.channel(mesh.registry.port));
        registry.createUser(CreateUserRequest.newBuilder().setLogin("ada").setPassword(PASSWORD).addRoles("administrator").build());
        registry.createUser(CreateUserRequest.newBuilder().setLogin("fred").setPassword(PASSWORD).addRoles("field").build());
        // Rows made at central reach the clone by its sync: the same rows (uids) on both.
        mesh.sql("central", "INSERT INTO survey.site (name, geom) SELECT 'site ' || g, "
                + "ST_SetSRID(ST_MakePoint(1000 + g, 2000 + g), 2154) FROM generate_series(1, 200) g");
        mesh.sync("clone-a");
        assertEquals("200", mesh.one("clone-a", "SELECT count(*) FROM survey.site"));
        browser = Browser.start("http://127.0.0.1:" + gateway.port, Path.of("target", "screenshots"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {browser, gateway, packaging, mesh}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    /** Logs in through the login page as {@code login} (any session before is dropped); answers the page reached. */
    static String logIn(String login) {
        return DashboardForms.logIn(browser, login, PASSWORD);
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(browser.url(path))).timeout(Duration.ofSeconds(30));
    }

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder r = request(path).GET();
        if (cookie != null) {
            r.header("Cookie", SESSION_COOKIE + "=" + cookie);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until clone-a's overview row is in {@code state} with a to-clone count {@code toClone} accepts. */
    static Map<String, String> waitForCloneRow(String state, java.util.function.IntPredicate toClone) {
        return DashboardForms.waitForOverviewRow(browser, "clone-a", state, toClone, () -> {
            try {
                return HTTP.send(request("/api/v1/clones/" + mesh.cloneId("clone-a")).header("Authorization",
                        "Bearer " + io.lizsync.testkit.TestKeys.get().token("admin", "administrator")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException | InterruptedException e) {
                return e.toString();
            }
        });
    }

    static String cell(WebElement row, String field) {
        return row.findElement(By.cssSelector("td[data-field='" + field + "']")).getText().strip();
    }

    @Test
    @Order(1)
    void aWrongPasswordIsRefusedWithAnErrorThenTheAdministratorReachesTheOverview() throws Exception {
        // Without a session: / → /ui/ → the login page, which names where to go back to.
        HttpResponse<String> root = get("/", null);
        assertEquals(303, root.statusCode());
        assertEquals("/ui/", URI.create(browser.url("/")).resolve(root.headers().firstValue("location").orElseThrow()).getPath());
        HttpResponse<String> page = get("/ui/conflicts", null);
        assertEquals(303, page.statusCode(), "a page without a session is never shown: " + page.body());
        assertTrue(page.headers().firstValue("location").orElseThrow().contains("/ui/login?next="), page.headers().map().toString());
        HttpResponse<String> wrong = HTTP.send(request("/ui/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("login=ada&password=not+it")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertTrue(java.util.regex.Pattern.compile("<p[^>]*id=[\"']?login-error\\b").matcher(wrong.body()).find(), wrong.body());
        // A right one goes back to `next`, but only to a local /ui/ path (never another site).
        for (var next : Map.of("/ui/history", "/ui/history", "//elsewhere.example/ui/", "/ui/",
                "https://elsewhere.example/ui/", "/ui/", "/api/v1/users", "/ui/").entrySet()) {
            HttpResponse<String> in = HTTP.send(request("/ui/login").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("login=ada&password=" + java.net.URLEncoder.encode(PASSWORD,
                            java.nio.charset.StandardCharsets.UTF_8) + "&next=" + java.net.URLEncoder.encode(next.getKey(),
                            java.nio.charset.StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, in.statusCode(), next.getKey() + ": " + in.body());
            URI to = URI.create(browser.url("/ui/login")).resolve(in.headers().firstValue("location").orElseThrow());
            assertEquals(URI.create(browser.url(next.getValue())), to, "after logging in with next=" + next.getKey());
            assertTrue(in.headers().allValues("set-cookie").stream().anyMatch(c -> c.startsWith(SESSION_COOKIE + "=")
                    && c.contains("HttpOnly") && c.toLowerCase().contains("samesite=strict")), in.headers().map().toString());
        }

        browser.driver().manage().deleteAllCookies();
        browser.open("/ui/");
        browser.waitFor(By.id("login-form"));
        assertTrue(browser.path().startsWith("/ui/login"), browser.path());
        PageChecks.check(browser, null, null);
        browser.screenshot("01-login");
        browser.type(By.id("login"), "ada").type(By.id("password"), "not the password").click(By.id("login-submit"));
        WebElement error = browser.waitVisible(By.cssSelector("p#login-error[role=alert]"));
        assertFalse(error.getText().isBlank());
        assertFalse(browser.text().contains("not the password"), "the typed password is never echoed");
        assertEquals(null, browser.cookie(SESSION_COOKIE));
        browser.screenshot("02-login-wrong-password");
        browser.type(By.id("login"), "ada").type(By.id("password"), PASSWORD).click(By.id("login-submit"));
        browser.waitFor(By.cssSelector("main#main[data-page=overview]"));
        assertEquals("/ui/", browser.path());
        PageChecks.check(browser, "overview", "ada");
        assertTrue(browser.cookie(SESSION_COOKIE) != null);
        assertTrue(PageChecks.navLinks(browser).containsAll(List.of("users", "devices", "packages", "conflicts", "history")),
                PageChecks.navLinks(browser).toString());
        browser.waitFor(By.cssSelector("#clones tr[data-node=central]"));
        browser.screenshot("03-overview");
    }

    @Test
    @Order(2)
    void aCloneBehindBecomesCurrentAfterItsSyncWithoutAReload() throws Exception {
        logIn("ada");
        browser.open("/ui/");
        mesh.sync("clone-a");
        waitForCloneRow("current", n -> n == 0);
        browser.js("window.lizsyncNotReloaded = true;");
        mesh.sql("central", "UPDATE survey.site SET name = name || ' (edited at central)' WHERE name IN "
                + "('site 1', 'site 2', 'site 3', 'site 4', 'site 5', 'site 6', 'site 7')");
        Map<String, String> row = waitForCloneRow("behind", n -> n > 0);
        assertTrue(Integer.parseInt(row.get("to-clone")) >= 7, row.toString());
        assertTrue(row.get("text").toLowerCase().contains("behind"), "the state is a word, not only a colour: " + row);
        browser.screenshot("04-overview-clone-behind");
        mesh.sync("clone-a");
        row = waitForCloneRow("current", n -> n == 0);
        assertEquals(Boolean.TRUE, browser.js("return window.lizsyncNotReloaded === true;"), "the page was reloaded");
        assertEquals("0", row.get("to-central"), row.toString());
        assertTrue(row.get("text").toLowerCase().contains("current"), row.toString());
        assertFalse(row.get("last-sync").isBlank(), row.toString());
        browser.screenshot("05-overview-clone-current");
    }

    @Test
    @Order(3)
    void conflictsResolvedInTheInboxReachCentralAndTheCloneAtItsNextSync() throws Exception {
        HttpResponse<String> policy = HTTP.send(request("/api/v1/table-policies/survey/site")
                .header("Authorization", "Bearer " + io.lizsync.testkit.TestKeys.get().token("admin", "administrator"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"policy\":\"manual\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, policy.statusCode(), policy.body());
        // Rows by uid: the local primary keys of the nodes need not agree.
        String nameUid = mesh.one("central", "SELECT uid::text FROM survey.site WHERE name = 'site 11'");
        String geomUid = mesh.one("central", "SELECT uid::text FROM survey.site WHERE name = 'site 12'");
        String typedUid = mesh.one("central", "SELECT uid::text FROM survey.site WHERE name = 'site 13'");
        mesh.sql("central", "UPDATE survey.site SET name = 'central 11' WHERE uid = '" + nameUid + "'",
                "UPDATE survey.site SET geom = ST_SetSRID(ST_MakePoint(1000, 2000), 2154) WHERE uid = '" + geomUid + "'",
                "UPDATE survey.site SET name = 'central 13' WHERE uid = '" + typedUid + "'");
        Thread.sleep(100);
        mesh.sql("clone-a", "UPDATE survey.site SET name = 'clone 11' WHERE uid = '" + nameUid + "'",
                "UPDATE survey.site SET geom = ST_SetSRID(ST_MakePoint(1300, 2200), 2154) WHERE uid = '" + geomUid + "'",
                "UPDATE survey.site SET name = 'clone 13' WHERE uid = '" + typedUid + "'");
        assertEquals(3, mesh.sync("clone-a").getNumberConflicts());
        Map<String, Long> conflictOf = new java.util.HashMap<>();
        for (ConflictRows.Conflict c : ConflictRows.of(mesh, List.of(nameUid, geomUid, typedUid))) {
            conflictOf.put(c.uid(), c.id());
        }
        assertEquals(3, conflictOf.size(), "three conflicts are recorded");
        long nameConflict = conflictOf.get(nameUid);
        long geomConflict = conflictOf.get(geomUid);
        long typedConflict = conflictOf.get(typedUid);

        logIn("ada");
        browser.open("/ui/conflicts");
        PageChecks.check(browser, "conflicts", "ada");
        WebElement nameRow = browser.waitFor(By.cssSelector("#conflicts tr[data-conflict-id='" + nameConflict + "']"));
        WebElement geomRow = browser.one(By.cssSelector("#conflicts tr[data-conflict-id='" + geomConflict + "']"));
        assertEquals("pending", nameRow.getAttribute("data-state"));
        assertTrue(cell(nameRow, "central-value").contains("central 11"), nameRow.getText());
        assertTrue(cell(nameRow, "clone-value").contains("clone 11"), nameRow.getText());
        assertFalse(nameRow.findElements(By.cssSelector("td[data-field=clone-value] time[datetime]")).isEmpty(), "the edit time");
        assertFalse(cell(nameRow, "rule").isBlank());
        WebElement svg = geomRow.findElement(By.cssSelector("svg.geometry[role=img]"));
        assertFalse(svg.getAttribute("aria-label").isBlank(), "the drawing is named");
        assertTrue(svg.findElements(By.cssSelector("*")).size() >= 2, "both shapes are drawn");
        assertFalse(browser.text().contains("0101000020"), "a geometry is drawn, never shown as hex WKB");
        assertFalse(svg.getAttribute("aria-label").contains("0101000020"));
        browser.screenshot("06-conflicts-pending");
        browser.phoneWidth();
        browser.screenshot("07-conflicts-phone");
        browser.desktopWidth();

        DashboardForms.decide(browser, nameConflict, "keep-clone", null);
        browser.screenshot("08-conflicts-kept-clone");
        DashboardForms.decide(browser, geomConflict, "keep-central", null);
        DashboardForms.decide(browser, typedConflict, "set-value", "typed 13");
        assertTrue(browser.all(By.cssSelector("#conflicts tr[data-conflict-id='" + nameConflict + "']")).isEmpty(),
                "a decided conflict leaves the pending list");
        browser.open("/ui/conflicts?state=all");
        assertEquals("resolved", browser.waitFor(By.cssSelector("#conflicts tr[data-conflict-id='" + nameConflict + "']"))
                .getAttribute("data-state"));
        browser.screenshot("09-conflicts-all");

        for (String node : List.of("central", "clone-a")) {
            if (node.equals("clone-a")) {
                mesh.sync("clone-a");
            }
            assertEquals("clone 11", mesh.one(node, "SELECT name FROM survey.site WHERE uid = '" + nameUid + "'"), node);
            assertEquals("typed 13", mesh.one(node, "SELECT name FROM survey.site WHERE uid = '" + typedUid + "'"), node);
            assertEquals("POINT(1000 2000)", mesh.one(node, "SELECT ST_AsText(geom) FROM survey.site WHERE uid = '"
                    + geomUid + "'"), node);
        }
        mesh.assertConverged();
    }


    @Test
    @Order(4)
    void aPackageBuiltFromThePackagesPageIsFollowedLiveUntilItIsListed() throws Exception {
        logIn("ada");
        browser.open("/ui/packages");
        PageChecks.check(browser, "packages", "ada");
        Set<String> before = DashboardForms.packageIds(browser);
        browser.screenshot("10-packages");
        DashboardForms.fillBuildForm(browser, "survey");
        browser.click(By.id("build-submit"));
        WebElement progress = browser.waitFor(By.cssSelector("progress#job-progress[data-job-id^='build-']"));
        assertEquals("100", progress.getAttribute("max"));
        List<String> states = new ArrayList<>();
        boolean shot = false;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String state = "";
        while (!Set.of("succeeded", "failed", "cancelled").contains(state) && System.nanoTime() < deadline) {
            state = String.valueOf(browser.js("const p = document.getElementById('job-progress');"
                    + "return p ? p.getAttribute('data-state') : 'gone';"));
            if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
                states.add(state);
            }
            if (!shot && "running".equals(state)) {
                browser.screenshot("11-packages-build-running");
                shot = true;
            }
            Thread.sleep(100);
        }
        assertEquals("succeeded", state, "states seen: " + states + ", " + browser.one(By.id("job-message")).getText());
        assertTrue(Set.of("queued", "running", "succeeded").containsAll(states), "followed live: " + states);
        assertFalse(browser.one(By.id("job-message")).getText().isBlank());
        browser.screenshot("12-packages-build-succeeded");
        try {
            browser.waitUntil(d -> DashboardForms.packageIds(browser).size() > before.size(), Duration.ofSeconds(5));
        } catch (org.openqa.selenium.TimeoutException notLive) {
            browser.open("/ui/packages"); // the list need not follow live: a reload shows it
        }
        Set<String> after = DashboardForms.packageIds(browser);
        after.removeAll(before);
        assertEquals(1, after.size(), "one new package: " + after);
        String id = after.iterator().next();
        WebElement row = browser.one(By.cssSelector("#packages tr[data-package-id='" + id + "']"));
        String href = row.findElement(By.cssSelector("a[data-action=download]")).getAttribute("href");
        assertFalse(row.findElements(By.cssSelector("form[data-action=delete]")).isEmpty());
        assertFalse(row.findElements(By.cssSelector("form[data-action=assign] select")).isEmpty());
        HttpResponse<byte[]> archive = HTTP.send(HttpRequest.newBuilder(URI.create(href)).header("Cookie",
                SESSION_COOKIE + "=" + browser.cookie(SESSION_COOKIE)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, archive.statusCode(), "the download link gives the archive");
        assertTrue(archive.body().length > 0);
        browser.screenshot("13-packages-listed");
    }

    @Test
    @Order(5)
    void aFieldUserSeesItsProjectsAndIsForbiddenTheAdministratorsPages() throws Exception {
        assertEquals("projects", logIn("fred"));
        assertEquals("/ui/projects", browser.path());
        PageChecks.check(browser, "projects", "fred");
        List<String> nav = PageChecks.navLinks(browser);
        for (String hidden : List.of("users", "devices", "packages", "overview", "conflicts", "history")) {
            assertFalse(nav.contains(hidden), "a field user's navigation has no " + hidden + " link: " + nav);
        }
        browser.screenshot("14-field-projects");
        String cookie = browser.cookie(SESSION_COOKIE);
        List<String> closed = List.of("/ui/users", "/ui/devices", "/ui/history", "/ui/conflicts", "/ui/packages",
                "/ui/clones/" + mesh.cloneId("clone-a"));
        int n = 0;
        for (String path : closed) {
            browser.open(path);
            PageChecks.check(browser, "forbidden", "fred");
            assertFalse(browser.all(By.id("users")).size() + browser.all(By.id("devices")).size() > 0, path);
            if (n++ < 2) {
                browser.screenshot("15-field-forbidden-" + path.substring("/ui/".length()));
            }
            HttpResponse<String> r = get(path, cookie);
            assertEquals(403, r.statusCode(), path + " with a field user's session");
            assertTrue(java.util.regex.Pattern.compile("<main[^>]*data-page=[\"']?forbidden\\b").matcher(r.body()).find(),
                    path + ": " + r.body());
        }
        HttpResponse<String> overview = get("/ui/", cookie);
        assertEquals(303, overview.statusCode(), "a field user's /ui/ leads to its projects");
        assertTrue(overview.headers().firstValue("location").orElseThrow().endsWith("/ui/projects"));
        // The field user's own page over HTTP; the same pages without a session lead to the login page.
        assertEquals(200, get("/ui/projects", cookie).statusCode());
        assertEquals(303, get("/ui/users", null).statusCode());
        // A form post without the CSRF token is refused even with a valid session.
        HttpResponse<String> noCsrf = HTTP.send(request("/ui/logout").header("Cookie", SESSION_COOKIE + "=" + cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noCsrf.statusCode(), noCsrf.body());
        // Logging out from the page ends the session (wherever the page then leads).
        browser.click(By.id("logout"));
        browser.waitUntil(d -> {
            try {
                return HTTP.send(request("/api/v1/session").header("Cookie", SESSION_COOKIE + "=" + cookie).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        browser.open("/ui/projects");
        assertTrue(browser.path().startsWith("/ui/login"), "logged out, a page leads to the login page: " + browser.path());
    }

    @Test
    @Order(6)
    void everyPageOpensForTheAdministratorWithItsFrameAndAnAccessibilityFloor() throws Exception {
        logIn("ada");
        String cloneId = mesh.cloneId("clone-a");
        Map<String, String> pages = new java.util.LinkedHashMap<>();
        pages.put("/ui/", "overview");
        pages.put("/ui/clones/" + cloneId, "clone");
        pages.put("/ui/history", "history");
        pages.put("/ui/conflicts", "conflicts");
        pages.put("/ui/packages", "packages");
        pages.put("/ui/devices", "devices");
        pages.put("/ui/users", "users");
        for (var page : pages.entrySet()) {
            browser.open(page.getKey());
            PageChecks.check(browser, page.getValue(), "ada");
            browser.screenshot("20-page-" + page.getValue());
        }
        // The label check itself finds an unnamed control (a probe added to the page shown), and names a labelled one.
        browser.js("const m = document.getElementById('main');"
                + "m.insertAdjacentHTML('beforeend', '<input id=probe-bare><label for=probe-named>Named</label><input id=probe-named>');");
        List<String> found = PageChecks.unlabelled(browser);
        assertTrue(found.size() == 1 && found.get(0).contains("probe-bare"), found.toString());
        browser.open("/ui/clones/" + cloneId);
        for (String part : List.of("clone-history", "clone-tables", "clone-deployments", "clone-assignment", "clone-jobs",
                "revoke-form")) {
            assertEquals(1, browser.all(By.id(part)).size(), "the clone page has #" + part);
        }
        assertEquals(1, browser.all(By.cssSelector("#clone-assignment #assign-form")).size(), "a package can be assigned");
        browser.open("/ui/devices");
        assertEquals(1, browser.all(By.id("devices")).size());
        browser.open("/ui/history");
        assertFalse(browser.all(By.cssSelector("#history tr[data-session]")).isEmpty(), "clone-a's syncs are in the history");
        for (String name : List.of("clone", "direction", "since", "until")) {
            assertEquals(1, browser.all(By.cssSelector("#history-filter [name='" + name + "']")).size(), "filter " + name);
        }
        browser.open("/ui/users");
        assertTrue(browser.waitFor(By.id("users")).getText().contains("fred"));
        assertEquals(1, browser.all(By.id("user-form")).size());
        // An API token made on the page is shown once, and works for a script.
        for (WebElement field : browser.all(By.cssSelector("#token-form input:not([type=hidden])"))) {
            if (field.getAttribute("required") != null && field.getAttribute("value").isEmpty()) {
                field.sendKeys("made in the browser");
            }
        }
        browser.click(By.cssSelector("#token-form button[type=submit]"));
        String secret = browser.waitVisible(By.id("new-token")).getText().strip();
        assertFalse(secret.isEmpty());
        browser.screenshot("22-users-new-token");
        HttpResponse<String> asScript = HTTP.send(request("/api/v1/clones").header("Authorization", "Bearer " + secret).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, asScript.statusCode(), asScript.body());
        browser.open("/ui/users");
        assertTrue(browser.all(By.id("new-token")).isEmpty(), "the new token is shown only once");
        assertFalse(browser.html().contains(secret), "the token's secret is never shown again");
        assertTrue(browser.one(By.id("tokens")).getText().contains("made in the browser"));
        for (String path : List.of("/ui/", "/ui/conflicts")) {
            browser.phoneWidth();
            browser.open(path);
            PageChecks.check(browser, path.equals("/ui/") ? "overview" : "conflicts", "ada");
            browser.screenshot("21-phone-" + (path.equals("/ui/") ? "overview" : "conflicts"));
        }
        browser.desktopWidth();
    }
}
