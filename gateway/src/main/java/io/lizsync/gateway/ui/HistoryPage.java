package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.CentralAdmin;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.ListHistoryRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Central's sync history ({@code /ui/history}), newest first, filtered by clone, direction and time
 * range, a page at a time (the service's keyset token in the "next page" link).
 */
@Path("/ui/history")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class HistoryPage {

    static final int PAGE = 50;

    @GrpcClient("sync")
    SyncReview review;

    @GrpcClient("sync")
    CentralAdmin admin;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    /** The filter as the form shows it again. */
    @TemplateData
    public record Filter(String cloneId, String direction, String since, String until) {
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("clone") String clone, @QueryParam("direction") String direction,
            @QueryParam("since") String since, @QueryParam("until") String until, @QueryParam("page") String page) {
        Chrome chrome = ui.chrome("history", "Sync history");
        Filter filter = new Filter(blank(clone), blank(direction), blank(since), blank(until));
        ListHistoryRequest.Builder req = ListHistoryRequest.newBuilder().setLimit(PAGE)
                .setPageToken(page == null ? "" : page);
        try {
            if (filter.cloneId() != null) {
                req.setServerId(java.util.UUID.fromString(filter.cloneId()).toString());
            }
            if (filter.direction() != null) {
                if (!filter.direction().equals("to_central") && !filter.direction().equals("to_clone")) {
                    throw new IllegalArgumentException("direction: to_central or to_clone");
                }
                req.setDirection(filter.direction());
            }
            if (filter.since() != null) {
                req.setSince(Protos.timestamp(instant(filter.since())));
            }
            if (filter.until() != null) {
                req.setUntil(Protos.timestamp(instant(filter.until())));
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Uni.createFrom().item(errors.page(chrome, new jakarta.ws.rs.BadRequestException(
                    "The filter is not valid: the clone is a uuid, the times like 2026-01-31T08:00 (UTC).")));
        }
        Uni<io.lizsync.proto.sync.v1.ListHistoryResponse> items = downstream.asCaller(review).listHistory(req.build());
        Uni<String> central = downstream.asCaller(admin).getToolsStatus(GetToolsStatusRequest.getDefaultInstance())
                .map(s -> s.getServerId()).onFailure().recoverWithItem("");
        Uni<List<Views.CloneChoice>> clones = downstream.asCaller(review).listCloneStates(
                ListCloneStatesRequest.newBuilder().setPageSize(500).build())
                .map(r -> r.getClonesList().stream().map(c -> new Views.CloneChoice(c.getCloneId(), c.getName())).toList())
                .onFailure().recoverWithItem(List.of());
        return Uni.combine().all().unis(items, central, clones).asTuple().map(t -> {
            Map<String, String> names = new HashMap<>();
            t.getItem3().forEach(c -> names.put(c.id(), c.name()));
            String centralId = t.getItem2();
            if (!centralId.isEmpty()) {
                names.put(centralId, "central");
            }
            List<Views.HistoryRow> rows = t.getItem1().getItemsList().stream()
                    .map(h -> Views.HistoryRow.of(h, !centralId.isEmpty() && centralId.equals(h.getServerFrom()), names))
                    .toList();
            String next = t.getItem1().getNextPageToken().isEmpty() ? null : "/ui/history?" + query(filter)
                    + "page=" + URLEncoder.encode(t.getItem1().getNextPageToken(), StandardCharsets.UTF_8);
            return Html.ok(Pages.Templates.history(chrome, filter, t.getItem3(), rows, next));
        }).onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    /** A time of the form: ISO with an offset, or a local date-time (an input of type datetime-local) taken as UTC. */
    static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
    }

    private static String query(Filter f) {
        StringBuilder q = new StringBuilder();
        append(q, "clone", f.cloneId());
        append(q, "direction", f.direction());
        append(q, "since", f.since());
        append(q, "until", f.until());
        return q.toString();
    }

    private static void append(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
