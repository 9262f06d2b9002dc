package io.lizsync.gateway.rest.devices;

import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.error.Problems;
import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.packages.ByteRange;
import io.lizsync.gateway.rest.packages.ChunkCopy;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.files.v1.DownloadMediaRequest;
import io.lizsync.proto.files.v1.FileServiceGrpc;
import io.lizsync.proto.files.v1.MediaChunk;
import io.lizsync.proto.files.v1.MediaInfo;
import io.lizsync.proto.registry.v1.ProjectDocument;
import io.lizsync.proto.registry.v1.Project;
import io.quarkus.grpc.GrpcClient;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The file of a project's document, served by file-service's media store through the gateway and
 * resumable with {@code Range} ({@link ByteRange}, as package archives); the ETag is its SHA-256.
 * A document that is a link (kind "url") is a 409 naming the link.
 */
@Path("/api/v1/projects/{project}/documents/{document}/content")
@Tag(name = "Devices and projects")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
public class DocumentContentResource {

    static final int AHEAD = 4;
    static final int CHUNK_BYTES = 1024 * 1024;
    static final int STALL_SECONDS = 120;
    static final Duration CHECKS = Duration.ofSeconds(30);

    @GrpcClient("files")
    io.grpc.Channel filesChannel;

    @Inject
    Downstream downstream;

    @Inject
    LayerAccess access;

    @Inject
    ProjectDocuments documents;

    @GET
    @Produces({"application/octet-stream", Problems.PROBLEM_JSON})
    @Operation(summary = "A document's file, streamed; resumable with Range: bytes=N- (206), ETag is its SHA-256")
    public Response content(@PathParam("project") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String project,
            @PathParam("document") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String document,
            @HeaderParam("Range") String range) throws IOException {
        Project p = access.project(project).await().atMost(CHECKS);
        ProjectDocument d = documents.find(project, document).await().atMost(CHECKS);
        if (!"file".equals(d.getKind())) {
            return Problems.of(409, "Conflict", "document " + document + " is a link, not a file: " + d.getLocation());
        }
        var credentials = downstream.credentials();
        // The first chunk carries the file's size and checksum: asked from the range's start, it starts the body too.
        StreamReader<DownloadMediaRequest, MediaChunk> probe = open(credentials, p.getKey(), d.getLocation(), 0, 1);
        MediaInfo info = first(probe).getInfo();
        probe.close();
        long size = info.getSizeBytes();
        ByteRange r;
        try {
            r = size == 0 ? new ByteRange(0, -1, false) : ByteRange.of(range, size);
        } catch (ByteRange.Unsatisfiable e) {
            return Response.fromResponse(Problems.of(416, "Range Not Satisfiable", e.getMessage()))
                    .header("Content-Range", "bytes */" + size).build();
        }
        String type = info.getMediaType().isEmpty() ? (d.getMediaType().isEmpty() ? "application/octet-stream" : d.getMediaType())
                : info.getMediaType();
        String name = d.getLocation().substring(d.getLocation().lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        StreamingOutput body = out -> copy(credentials, p.getKey(), d.getLocation(), r, out);
        Response.ResponseBuilder answer = Response.status(r.partial() ? 206 : 200).entity(body).type(type)
                .header("Accept-Ranges", "bytes")
                .header("Content-Length", r.length())
                .header("ETag", "\"" + info.getSha256() + "\"")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        if (r.partial()) {
            answer.header("Content-Range", r.contentRange(size));
        }
        return answer.build();
    }

    private StreamReader<DownloadMediaRequest, MediaChunk> open(io.grpc.CallCredentials credentials, String projectKey,
            String path, long offset, int chunk) {
        StreamReader<DownloadMediaRequest, MediaChunk> reader = new StreamReader<>(AHEAD, STALL_SECONDS, "file-service");
        FileServiceGrpc.newStub(filesChannel).withCallCredentials(credentials).downloadMedia(DownloadMediaRequest.newBuilder()
                .setProjectKey(projectKey).setPath(path).setOffset(offset).setChunkSize(chunk).build(), reader);
        return reader;
    }

    private static MediaChunk first(StreamReader<DownloadMediaRequest, MediaChunk> reader) throws IOException {
        try {
            MediaChunk c = reader.next();
            if (c == null) {
                throw new IOException("file-service sent no chunk");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** Copies the range ({@link ChunkCopy}). */
    private void copy(io.grpc.CallCredentials credentials, String projectKey, String path, ByteRange r, OutputStream out)
            throws IOException {
        if (r.length() <= 0) {
            return;
        }
        try (StreamReader<DownloadMediaRequest, MediaChunk> reader = open(credentials, projectKey, path, r.start(), CHUNK_BYTES)) {
            ChunkCopy.copy(reader, MediaChunk::getData, r.length(), out, "file-service", "file");
        }
    }
}
