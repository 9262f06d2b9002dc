package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Follows a job to its final state through the gateway's server-sent events
 * ({@code GET /api/v1/jobs/{id}/events}), drawing its progress. The job lives in the service that
 * runs it, not in this process: a dropped stream is opened again (a few times), and Ctrl-C leaves
 * the job running and says how to cancel it.
 */
final class JobFollower {

    static final Set<String> FINAL = Set.of("succeeded", "failed", "cancelled");
    /** Times a stream that ended early is opened again before giving up. */
    static final int REOPEN = 5;

    private final GatewayClient gateway;
    private final ObjectMapper json;
    private final ProgressBar bar;
    private final PrintStream err;

    JobFollower(GatewayClient gateway, ObjectMapper json, ProgressBar bar, PrintStream err) {
        this.gateway = gateway;
        this.json = json;
        this.bar = bar;
        this.err = err;
    }

    static boolean isFinal(JsonNode job) {
        return job != null && FINAL.contains(job.path("state").asText(""));
    }

    /** The job in its final state. */
    JsonNode follow(String jobId) {
        Thread hint = new Thread(() -> {
            bar.finish();
            err.println("lizsync: stopped following job " + jobId + "; it goes on at the service. Follow it again"
                    + " with: lizsync job-follow " + jobId + "; cancel it with: lizsync job-cancel " + jobId);
        });
        Runtime.getRuntime().addShutdownHook(hint);
        try {
            JsonNode last = null;
            for (int attempt = 0; attempt <= REOPEN; attempt++) {
                try {
                    last = stream(jobId, last);
                } catch (Unreachable | IOException e) {
                    if (attempt == REOPEN) {
                        throw e instanceof Unreachable u ? u : new Unreachable("the job's event stream broke: "
                                + e.getMessage(), e);
                    }
                }
                if (isFinal(last)) {
                    return last;
                }
                last = gateway.get("/api/v1/jobs/" + GatewayClient.encode(jobId));
                if (isFinal(last)) {
                    bar.show(last);
                    return last;
                }
                pause();
            }
            throw new Unreachable("the event stream of job " + jobId + " kept ending before the job did; follow it"
                    + " with: lizsync job-follow " + jobId, null);
        } finally {
            bar.finish();
            try {
                Runtime.getRuntime().removeShutdownHook(hint);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: it says how to go on
            }
        }
    }

    /** Reads one event stream; returns the last job seen (final when the stream reached the end of the job). */
    private JsonNode stream(String jobId, JsonNode previous) throws IOException {
        HttpResponse<InputStream> answer = gateway.open("/api/v1/jobs/" + GatewayClient.encode(jobId) + "/events",
                Map.of("Accept", "text/event-stream"));
        JsonNode[] last = {previous};
        try (BufferedReader in = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            new SseParser().read(in, data -> {
                JsonNode job;
                try {
                    job = json.readTree(data);
                } catch (IOException e) {
                    return true; // not a job: nothing to show
                }
                last[0] = job;
                bar.show(job);
                return !isFinal(job);
            });
        }
        return last[0];
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }
}
