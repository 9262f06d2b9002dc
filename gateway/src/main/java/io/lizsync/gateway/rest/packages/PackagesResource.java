package io.lizsync.gateway.rest.packages;

import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.error.Problems;
import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.packaging.v1.DeletePackageRequest;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.ListDeploymentsRequest;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingService;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import io.lizsync.gateway.rest.jobs.JobView;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.TableRef;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Packages (packaging-service): list, show, download (resumable with Range), delete, deployments. */
@Path("/api/v1/packages")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Packages")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class PackagesResource {

    /** Chunks requested ahead from packaging-service while one is written to the caller. */
    static final int AHEAD = 4;
    static final int CHUNK_BYTES = 1024 * 1024;
    static final int STALL_SECONDS = 120;

    @GrpcClient("packaging")
    PackagingService packaging;

    @GrpcClient("packaging")
    io.grpc.Channel packagingChannel;

    @Inject
    Downstream downstream;

    public record Table(@NotNull @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String schema,
            @NotNull @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String table) {
    }

    /** What to package: whole schemas or a table list (one of the two), with optional SQL run after a deploy. */
    public record BuildBody(@Size(max = 1000) List<@NotNull @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String> schemas,
            @Size(max = 10_000) List<@Valid @NotNull Table> tables,
            @Size(max = 1_048_576) String additionalSql, @Size(max = 2000) String description) {
    }

    /** A deleted package's id and the bytes freed. */
    public record Deleted(String id, long freedBytes) {
    }

    @GET
    @Polled
    @Operation(summary = "Packages, newest first")
    public Uni<Page<PackageView>> list(@Valid @BeanParam PageRequest page) {
        return downstream.asCaller(packaging).listPackages(ListPackagesRequest.newBuilder().setPageSize(page.size())
                .setPageToken(page.token()).build())
                .map(r -> new Page<>(r.getPackagesList().stream().map(PackageView::of).toList(), r.getNextPageToken()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Build a package from central (one snapshot): 202 with the build job's Location; its result is package:<id>")
    @APIResponse(responseCode = "202", description = "The build job, queued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    public Uni<Response> build(@Valid @NotNull BuildBody body) {
        var req = BuildPackageRequest.newBuilder().setDescription(Protos.orEmpty(body.description()))
                .setAdditionalSql(Protos.orEmpty(body.additionalSql())).setRequestedBy(downstream.caller().login());
        if (body.schemas() != null) {
            req.addAllSchemas(body.schemas());
        }
        if (body.tables() != null) {
            body.tables().forEach(t -> req.addTables(TableRef.newBuilder().setSchemaName(t.schema()).setTableName(t.table())));
        }
        return downstream.asCaller(packaging).startBuild(req.build()).map(JobView::accepted);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One package: tables, size, checksum, history item")
    public Uni<PackageView> get(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(packaging).getPackage(GetPackageRequest.newBuilder().setPackageId(id).build())
                .map(PackageView::of);
    }

    @GET
    @Path("/{id}/deployments")
    @Polled
    @Operation(summary = "The clones that deployed a package, newest first")
    public Uni<Page<PackageView.DeploymentView>> deployments(
            @PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id, @Valid @BeanParam PageRequest page) {
        PackagingService client = downstream.asCaller(packaging);
        return client.listDeployments(ListDeploymentsRequest.newBuilder().setPackageId(id)
                .setPageSize(page.size()).setPageToken(page.token()).build())
                .flatMap(r -> {
                    var deployments = new Page<>(r.getDeploymentsList().stream().map(PackageView.DeploymentView::of).toList(),
                            r.getNextPageToken());
                    // No deployment on the first page: an unknown package is a 404, not an empty list (a
                    // deleted package keeps its deployments, so one with some is listed).
                    if (!deployments.items().isEmpty() || !page.token().isEmpty()) {
                        return Uni.createFrom().item(deployments);
                    }
                    return client.getPackage(GetPackageRequest.newBuilder().setPackageId(id).build()).map(known -> deployments);
                });
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a package's archive (its deployment records stay)")
    public Uni<Deleted> delete(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(packaging).deletePackage(DeletePackageRequest.newBuilder().setPackageId(id).build())
                .map(r -> new Deleted(r.getPackageId(), r.getFreedBytes()));
    }

    @GET
    @Path("/{id}/archive")
    @Produces({"application/zip", Problems.PROBLEM_JSON})
    @Operation(summary = "The package's ZIP, streamed; resumable with Range: bytes=N- (206), ETag is its SHA-256")
    public Response archive(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @HeaderParam("Range") String range) {
        PackageInfo info = downstream.asCaller(packaging).getPackage(GetPackageRequest.newBuilder().setPackageId(id).build())
                .await().atMost(Duration.ofSeconds(30));
        long size = info.getSizeBytes();
        ByteRange r;
        try {
            r = ByteRange.of(range, size);
        } catch (ByteRange.Unsatisfiable e) {
            return Response.fromResponse(Problems.of(416, "Range Not Satisfiable", e.getMessage()))
                    .header("Content-Range", "bytes */" + size).build();
        }
        var credentials = downstream.credentials();
        StreamingOutput body = out -> stream(id, r, credentials, out);
        Response.ResponseBuilder answer = Response.status(r.partial() ? 206 : 200).entity(body).type("application/zip")
                .header("Accept-Ranges", "bytes")
                .header("Content-Length", r.length())
                .header("ETag", "\"" + info.getSha256() + "\"")
                .header("Content-Disposition", "attachment; filename=\"lizsync-package-" + info.getPackageId() + ".zip\"");
        if (r.partial()) {
            answer.header("Content-Range", r.contentRange(size));
        }
        return answer.build();
    }

    /**
     * Copies the range from packaging-service to the caller, a few chunks ahead at most (the
     * gateway's memory does not grow with the archive); stops the download once the range is
     * written or when the caller goes away.
     */
    private void stream(String id, ByteRange r, io.grpc.CallCredentials credentials, OutputStream out) throws IOException {
        try (StreamReader<DownloadPackageRequest, PackageChunk> reader = new StreamReader<>(AHEAD, STALL_SECONDS,
                "packaging-service")) {
            PackagingServiceGrpc.newStub(packagingChannel).withCallCredentials(credentials).downloadPackage(DownloadPackageRequest.newBuilder()
                    .setPackageId(id).setOffset(r.start()).setChunkSize(CHUNK_BYTES).build(), reader);
            ChunkCopy.copy(reader, PackageChunk::getData, r.length(), out, "packaging-service", "archive");
        }
    }
}
