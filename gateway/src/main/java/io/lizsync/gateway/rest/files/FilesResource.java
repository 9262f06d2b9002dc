package io.lizsync.gateway.rest.files;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.jobs.JobView;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.files.v1.FileService;
import io.lizsync.proto.files.v1.GetFileOperationReportRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The three FTP file operations of seed 002 (file-service, ADR 0022; projects adapted, ADR 0023),
 * each started as a {@code files-} job: 202 with the job's Location, followed like every job
 * (GET, server-sent events, cancel); its report once it ended. Named by what moves where, as
 * LizSync's algorithms were: projects from central, projects to a clone, media to central.
 */
@Path("/api/v1/files")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Files")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class FilesResource {

    /** A file job's id. */
    static final String FILES_JOB = "files-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @GrpcClient("files")
    FileService files;

    @Inject
    Downstream downstream;

    @POST
    @Path("/projects/get-from-central")
    @Operation(summary = "Mirror a directory of the central FTP server into the clone's QGIS project folder (new and "
            + "changed files, excluded sub-folders skipped, nothing deleted) and optionally adapt the projects' PostgreSQL "
            + "data sources to the clone's database; 202 with the job's Location")
    @APIResponse(responseCode = "202", description = "The file job (kind ftp-get-projects), queued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    public Uni<Response> getFromCentral(@Valid @NotNull FileBodies.GetFromCentral body) {
        return downstream.asCaller(files).getProjectsFromCentralFtp(body.proto()).map(JobView::accepted);
    }

    @POST
    @Path("/projects/send-to-clone")
    @Operation(summary = "Mirror a local QGIS project folder to a clone's FTP server (overwrite what changed, optionally "
            + "delete what is gone); 202 with the job's Location")
    @APIResponse(responseCode = "202", description = "The file job (kind ftp-send-projects), queued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    public Uni<Response> sendToClone(@Valid @NotNull FileBodies.SendToClone body) {
        return downstream.asCaller(files).sendProjectsToCloneFtp(body.proto()).map(JobView::accepted);
    }

    @POST
    @Path("/media/sync-to-central")
    @Operation(summary = "Send the clone's media/upload/ files missing or different on the central FTP server's "
            + "media/upload/ (nothing deleted on either side); 202 with the job's Location")
    @APIResponse(responseCode = "202", description = "The file job (kind ftp-sync-media), queued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    public Uni<Response> mediaToCentral(@Valid @NotNull FileBodies.MediaToCentral body) {
        return downstream.asCaller(files).syncMediaToCentralFtp(body.proto()).map(JobView::accepted);
    }

    @GET
    @Path("/reports/{jobId}")
    @Operation(summary = "The report of a finished file job: files transferred, skipped, deleted, failed, bytes, and "
            + "with adapt every QGIS project adapted, unchanged or skipped (409 while the job runs)")
    public Uni<FileReportView> report(@PathParam("jobId") @Pattern(regexp = FILES_JOB, message = "must be a files-<uuid> job id") String jobId) {
        return downstream.asCaller(files).getFileOperationReport(GetFileOperationReportRequest.newBuilder().setJobId(jobId).build())
                .map(FileReportView::of);
    }
}
