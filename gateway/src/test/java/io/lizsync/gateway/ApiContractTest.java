package io.lizsync.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Bad input against every operation of the API document (generated from /q/openapi, so a new
 * endpoint is covered the day it appears): each declares its roles; without a credential it is a
 * 401, with each role it does not name a 403, with a path parameter that breaks its pattern or a
 * body that is not JSON a 400; every refusal is a problem document without a stack trace.
 * (Unknown ids (404) and SQL identifiers reaching SQL quoted need the services: GatewayMeshIT.)
 */
@QuarkusTest
@TestProfile(NoDownstream.class)
class ApiContractTest {

    static final Set<String> ROLES = Set.of("administrator", "operator", "field");
    /** Operations open to anyone: logging in. */
    static final Set<String> OPEN = Set.of("POST /api/v1/session");
    static final String UUID = "0b6f2a5e-3c1d-4e7f-9a8b-123456789abc";

    record Op(String method, String path, JsonNode spec) {
        String name() {
            return method.toUpperCase() + " " + path;
        }
    }

    List<Op> operations() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(given().get("/q/openapi?format=json").asString());
        List<Op> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = doc.get("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> method = m.next();
                ops.add(new Op(method.getKey(), path.getKey(), method.getValue()));
            }
        }
        assertTrue(ops.size() >= 40, "the document lists " + ops.size() + " operations");
        return ops;
    }

    /** A value each path parameter accepts (so that only what a test breaks is wrong). */
    static String valid(String pattern) {
        if (pattern == null) {
            return "build-" + UUID;
        }
        for (String candidate : List.of(UUID, "public", "build-" + UUID, "files-" + UUID)) {
            if (candidate.matches(pattern)) {
                return candidate;
            }
        }
        throw new AssertionError("no sample value for the pattern " + pattern);
    }

    static String url(Op op, String brokenParameter) {
        String url = op.path();
        for (JsonNode p : op.spec().path("parameters")) {
            if (!"path".equals(p.path("in").asText())) {
                continue;
            }
            String name = p.get("name").asText();
            String value = name.equals(brokenParameter) ? "no%20such%0Athing"
                    : p.path("schema").path("type").asText("").equals("integer") ? "1"
                    : valid(p.path("schema").path("pattern").asText(null));
            url = url.replace("{" + name + "}", value);
        }
        return url;
    }

    static Response call(Op op, RequestSpecification request, String url) {
        if (op.spec().has("requestBody")) {
            request = request.contentType("application/json").body("{}");
        }
        return request.request(op.method().toUpperCase(), url);
    }

    static void assertProblem(Op op, Response r, int status) {
        assertEquals(status, r.statusCode(), op.name() + ": " + r.asString());
        assertTrue(r.contentType().startsWith("application/problem+json"), op.name() + ": " + r.contentType());
        String body = r.asString();
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains(".java:"), op.name() + ": " + body);
        assertEquals(status, r.jsonPath().getInt("status"), op.name());
    }

    static Set<String> rolesOf(Op op) {
        Set<String> roles = new java.util.TreeSet<>();
        op.spec().path("security").forEach(req -> req.path("bearer").forEach(r -> roles.add(r.asText())));
        return roles;
    }

    @Test
    void everyOperationDeclaresItsRolesAndItsProblemAnswers() throws Exception {
        for (Op op : operations()) {
            if (OPEN.contains(op.name())) {
                assertTrue(rolesOf(op).isEmpty(), op.name());
                continue;
            }
            Set<String> roles = rolesOf(op);
            assertFalse(roles.isEmpty(), op.name() + " declares no role");
            assertTrue(ROLES.containsAll(roles), op.name() + " " + roles);
            for (String status : List.of("400", "401", "403", "404", "503")) {
                assertEquals("#/components/schemas/Problem", op.spec().path("responses").path(status).path("content")
                        .path("application/problem+json").path("schema").path("$ref").asText(), op.name() + " " + status);
            }
        }
    }

    @Test
    void withoutACredentialEveryOperationIsA401() throws Exception {
        for (Op op : operations()) {
            if (!OPEN.contains(op.name())) {
                assertProblem(op, call(op, given(), url(op, null)), 401);
            }
        }
    }

    @Test
    void withARoleItDoesNotNameEveryOperationIsA403() throws Exception {
        int checked = 0;
        for (Op op : operations()) {
            Set<String> roles = rolesOf(op);
            if (roles.isEmpty()) {
                continue;
            }
            for (String role : ROLES) {
                if (!roles.contains(role)) {
                    String token = TestKeys.get().token("intruder", role);
                    assertProblem(op, call(op, given().header("Authorization", "Bearer " + token), url(op, null)), 403);
                    checked++;
                }
            }
        }
        assertTrue(checked > 40, "403 checked " + checked + " times");
    }

    @Test
    void aPathParameterThatBreaksItsPatternIsA400NamingIt() throws Exception {
        int checked = 0;
        for (Op op : operations()) {
            Set<String> roles = rolesOf(op);
            if (roles.isEmpty()) {
                continue;
            }
            String token = TestKeys.get().token("tester", roles.iterator().next());
            for (JsonNode p : op.spec().path("parameters")) {
                if ("path".equals(p.path("in").asText()) && p.path("schema").has("pattern")) {
                    Response r = call(op, given().urlEncodingEnabled(false).header("Authorization", "Bearer " + token),
                            url(op, p.get("name").asText()));
                    assertProblem(op, r, 400);
                    assertTrue(r.jsonPath().getList("errors.field").contains(p.get("name").asText()), op.name() + ": " + r.asString());
                    checked++;
                }
            }
        }
        assertTrue(checked >= 15, "patterns checked " + checked + " times");
    }

    @Test
    void aBodyThatIsNotJsonIsA400() throws Exception {
        int checked = 0;
        for (Op op : operations()) {
            Set<String> roles = rolesOf(op);
            if (!op.spec().has("requestBody")) {
                continue;
            }
            RequestSpecification request = given().contentType("application/json").body("{\"unterminated\": [");
            if (!roles.isEmpty()) {
                request = request.header("Authorization", "Bearer " + TestKeys.get().token("tester", roles.iterator().next()));
            }
            assertProblem(op, request.request(op.method().toUpperCase(), url(op, null)), 400);
            checked++;
        }
        assertTrue(checked >= 10, "bodies checked " + checked + " times");
    }

    /** The schema a $ref names, or the schema itself. */
    static JsonNode resolve(JsonNode doc, JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/components/schemas/")) {
            return doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        return schema;
    }

    /**
     * The status of {@code op} given {@code body}. The server answers 413 and closes the connection
     * as soon as the body passes the limit; this test's HTTP client, still writing, may then see a
     * broken pipe instead of reading that answer: such a try is made again (at most three times).
     */
    private int oversizeStatus(Op op, Set<String> roles, String body) {
        java.io.IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RequestSpecification heavy = given();
            if (!roles.isEmpty()) {
                heavy = heavy.header("Authorization", "Bearer " + TestKeys.get().token("tester", roles.iterator().next()));
            }
            try {
                return heavy.contentType("application/json").body(body).request(op.method().toUpperCase(), url(op, null))
                        .statusCode();
            } catch (Exception e) { // RestAssured rethrows the socket's IOException undeclared
                if (!(e instanceof java.net.SocketException) && !(e.getCause() instanceof java.net.SocketException)) {
                    throw new AssertionError(op.name() + ": " + e, e);
                }
                last = new java.io.IOException(e);
            }
        }
        throw new AssertionError(op.name() + ": the connection broke on every try", last);
    }

    @Test
    void anEmptyBodyWhereFieldsAreRequiredIsA400NamingThemAndAnOversizeBodyA413() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(given().get("/q/openapi?format=json").asString());
        int named = 0;
        int oversize = 0;
        String big = "{\"x\": \"" + "a".repeat(1024 * 1024 + 10) + "\"}";
        for (Op op : operations()) {
            if (!op.spec().has("requestBody")) {
                continue;
            }
            Set<String> roles = rolesOf(op);
            RequestSpecification request = given();
            if (!roles.isEmpty()) {
                request = request.header("Authorization", "Bearer " + TestKeys.get().token("tester", roles.iterator().next()));
            }
            JsonNode schema = resolve(doc, op.spec().path("requestBody").path("content").path("application/json").path("schema"));
            List<String> required = new ArrayList<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            if (!required.isEmpty()) {
                Response r = request.contentType("application/json").body("{}").request(op.method().toUpperCase(), url(op, null));
                assertProblem(op, r, 400);
                List<String> fields = r.jsonPath().getList("errors.field");
                assertTrue(fields != null && fields.stream().anyMatch(required::contains), op.name() + " " + required + ": " + r.asString());
                named++;
            }
            assertEquals(413, oversizeStatus(op, roles, big), op.name());
            oversize++;
        }
        assertTrue(named >= 8, "required fields checked on " + named + " operations");
        assertTrue(oversize >= 10, "oversize bodies checked on " + oversize + " operations");
    }
}
