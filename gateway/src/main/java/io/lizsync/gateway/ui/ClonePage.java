package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.Jobs;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.packaging.v1.ListDeploymentsRequest;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.PackagingService;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.GetServerTablesRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerTables;
import io.lizsync.proto.sync.v1.AssignPackageRequest;
import io.lizsync.proto.sync.v1.CloneState;
import io.lizsync.proto.sync.v1.GetCloneStateRequest;
import io.lizsync.proto.sync.v1.ListHistoryRequest;
import io.lizsync.proto.sync.v1.ListHistoryResponse;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One clone ({@code /ui/clones/{id}}): its state, its sync history, its tables, the packages
 * deployed on it, its open assignment (and a form to assign one), its jobs (deploys and sync
 * sessions, refreshed every few seconds), and revoking its credentials.
 */
@Path("/ui/clones/{id}")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class ClonePage {

    /** The kinds of job about a clone the page lists: deploys, and sync sessions where the services run them as jobs. */
    static final List<String> JOB_KINDS = List.of("package-deploy", "clone-sync");

    @GrpcClient("sync")
    SyncReview review;

    @GrpcClient("sync")
    Jobs syncJobs;

    @GrpcClient("registry")
    RegistryService registry;

    @GrpcClient("packaging")
    PackagingService packaging;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    @Inject
    OverviewSource source;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @QueryParam("done") String done, @QueryParam("n") String n) {
        Chrome base = ui.chrome("clone", "Clone");
        Instant now = Instant.now();
        Uni<CloneState> state = downstream.asCaller(review).getCloneState(GetCloneStateRequest.newBuilder().setCloneId(id).build());
        Uni<Server> server = downstream.asCaller(registry).getServer(GetServerRequest.newBuilder().setId(id).build())
                .onFailure().recoverWithNull();
        Uni<ServerTables> tables = downstream.asCaller(registry)
                .getServerTables(GetServerTablesRequest.newBuilder().setServerId(id).build()).onFailure().recoverWithNull();
        Uni<ListHistoryResponse> history = downstream.asCaller(review).listHistory(ListHistoryRequest.newBuilder()
                .setServerId(id).setLimit(20).build()).onFailure().recoverWithNull();
        Uni<List<Views.DeploymentRow>> deployments = downstream.asCaller(packaging).listDeployments(
                ListDeploymentsRequest.newBuilder().setCloneServerId(id).setPageSize(20).build())
                .map(r -> r.getDeploymentsList().stream().map(d -> Views.DeploymentRow.of(d, now)).toList())
                .onFailure().recoverWithNull();
        Uni<List<Views.PackageRow>> packages = downstream.asCaller(packaging).listPackages(
                ListPackagesRequest.newBuilder().setPageSize(100).build())
                .map(r -> r.getPackagesList().stream().map(p -> Views.PackageRow.of(p, now)).toList())
                .onFailure().recoverWithNull();
        return Uni.combine().all().unis(state, server, tables, history, deployments, packages, jobs(id, now)).asTuple()
                .map(t -> {
                    CloneState s = t.getItem1();
                    Chrome chrome = new Chrome("clone", "Clone " + s.getName(), base.login(), base.admin(), base.ops(),
                            base.field(), base.csrf());
                    Server reg = t.getItem2();
                    OverviewModel.CloneRow row = OverviewModel.of(List.of(s), null, source.thresholds(), now).clones().get(0);
                    List<Views.HistoryRow> rows = t.getItem4() == null ? null : t.getItem4().getItemsList().stream()
                            .map(h -> Views.HistoryRow.of(h, !h.getServerFrom().equals(id), Map.of(id, s.getName())))
                            .toList();
                    List<String> tableNames = t.getItem3() == null ? null : t.getItem3().getTablesList().stream()
                            .map(r -> r.getSchemaName() + "." + r.getTableName()).toList();
                    return Html.ok(Pages.Templates.clone(chrome, row,
                            reg == null ? null : reg.getStatus().name().replace("SERVER_STATUS_", "").toLowerCase(),
                            reg == null ? null : Protos.text(reg.getDescription()), rows, tableNames, t.getItem5(), t.getItem6(),
                            s.getOpenAssignmentJobId().isEmpty() ? null : s.getOpenAssignmentJobId(), t.getItem7(),
                            Flash.message(done, n)));
                })
                .onFailure().recoverWithItem(e -> errors.page(base, e));
    }

    @GET
    @Path("/jobs")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> jobsBlock(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return jobs(id, Instant.now()).map(j -> Response.ok(Pages.Templates.cloneJobs(j).render(), Html.TYPE)
                .header("Cache-Control", "no-store").build());
    }

    @POST
    @Path("/assign")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> assign(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf,
            @FormParam("package") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String packageId,
            @FormParam("force") String force) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("clone", "Clone");
        if (packageId == null) {
            return Uni.createFrom().item(errors.page(chrome, new jakarta.ws.rs.BadRequestException("Choose a package to assign.")));
        }
        return downstream.asCaller(review).assignPackage(AssignPackageRequest.newBuilder().setCloneId(id)
                .setPackageId(packageId).setForce(force != null).build())
                .map(job -> Html.seeOther("/ui/clones/" + id + "?done=assigned"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> revoke(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf, @FormParam("confirm") String confirm) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("clone", "Clone");
        if (!"yes".equals(confirm)) {
            return Uni.createFrom().item(errors.page(chrome, new jakarta.ws.rs.BadRequestException(
                    "Revoking was not confirmed: tick the confirmation box to revoke the clone's credentials.")));
        }
        return downstream.asCaller(registry).revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder().setServerId(id).build())
                .map(r -> Html.seeOther("/ui/clones/" + id + "?done=revoked&n=" + r.getRevoked()))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    /** The clone's jobs of every kind listed (a kind the services do not run is left out), newest first. */
    private Uni<List<Views.JobRow>> jobs(String id, Instant now) {
        Jobs jobs = downstream.asCaller(syncJobs);
        List<Uni<List<Job>>> each = new ArrayList<>();
        for (String kind : JOB_KINDS) {
            each.add(jobs.listJobs(ListJobsRequest.newBuilder().setKind(kind).setSubject("clone:" + id).setPageSize(10).build())
                    .map(r -> (List<Job>) r.getJobsList()).onFailure().recoverWithItem(List.of()));
        }
        return Uni.join().all(each).andFailFast().map(lists -> lists.stream().flatMap(List::stream)
                .sorted(Comparator.comparing((Job j) -> j.getCreatedAt().getSeconds()).reversed())
                .map(j -> Views.JobRow.of(j, now)).toList());
    }
}
