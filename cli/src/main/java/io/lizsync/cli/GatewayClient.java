package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The gateway's REST API over java.net.http: JSON in and out, the caller's bearer credential on
 * every request, and every refusal turned into an {@link ApiException} carrying the problem
 * document (or {@link Unreachable} when nothing answered).
 */
final class GatewayClient {

    /** A metadata call; long work answers 202 with a job rather than making the caller wait. */
    static final Duration SHORT = Duration.ofMinutes(2);
    /** install, upgrade and prepare run while the request waits (the gateway's long-call timeout). */
    static final Duration LONG = Duration.ofHours(1);

    /** An answer: status, headers and the JSON body (null when there was none). */
    record Answer(int status, java.net.http.HttpHeaders headers, JsonNode body) {
    }

    private final GatewayTarget target;
    private final String bearer;
    private final HttpClient http;
    private final ObjectMapper json;
    /** Where each request line and answer status is printed ({@code --verbose}); null for nowhere. */
    private java.io.PrintStream trace;

    /** {@code bearer}: an API token ({@code lzt_}) or a session ({@code lzs_}); null for none. */
    GatewayClient(GatewayTarget target, String bearer, ObjectMapper json) {
        this.target = target;
        this.bearer = bearer;
        this.json = json;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        target.caFile().ifPresent(ca -> b.sslContext(PemTrust.context(ca)));
        this.http = b.build();
    }

    /** Prints each request line and its answer's status to {@code trace} (a reference client shows its requests). */
    GatewayClient tracing(java.io.PrintStream trace) {
        this.trace = trace;
        return this;
    }

    GatewayTarget target() {
        return target;
    }

    boolean authenticated() {
        return bearer != null;
    }

    JsonNode get(String path) {
        return send("GET", path, null, SHORT).body();
    }

    JsonNode post(String path, Object body, Duration timeout) {
        return send("POST", path, body, timeout).body();
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null, SHORT).body();
    }

    /** A JSON request; an answer outside 2xx is an {@link ApiException}. */
    Answer send(String method, String path, Object body, Duration timeout) {
        return send(method, path, body, timeout, Map.of());
    }

    /** A JSON request with extra headers; an answer outside 2xx is an {@link ApiException}. */
    Answer send(String method, String path, Object body, Duration timeout, Map<String, String> headers) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
        HttpRequest.Builder r = request(path).timeout(timeout).method(method, publisher)
                .header("Accept", "application/json");
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        headers.forEach(r::header);
        HttpResponse<String> answer = exchange(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        String contentType = answer.headers().firstValue("Content-Type").orElse("");
        if (answer.statusCode() / 100 != 2) {
            throw new ApiException(Problem.parse(answer.statusCode(), contentType, answer.body(), json));
        }
        try {
            JsonNode node = answer.body().isBlank() ? null : json.readTree(answer.body());
            return new Answer(answer.statusCode(), answer.headers(), node);
        } catch (IOException e) {
            throw new CliFailure("the gateway answered " + method + " " + path + " with a body that is not JSON");
        }
    }

    /**
     * A streamed answer (an archive, server-sent events) with extra request headers; an answer
     * outside 2xx is read and thrown as an {@link ApiException}. No timeout: the caller reads as
     * long as the stream goes.
     */
    HttpResponse<InputStream> open(String path, Map<String, String> headers) {
        HttpRequest.Builder r = request(path).GET();
        headers.forEach(r::header);
        HttpResponse<InputStream> answer = exchange(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (answer.statusCode() / 100 != 2) {
            String text;
            try (InputStream in = answer.body()) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            throw new ApiException(Problem.parse(answer.statusCode(),
                    answer.headers().firstValue("Content-Type").orElse(""), text, json));
        }
        return answer;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder r = HttpRequest.newBuilder(target.resolve(path)).header("User-Agent", "lizsync-cli");
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return r;
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            if (trace != null) {
                StringBuilder line = new StringBuilder("> " + request.method() + " " + request.uri());
                request.headers().map().forEach((k, v) -> {
                    if (!k.equalsIgnoreCase("Authorization")) {
                        line.append("\n>   ").append(k).append(": ").append(String.join(", ", v));
                    }
                });
                trace.println(line);
            }
            HttpResponse<T> answer = http.send(request, handler);
            if (trace != null) {
                trace.println("< " + answer.statusCode() + " " + answer.headers().firstValue("Content-Type").orElse(""));
            }
            return answer;
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new Unreachable("cannot reach the gateway at " + target.base() + " (" + describe(e) + ")", e);
        } catch (HttpTimeoutException e) {
            throw new Unreachable("the gateway at " + target.base() + " did not answer in time", e);
        } catch (SSLException e) {
            throw new Unreachable("TLS with the gateway at " + target.base() + " failed (" + describe(e)
                    + "); is LIZSYNC_CA_FILE the CA of its certificate?", e);
        } catch (IOException e) {
            throw new Unreachable("the gateway at " + target.base() + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** {@code text} as a path segment or query value. */
    static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** For tests: the base URL's origin. */
    URI base() {
        return target.base();
    }
}
