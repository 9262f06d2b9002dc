package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The gateway's paged lists ({@code items}, {@code nextPageToken}; {@code ?limit=&pageToken=}). */
final class Pages {

    static final int PAGE = 500;

    private Pages() {
    }

    /** Every item of {@code path} ({@code limit} null), or the first {@code limit}. */
    static List<JsonNode> collect(GatewayClient gw, String path, Integer limit, PrintStream err, String what) {
        List<JsonNode> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String token = "";
        String sep = path.contains("?") ? "&" : "?";
        while (true) {
            int size = limit == null ? PAGE : Math.min(PAGE, limit - items.size());
            JsonNode page = gw.get(path + sep + "limit=" + size
                    + (token.isEmpty() ? "" : "&pageToken=" + GatewayClient.encode(token)));
            page.path("items").forEach(items::add);
            token = page.path("nextPageToken").asText("");
            if (token.isEmpty()) {
                return items;
            }
            if (limit != null && items.size() >= limit) {
                err.println("(more " + what + ": run without --limit to list them all)");
                return items;
            }
            if (!seen.add(token)) {
                throw new CliFailure("the gateway sent the same page token twice");
            }
        }
    }
}
