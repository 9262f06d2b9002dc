package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Single-use registration tickets (ADR 0013), asked of the gateway
 * ({@code POST /api/v1/clones/registration-tickets}) for one clone: its name, its id for a
 * redeploy, its tables and, for a deploy, the package. The CLI hands a ticket to the sidecar, which
 * redeems it at central: the clone's credential never passes through the CLI, and no command but
 * {@code registration-ticket} prints a ticket.
 */
final class Tickets {

    static final String PATH = "/api/v1/clones/registration-tickets";
    /** Prefix of every registration ticket (registry-service's Secrets.TICKET_PREFIX). */
    static final String PREFIX = "lzr_";
    /** Longest ticket lifetime registry-service issues (30 days), in hours. */
    static final int MAX_VALID_FOR_HOURS = 720;
    /** A join-clone's ticket is redeemed by the Attach right after it: an hour is plenty. */
    static final long ATTACH_SECONDS = 3600;

    private Tickets() {
    }

    /** Whom a deploy's ticket names: {@code cloneId} empty for a new clone. */
    record Target(String cloneId, String name) {
    }

    /**
     * Whom a deploy's ticket names. A redeploy (the sidecar holds clone {@code sidecarCloneId} and
     * no {@code --new-server-id}) keeps the clone's id and, without {@code --name}, its name at the
     * registry ({@code knownName}, null when the registry does not know the clone); a new server
     * id, or a clone the registry does not know, makes a new clone, which needs {@code --name}.
     */
    static Target target(String nameOption, boolean newServerId, String sidecarCloneId, String knownName) {
        boolean redeploy = !sidecarCloneId.isEmpty() && !newServerId;
        if (redeploy && knownName != null) {
            return new Target(sidecarCloneId, nameOption.isBlank() ? knownName : nameOption);
        }
        if (nameOption.isBlank()) {
            throw new UsageException("deploy needs --name CLONE_NAME: "
                    + (redeploy ? "clone " + sidecarCloneId + " is not known to registry-service, so it registers as a"
                            + " new clone" : newServerId ? "--new-server-id makes a new clone"
                            : "the sidecar's database is not a clone yet"));
        }
        return new Target("", nameOption);
    }

    /** The tables of a package as the gateway shows it, as a ticket lists them. */
    static List<Map<String, String>> tablesOf(JsonNode pkg) {
        return java.util.stream.StreamSupport.stream(pkg.path("tables").spliterator(), false)
                .map(t -> Map.of("schema", t.path("schema").asText(), "table", t.path("table").asText())).toList();
    }

    static List<Map<String, String>> tables(List<NameList.Table> tables) {
        return tables.stream().map(t -> Map.of("schema", t.schema(), "table", t.table())).toList();
    }

    /** Asks the gateway for a ticket; the answer holds it in clear (never print it but in registration-ticket). */
    static JsonNode issue(GatewayClient gw, String cloneName, String cloneId, List<Map<String, String>> tables,
            String packageId, String historySyncId, Long validForSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cloneName", cloneName);
        if (!cloneId.isEmpty()) {
            body.put("cloneId", cloneId);
        }
        body.put("tables", tables);
        if (!packageId.isEmpty()) {
            body.put("packageId", packageId);
            body.put("packageHistorySyncId", historySyncId);
        }
        if (validForSeconds != null) {
            body.put("validForSeconds", validForSeconds);
        }
        return gw.post(PATH, body, GatewayClient.SHORT);
    }

    /** What a ticket registers, on one line, without the ticket itself. */
    static String describe(JsonNode t) {
        String cloneId = Output.text(t, "cloneId");
        String who = cloneId.isEmpty() ? "a new clone '" + Output.text(t, "cloneName") + "'"
                : "clone " + cloneId + " ('" + Output.text(t, "cloneName") + "')";
        String pkg = Output.text(t, "packageId");
        int n = t.path("tables").size();
        return "registration ticket for " + who + (pkg.isEmpty() ? "" : ", package " + pkg) + ", " + n
                + (n == 1 ? " table" : " tables") + ", valid until " + Output.text(t, "expiresAt");
    }

    /** The ticket in the first line of {@code file} (a byte order mark and blanks dropped). */
    static String readFile(String file) throws IOException {
        if (file == null || file.isBlank()) {
            throw new UsageException("--registration-ticket-file needs a file name");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException("--registration-ticket-file: " + path + " is not a readable file");
        }
        String first;
        try (var lines = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            first = lines.readLine();
        } catch (java.nio.charset.MalformedInputException e) {
            first = null;
        }
        String ticket = first == null ? "" : first.replace("\uFEFF", "").strip();
        // never echo the line: it may be some other secret given by mistake (a local token)
        if (!ticket.startsWith(PREFIX) || ticket.length() == PREFIX.length()
                || !ticket.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new UsageException("--registration-ticket-file: the first line of " + path
                    + " is not a registration ticket (" + PREFIX + "..., from lizsync registration-ticket)");
        }
        return ticket;
    }
}
