package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.jobs.JobRoutes;
import io.lizsync.gateway.rest.jobs.JobView;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Jobs;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.DeletePackageRequest;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.PackagingService;
import io.lizsync.proto.packaging.v1.TableRef;
import io.lizsync.proto.sync.v1.AssignPackageRequest;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Packages ({@code /ui/packages}): build one (its job followed live through the jobs API's
 * server-sent events), list, download (the REST API's archive link), delete, assign to a clone.
 */
@Path("/ui/packages")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class PackagesPage {

    static final int PAGE = 50;
    static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(Ids.PG_NAME);

    @GrpcClient("packaging")
    PackagingService packaging;

    @GrpcClient("packaging")
    Jobs packagingJobs;

    @GrpcClient("sync")
    SyncReview review;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("job") String job, @QueryParam("page") String page,
            @QueryParam("done") String done, @QueryParam("n") String n) {
        Chrome chrome = ui.chrome("packages", "Packages");
        Instant now = Instant.now();
        Uni<io.lizsync.proto.packaging.v1.ListPackagesResponse> list = downstream.asCaller(packaging).listPackages(
                ListPackagesRequest.newBuilder().setPageSize(PAGE).setPageToken(page == null ? "" : page).build());
        Uni<List<Views.CloneChoice>> clones = downstream.asCaller(review).listCloneStates(ListCloneStatesRequest.newBuilder()
                .setPageSize(500).build())
                .map(r -> r.getClonesList().stream().map(c -> new Views.CloneChoice(c.getCloneId(), c.getName())).toList())
                .onFailure().recoverWithItem(List.of());
        Uni<JobView> followed = job == null || JobRoutes.ofId(job).orElse(null) != JobRoutes.Owner.PACKAGING
                ? Uni.createFrom().nullItem()
                : downstream.asCaller(packagingJobs).getJob(GetJobRequest.newBuilder().setJobId(job).build()).map(JobView::of)
                        .onFailure().recoverWithNull();
        return Uni.combine().all().unis(list, clones, followed).asTuple().map(t -> {
            List<Views.PackageRow> rows = t.getItem1().getPackagesList().stream().map(p -> Views.PackageRow.of(p, now)).toList();
            String next = t.getItem1().getNextPageToken().isEmpty() ? null
                    : "/ui/packages?page=" + URLEncoder.encode(t.getItem1().getNextPageToken(), StandardCharsets.UTF_8);
            return Html.ok(Pages.Templates.packages(chrome, rows, t.getItem2(), t.getItem3(), next, Flash.message(done, n)));
        }).onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/build")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> build(@FormParam(UiContext.FIELD) String csrf, @FormParam("schemas") String schemas,
            @FormParam("tables") String tables, @FormParam("description") String description) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("packages", "Packages");
        BuildPackageRequest.Builder req = BuildPackageRequest.newBuilder().setRequestedBy(downstream.caller().login())
                .setDescription(description == null ? "" : description.strip());
        try {
            for (String s : words(schemas)) {
                req.addSchemas(name(s));
            }
            for (String t : words(tables)) {
                int dot = t.indexOf('.');
                if (dot <= 0) {
                    throw new IllegalArgumentException("a table is written schema.table: " + t);
                }
                req.addTables(TableRef.newBuilder().setSchemaName(name(t.substring(0, dot))).setTableName(name(t.substring(dot + 1))));
            }
            if (req.getSchemasCount() == 0 && req.getTablesCount() == 0) {
                throw new IllegalArgumentException("name at least one schema or table to package");
            }
            if (req.getDescription().length() > 2000) {
                throw new IllegalArgumentException("the description is longer than 2000 characters");
            }
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(errors.page(chrome, new BadRequestException("The package cannot be built: " + e.getMessage() + ".")));
        }
        return downstream.asCaller(packaging).startBuild(req.build())
                .map(job -> Html.seeOther("/ui/packages?job=" + URLEncoder.encode(job.getId(), StandardCharsets.UTF_8)))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> delete(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("packages", "Packages");
        return downstream.asCaller(packaging).deletePackage(DeletePackageRequest.newBuilder().setPackageId(id).build())
                .map(r -> Html.seeOther("/ui/packages?done=deleted"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/{id}/assign")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> assign(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf, @FormParam("clone") String clone, @FormParam("force") String force) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("packages", "Packages");
        if (clone == null || !clone.matches(Ids.UUID)) {
            return Uni.createFrom().item(errors.page(chrome, new BadRequestException("Choose the clone to deploy the package on.")));
        }
        return downstream.asCaller(review).assignPackage(AssignPackageRequest.newBuilder().setCloneId(clone).setPackageId(id)
                .setForce(force != null).build())
                .map(job -> Html.seeOther("/ui/clones/" + clone + "?done=assigned"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String w : text.split("[\\s,]+")) {
                if (!w.isBlank()) {
                    out.add(w.strip());
                }
            }
        }
        return out;
    }

    private static String name(String s) {
        if (!NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("not a PostgreSQL name: " + s);
        }
        return s;
    }
}
