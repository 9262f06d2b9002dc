package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sync sessions as jobs (ADR 0019) over the real gateway, central's sync-service, registry and a
 * clone's sidecar, each its own process: a sync requested over REST is queued (202 + Location),
 * the clone's next session runs as it and it ends with the counts; a large push followed over
 * server-sent events shows its progress grow; a cancellation during a large push ends the job
 * CANCELLED with nothing half-applied and the next sync brings every row exactly once; the job
 * outlives a gateway restart; a field user is refused, an unknown clone is not found; a session taken
 * over by a new hello is abandoned and a silent one failed by central's watchdog.
 *
 * <p>Central pauses 2 s after the first batch of every push (fault injection
 * {@code LIZSYNC_SYNC_TEST_PUSH_PAUSE}), so that a test can see a push running and cancel it there,
 * and fails a running job whose session went silent for 10 s (checked every second).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncJobsIT {

    /** Run on every node: the same rows (same uids) everywhere before the first sync. */
    static final String DDL = """
            CREATE SCHEMA survey;
            CREATE TABLE survey.note (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                body text);
            INSERT INTO survey.note (uid, body) SELECT md5('note ' || g)::uuid, 'note ' || g FROM generate_series(1, 100) g;
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    static Mesh mesh;
    static ServiceProcess gateway;
    static String cloneId;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "survey", List.<String[]>of(new String[] {"survey", "note"}), "clone-a");
        mesh.central.restart(Map.of("LIZSYNC_SYNC_TEST_PUSH_PAUSE", "2s", "LIZSYNC_SYNC_SYNC_JOBS_SILENCE", "10s",
                "LIZSYNC_SYNC_SYNC_JOBS_SWEEP_INTERVAL", "1s"));
        // No package work here: the gateway's packaging client points at a closed port.
        gateway = ServiceProcess.start("sync-jobs-gateway", GatewayIT.GATEWAY_JAR, Map.of(
                "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port),
                "QUARKUS_GRPC_CLIENTS_PACKAGING_PORT", "1"));
        cloneId = mesh.cloneId("clone-a");
        assertEquals(1, mesh.sync("clone-a").getStatus());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, mesh}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    static HttpRequest.Builder request(String path, String bearer) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", bearer);
    }

    static String admin() {
        return "Bearer " + io.lizsync.testkit.TestKeys.get().token("admin", "administrator");
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path, admin()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String bearer) throws Exception {
        return http.send(request(path, bearer).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST /api/v1/clones/{id}/sync: 202, the job's Location; the queued job. */
    static JsonNode requestSync() throws Exception {
        HttpResponse<String> r = post("/api/v1/clones/" + cloneId + "/sync", admin());
        assertEquals(202, r.statusCode(), r.body());
        JsonNode job = JSON.readTree(r.body());
        String location = r.headers().firstValue("location").orElseThrow();
        assertTrue(location.endsWith("/api/v1/jobs/" + job.get("id").asText()), location);
        assertTrue(job.get("id").asText().matches("sync-[0-9a-f-]{36}"), job.toString());
        return job;
    }

    static JsonNode job(String id) throws Exception {
        HttpResponse<String> r = get("/api/v1/jobs/" + id);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Reads the job until {@code until} holds (at most {@code seconds}). */
    static JsonNode await(String id, Predicate<JsonNode> until, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode j = job(id);
        while (!until.test(j)) {
            assertTrue(System.nanoTime() < end, "job " + id + " never got there: " + j);
            Thread.sleep(50);
            j = job(id);
        }
        return j;
    }

    /** The clone's sync jobs, newest first. */
    static List<JsonNode> jobsOfClone() throws Exception {
        HttpResponse<String> r = get("/api/v1/jobs?kind=clone-sync&subject=clone:" + cloneId + "&limit=500");
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).get("items").forEach(out::add);
        return out;
    }

    static long count(String node, String sql) throws Exception {
        return Long.parseLong(mesh.one(node, sql));
    }

    /** The clone's session, run on its sidecar in the background (it blocks until the session ends). */
    static CompletableFuture<SynchronizeResponse> syncInBackground() {
        return CompletableFuture.supplyAsync(() -> mesh.sync("clone-a"));
    }

    @Test
    @Order(1)
    void aRequestedSyncWaitsForTheClonesNextSessionWhichRunsAsItAndEndsWithTheCounts() throws Exception {
        mesh.sql("clone-a", "UPDATE survey.note SET body = body || ' (clone)' WHERE id <= 5");
        mesh.sql("central", "UPDATE survey.note SET body = body || ' (central)' WHERE id BETWEEN 11 AND 17");
        JsonNode queued = requestSync();
        String id = queued.get("id").asText();
        assertEquals("queued", queued.get("state").asText(), queued.toString());
        assertEquals("clone-sync", queued.get("kind").asText());
        assertEquals("clone:" + cloneId, queued.get("subject").asText());
        assertEquals("admin", queued.get("createdBy").asText());
        assertEquals("waiting for the clone's next contact", queued.get("step").asText());
        // A second request while one waits answers the same job: the clone syncs once for both.
        assertEquals(id, requestSync().get("id").asText());
        assertEquals("queued", job(id).get("state").asText());
        assertTrue(jobsOfClone().stream().anyMatch(j -> j.get("id").asText().equals(id)));
        // The clone's next session (here CloneAgent.Synchronize; its schedule or lizsync.synchronize() alike).
        SynchronizeResponse r = mesh.sync("clone-a");
        assertEquals(1, r.getStatus(), r.getMessage());
        JsonNode done = job(id);
        assertEquals("succeeded", done.get("state").asText(), done.toString());
        assertEquals("5 changes to central, 7 changes to the clone, 0 conflicts", done.get("message").asText());
        assertEquals(100, done.get("percent").asInt());
        assertEquals(done.get("total").asLong(), done.get("done").asLong(), done.toString());
        // rows both ways: the 5 pushed, and the log rows the pull read (central's 7, and the clone's own 5 it skipped)
        assertTrue(done.get("total").asLong() >= 12, done.toString());
        assertEquals("rows", done.get("unit").asText());
        assertFalse(done.path("startedAt").isNull(), done.toString());
        assertFalse(done.path("finishedAt").isNull(), done.toString());
        // The session's two history items (its push, its pull) carry the job's duration.
        long ms = java.time.Duration.between(java.time.Instant.parse(done.get("startedAt").asText()),
                java.time.Instant.parse(done.get("finishedAt").asText())).toMillis();
        JsonNode items = JSON.readTree(get("/api/v1/sync/history?clone=" + cloneId + "&limit=2").body()).get("items");
        assertEquals(2, items.size(), items.toString());
        for (JsonNode item : items) {
            assertTrue(item.hasNonNull("sessionDurationMs"), item.toString());
            assertTrue(Math.abs(item.get("sessionDurationMs").asLong() - ms) <= 1, item + " against " + ms + " ms");
        }
        mesh.assertConverged();
    }

    @Test
    @Order(2)
    void idleSessionsMakeNoJobASessionOfItsOwnDoesAndARequestToAnIdleCloneEndsAtOnce() throws Exception {
        int before = jobsOfClone().size();
        assertEquals(1, mesh.sync("clone-a").getStatus());
        assertEquals(before, jobsOfClone().size(), "an up-to-date hello makes no job");
        // A session that exchanges something is a job of its own, created by the clone.
        mesh.sql("clone-a", "UPDATE survey.note SET body = body || ' (again)' WHERE id = 42");
        assertEquals(1, mesh.sync("clone-a").getStatus());
        List<JsonNode> jobs = jobsOfClone();
        assertEquals(before + 1, jobs.size());
        JsonNode own = jobs.get(0);
        assertEquals("clone:clone-a", own.get("createdBy").asText(), own.toString());
        assertEquals("succeeded", own.get("state").asText(), own.toString());
        assertEquals("1 change to central, 0 changes to the clone, 0 conflicts", own.get("message").asText());
        // Requested while nothing waits either way: the next hello adopts it and it ends at once.
        String id = requestSync().get("id").asText();
        assertEquals(1, mesh.sync("clone-a").getStatus());
        JsonNode done = job(id);
        assertEquals("succeeded", done.get("state").asText(), done.toString());
        assertEquals("nothing to exchange: the clone was up to date", done.get("message").asText());
        // A queued request is cancelled at once; a finished one cannot be.
        String other = requestSync().get("id").asText();
        HttpResponse<String> cancel = post("/api/v1/jobs/" + other + "/cancel", admin());
        assertEquals(200, cancel.statusCode(), cancel.body());
        assertEquals("cancelled", JSON.readTree(cancel.body()).get("state").asText(), cancel.body());
        assertEquals(409, post("/api/v1/jobs/" + other + "/cancel", admin()).statusCode());
        assertEquals(1, mesh.sync("clone-a").getStatus());
        assertEquals("cancelled", job(other).get("state").asText(), "a cancelled request is never run");
    }

    @Test
    @Order(3)
    void aLargePushFollowedOverServerSentEventsShowsItsProgressGrow() throws Exception {
        mesh.sql("clone-a", "INSERT INTO survey.note (body) SELECT 'bulk ' || g || ' ' || repeat('x', 200)"
                + " FROM generate_series(1, 40000) g");
        String id = requestSync().get("id").asText();
        HttpResponse<java.util.stream.Stream<String>> events = http.send(request("/api/v1/jobs/" + id + "/events", admin())
                .timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        var session = syncInBackground();
        List<JsonNode> seen = new ArrayList<>();
        try (var lines = events.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data:")) {
                    seen.add(JSON.readTree(line.substring(5).strip()));
                }
            }
        }
        assertEquals(1, session.get(5, TimeUnit.MINUTES).getStatus());
        assertEquals("queued", seen.get(0).get("state").asText(), seen.toString());
        JsonNode last = seen.get(seen.size() - 1);
        assertEquals("succeeded", last.get("state").asText(), last.toString());
        assertEquals("40000 changes to central, 0 changes to the clone, 0 conflicts", last.get("message").asText());
        List<JsonNode> pushing = seen.stream().filter(j -> j.get("state").asText().equals("running")
                && j.get("step").asText().equals("push")).toList();
        long previous = -1;
        int between = 0;
        for (JsonNode j : pushing) {
            long done = j.get("done").asLong();
            assertTrue(done >= previous, "progress never goes back: " + pushing);
            assertTrue(j.get("total").asLong() >= 40000, "the clone announced its unsent rows at hello: " + j);
            if (done > 0 && done < 40000) {
                between++;
                assertTrue(j.get("percent").asInt() > 0 && j.get("percent").asInt() < 100, j.toString());
            }
            previous = done;
        }
        assertTrue(between >= 2, "several progress states between the start and the end of the push: " + pushing);
        assertEquals(40000, count("central", "SELECT count(*) FROM survey.note WHERE body LIKE 'bulk %'"));
    }

    @Test
    @Order(4)
    void aCancelDuringALargePushEndsCancelledAndTheNextSyncBringsEveryRowExactlyOnce() throws Exception {
        mesh.sql("clone-a", "INSERT INTO survey.note (body) SELECT 'cancel-me ' || g || ' ' || repeat('y', 200)"
                + " FROM generate_series(1, 40000) g");
        String id = requestSync().get("id").asText();
        var session = syncInBackground();
        // Central applied the first batch and pauses: the push is running.
        JsonNode running = await(id, j -> j.get("state").asText().equals("running")
                && j.get("step").asText().equals("push") && j.get("done").asLong() > 0, 120);
        assertTrue(running.get("done").asLong() < 40000, running.toString());
        HttpResponse<String> cancel = post("/api/v1/jobs/" + id + "/cancel", admin());
        assertEquals(200, cancel.statusCode(), cancel.body());
        assertTrue(JSON.readTree(cancel.body()).get("cancelRequested").asBoolean(), cancel.body());
        // The sidecar hears a clear refusal at the next batch: its session ends without the push.
        String told;
        try {
            SynchronizeResponse r = session.get(5, TimeUnit.MINUTES);
            assertNotEquals(1, r.getStatus(), "the cancelled session did not complete: " + r);
            told = r.getMessage();
        } catch (java.util.concurrent.ExecutionException e) {
            told = e.getCause().getMessage();
        }
        assertTrue(told.contains("cancelled by admin at central"), told);
        JsonNode cancelled = job(id);
        assertEquals("cancelled", cancelled.get("state").asText(), cancelled.toString());
        assertTrue(cancelled.get("message").asText().contains("nothing half-applied"), cancelled.toString());
        assertTrue(cancelled.get("message").asText().contains("0 changes to central"), cancelled.toString());
        assertEquals(0, count("central", "SELECT count(*) FROM survey.note WHERE body LIKE 'cancel-me %'"),
                "nothing of the cancelled push is on central");
        // The next sync sends the whole push: every row once.
        SynchronizeResponse again = mesh.sync("clone-a");
        assertEquals(1, again.getStatus(), again.getMessage());
        assertEquals(40000, again.getNumberReplayedToCentral());
        assertEquals(40000, count("central", "SELECT count(*) FROM survey.note WHERE body LIKE 'cancel-me %'"));
        assertEquals(40000, count("central", "SELECT count(DISTINCT uid) FROM survey.note WHERE body LIKE 'cancel-me %'"));
        JsonNode next = jobsOfClone().get(0);
        assertNotEquals(id, next.get("id").asText());
        assertEquals("succeeded", next.get("state").asText(), next.toString());
        mesh.assertConverged();
    }

    @Test
    @Order(5)
    void aSyncJobOutlivesAGatewayRestart() throws Exception {
        mesh.sql("central", "UPDATE survey.note SET body = body || ' (after restart)' WHERE id BETWEEN 60 AND 62");
        String id = requestSync().get("id").asText();
        gateway.restart(Map.of());
        assertEquals("queued", job(id).get("state").asText(), "the job is central's, not the gateway's");
        assertEquals(1, mesh.sync("clone-a").getStatus());
        JsonNode done = job(id);
        assertEquals("succeeded", done.get("state").asText(), done.toString());
        assertEquals("0 changes to central, 3 changes to the clone, 0 conflicts", done.get("message").asText());
        // its events: one message, the final state
        HttpResponse<String> events = http.send(request("/api/v1/jobs/" + id + "/events", admin())
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, events.statusCode());
        assertTrue(events.body().contains("\"succeeded\""), events.body());
    }

    @Test
    @Order(6)
    void aFieldUserIsRefusedAndUnknownClonesAndJobsAreNotFound() throws Exception {
        String field = "Bearer " + io.lizsync.testkit.TestKeys.get().token("fred", "field");
        assertEquals(403, post("/api/v1/clones/" + cloneId + "/sync", field).statusCode());
        assertEquals(403, http.send(request("/api/v1/jobs?kind=clone-sync", field).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> unknown = post("/api/v1/clones/" + java.util.UUID.randomUUID() + "/sync", admin());
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(400, post("/api/v1/clones/not-a-clone/sync", admin()).statusCode());
        assertEquals(404, post("/api/v1/clones/" + mesh.centralId() + "/sync", admin()).statusCode(),
                "central is not a clone");
        assertEquals(404, get("/api/v1/jobs/sync-" + java.util.UUID.randomUUID()).statusCode());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + "/api/v1/clones/"
                + cloneId + "/sync")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    @Order(7)
    void aSessionTakenOverIsAbandonedAndASilentOneFailsWithTheWatchdog() throws Exception {
        mesh.sql("clone-a", "UPDATE survey.note SET body = body || ' (silent)' WHERE id = 70");
        // Two hellos as the clone (nothing else): each opens a session that exchanges something.
        var raw = new RawExchange(mesh, "clone-a");
        var first = raw.hello(List.<String[]>of(new String[] {"survey", "note"}));
        String firstJob = first.getSyncJobId();
        assertTrue(firstJob.matches("sync-[0-9a-f-]{36}"), first.toString());
        assertEquals("running", job(firstJob).get("state").asText());
        String secondJob = raw.hello(List.<String[]>of(new String[] {"survey", "note"})).getSyncJobId();
        assertNotEquals(firstJob, secondJob);
        JsonNode abandoned = job(firstJob);
        assertEquals("failed", abandoned.get("state").asText(), abandoned.toString());
        assertEquals("ABORTED", abandoned.get("errorCode").asText(), abandoned.toString());
        assertTrue(abandoned.get("message").asText().startsWith("abandoned"), abandoned.toString());
        // The second session never goes on: central's watchdog fails it once it has been silent too long.
        JsonNode silent = await(secondJob, j -> !j.get("state").asText().equals("running"), 60);
        assertEquals("failed", silent.get("state").asText(), silent.toString());
        assertEquals("DEADLINE_EXCEEDED", silent.get("errorCode").asText(), silent.toString());
        // The clone's next session takes it from there.
        SynchronizeResponse r = mesh.sync("clone-a");
        assertEquals(1, r.getStatus(), r.getMessage());
        assertEquals(1, r.getNumberReplayedToCentral());
        assertEquals("succeeded", jobsOfClone().get(0).get("state").asText());
        mesh.assertConverged();
    }
}
