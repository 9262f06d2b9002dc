package io.lizsync.gateway.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.proto.sync.v1.Conflict;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.ListConflictsRequest;
import io.lizsync.proto.sync.v1.ResolveConflictRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conflict inbox ({@code /ui/conflicts}): pending conflicts (or all), both values side by side
 * with their edit times and the rule applied, geometries drawn over each other; several decided at
 * once (keep central's, keep the clone's, or a typed value), each through {@code ResolveConflict}.
 */
@Path("/ui/conflicts")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class ConflictsPage {

    static final int PAGE = 50;
    /** More conflicts than one post decides: the form shows 50 a page. */
    static final int MAX_AT_ONCE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @GrpcClient("sync")
    SyncReview review;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    /** One side of a conflict as shown. */
    @TemplateData
    public record Side(String action, String value, Moment editedAt) {
    }

    /** One conflict as shown. */
    @TemplateData
    public record Row(long id, String state, Moment detected, String table, String uid, String field, String cloneName,
            Side central, Side cloneSide, String rule, String winner, boolean withinUncertainty, long uncertaintyMs,
            GeometrySvg.Drawing drawing) {
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("state") String state, @QueryParam("page") String page,
            @QueryParam("done") String done, @QueryParam("n") String n) {
        Chrome chrome = ui.chrome("conflicts", "Conflicts");
        boolean all = "all".equals(state);
        Uni<io.lizsync.proto.sync.v1.ListConflictsResponse> list = downstream.asCaller(review).listConflicts(
                ListConflictsRequest.newBuilder().setPendingOnly(!all).setLimit(PAGE).setPageToken(page == null ? "" : page).build());
        Uni<Map<String, String>> names = downstream.asCaller(review).listCloneStates(ListCloneStatesRequest.newBuilder()
                .setPageSize(500).build()).map(r -> {
                    Map<String, String> m = new HashMap<>();
                    r.getClonesList().forEach(c -> m.put(c.getCloneId(), c.getName()));
                    return m;
                }).onFailure().recoverWithItem(Map.of());
        return Uni.combine().all().unis(list, names).asTuple().map(t -> {
            List<Row> rows = t.getItem1().getConflictsList().stream().map(c -> row(c, t.getItem2())).toList();
            String next = t.getItem1().getNextPageToken().isEmpty() ? null : "/ui/conflicts?" + (all ? "state=all&" : "")
                    + "page=" + URLEncoder.encode(t.getItem1().getNextPageToken(), StandardCharsets.UTF_8);
            return Html.ok(Pages.Templates.conflicts(chrome, all, rows, next, Flash.message(done, n)));
        }).onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> decide(@FormParam(UiContext.FIELD) String csrf, @FormParam("conflict") List<String> ids,
            @FormParam("action") String action, @FormParam("value") String value, @FormParam("state") String state) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("conflicts", "Conflicts");
        String back = "/ui/conflicts?" + ("all".equals(state) ? "state=all&" : "");
        if (ids == null || ids.isEmpty()) {
            return Uni.createFrom().item(Html.seeOther(back + "done=none-selected"));
        }
        if (ids.size() > MAX_AT_ONCE || !List.of("keep-central", "keep-clone", "set-value").contains(String.valueOf(action))) {
            return Uni.createFrom().item(errors.page(chrome, new BadRequestException(
                    "Choose keep central, keep clone or set value, for at most " + MAX_AT_ONCE + " conflicts.")));
        }
        List<Long> parsed;
        try {
            parsed = ids.stream().map(Long::parseLong).distinct().toList();
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(errors.page(chrome, new BadRequestException("A conflict id is not a number.")));
        }
        if (action.equals("set-value") && (value == null || value.length() > 1_000_000)) {
            return Uni.createFrom().item(errors.page(chrome, new BadRequestException("Type the value to write (at most 1 MB).")));
        }
        SyncReview client = downstream.asCaller(review);
        String login = downstream.caller().login();
        AtomicInteger decided = new AtomicInteger();
        return Multi.createFrom().iterable(parsed).onItem().transformToUniAndConcatenate(id -> {
            ResolveConflictRequest.Builder req = ResolveConflictRequest.newBuilder().setId(id).setDecidedBy(login);
            switch (action) {
                case "keep-central" -> req.setWinner("central");
                case "keep-clone" -> req.setWinner("clone");
                default -> req.setWinner("central").setValue(value);
            }
            return client.resolveConflict(req.build()).invoke(c -> decided.incrementAndGet());
        }).collect().last()
                .map(last -> Html.seeOther(back + "done=" + action + "&n=" + decided.get()))
                .onFailure().recoverWithItem(e -> {
                    Response failed = errors.page(chrome, e);
                    return decided.get() == 0 ? failed : errors.page(chrome, new BadRequestException(decided.get()
                            + " conflict(s) were decided before one was refused: " + describe(e)));
                });
    }

    private static String describe(Throwable e) {
        return e instanceof io.grpc.StatusRuntimeException s && s.getStatus().getDescription() != null
                ? s.getStatus().getDescription() : e.getClass().getSimpleName();
    }

    static Row row(Conflict c, Map<String, String> names) {
        String central = text(c.getCentralValueJson());
        String clone = text(c.getCloneValueJson());
        GeometrySvg.Drawing drawing = GeometrySvg.draw(central, clone).orElse(null);
        return new Row(c.getId(), c.getWinner().equals("pending") ? "pending" : "resolved",
                Moment.at(Protos.time(c.getConflictTime())), c.getSchemaName() + "." + c.getTableName(), c.getUid(),
                Protos.text(c.getFieldName()), names.getOrDefault(c.getCloneId(), c.getCloneId()),
                new Side(action(c.getCentralAction()), shown(central, c.getCentralAction()), Moment.at(Protos.time(c.getCentralEditedAt()))),
                new Side(action(c.getCloneAction()), shown(clone, c.getCloneAction()), Moment.at(Protos.time(c.getCloneEditedAt()))),
                c.getRule(), c.getWinner(), c.getWithinClockUncertainty(), c.getClockUncertaintyMs(), drawing);
    }

    /** A value's text from its JSON (a string as itself, null as null, anything else as its JSON). */
    static String text(String json) {
        if (json == null || json.isEmpty()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return node.isNull() ? null : node.isTextual() ? node.textValue() : node.toString();
        } catch (java.io.IOException e) {
            return json;
        }
    }

    private static String shown(String text, ChangeAction action) {
        if (action == ChangeAction.CHANGE_ACTION_DELETE) {
            return "(row deleted)";
        }
        return text == null ? "NULL" : text;
    }

    private static String action(ChangeAction a) {
        return switch (a) {
            case CHANGE_ACTION_INSERT -> "insert";
            case CHANGE_ACTION_UPDATE -> "update";
            case CHANGE_ACTION_DELETE -> "delete";
            default -> "";
        };
    }
}
