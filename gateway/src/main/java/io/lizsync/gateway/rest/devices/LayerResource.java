package io.lizsync.gateway.rest.devices;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.error.Problems;
import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.Area;
import io.lizsync.proto.sync.v1.ConfirmRequest;
import io.lizsync.proto.sync.v1.DescribeLayerRequest;
import io.lizsync.proto.sync.v1.DeviceSync;
import io.lizsync.proto.sync.v1.DeviceSyncGrpc;
import io.lizsync.proto.sync.v1.DownloadChunk;
import io.lizsync.proto.sync.v1.DownloadRequest;
import io.lizsync.proto.sync.v1.RowEdit;
import io.lizsync.proto.sync.v1.UploadRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One layer of a project for a device (seed 003, ADR 0021): its structure, its rows as a delta
 * for the device named by {@code X-Device-Id} (everything without it), checkpoints, and the
 * device's edits. Every call checks that the project is granted to the caller and the device is
 * the caller's and not blocked ({@link LayerAccess}); central's DeviceSync does the rest with
 * the caller's token.
 */
@Path("/api/v1/projects/{project}/layers/{schema}/{table}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Devices and projects")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
public class LayerResource {

    static final int AHEAD = 4;
    static final int STALL_SECONDS = 120;
    static final Duration CHECKS = Duration.ofSeconds(30);
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LayerResource.class);

    @GrpcClient("sync")
    DeviceSync sync;

    @GrpcClient("sync")
    io.grpc.Channel syncChannel;

    @Inject
    Downstream downstream;

    @Inject
    LayerAccess access;

    @Inject
    ObjectMapper json;

    @Inject
    ProjectDocuments documents;

    /** One edit of an upload: create (uid optional), update (changed columns only) or delete. */
    public record Edit(@NotNull Op op, @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String uid,
            Map<String, Object> values, @Size(max = 200) String baseVersion) {
    }

    public enum Op { create, update, delete }

    /**
     * An upload: the edits of one import, with the structure version and SRID the device holds. The
     * body's documented shape; {@link UploadBody} reads it, with these annotations' rules.
     */
    public record Upload(@NotNull @Size(min = 1, max = 5000) List<@Valid @NotNull Edit> edits,
            @Size(max = 200) String structureVersion, @Min(0) @Max(999_999) Integer srid) {
    }

    /** An update of one row: the changed columns. */
    public record RowChange(@NotNull Map<String, Object> values, @Size(max = 200) String baseVersion,
            @Size(max = 200) String structureVersion, @Min(0) @Max(999_999) Integer srid) {
    }

    /** A checkpoint of a complete download, confirmed without downloading. */
    public record Checkpoint(@NotBlank @Size(max = 4000) String checkpoint) {
    }

    @GET
    @Operation(summary = "The layer: columns and types, uid and key columns, geometry type and SRID, structure version")
    public Uni<LayerViews.LayerView> describe(@Valid @BeanParam LayerPath at) {
        return access.layer(at.project, at.schema, at.table).flatMap(g -> downstream.asCaller(sync)
                .describeLayer(DescribeLayerRequest.newBuilder().setSchemaName(at.schema).setTableName(at.table).build())
                .map(l -> LayerViews.LayerView.of(at.project, g.layer(), l)));
    }

    @GET
    @Path("/documents")
    @Operation(summary = "The layer's documents (download a file's content from the project's documents)")
    public Uni<List<io.lizsync.gateway.rest.registry.ProjectsResource.DocumentView>> documents(@Valid @BeanParam LayerPath at) {
        return access.layer(at.project, at.schema, at.table).flatMap(g -> documents.forLayer(at.project, at.schema, at.table));
    }

    @GET
    @Path("/rows")
    @Produces({MediaType.APPLICATION_JSON, Problems.PROBLEM_JSON})
    @Operation(summary = "The rows the device (X-Device-Id) does not have at their current version and the uids it must"
            + " remove, streamed; without X-Device-Id every row. The answer ends with its checkpoint (echo it as"
            + " ?checkpoint= on the next download, or POST it to checkpoints, once applied) and next, the continuation"
            + " of a large answer (?next=). 409: another structure version (describe the layer again), or a position"
            + " older than the log's retention (download the layer again without checkpoint)")
    public Response rows(@Valid @BeanParam LayerPath at,
            @Parameter(description = "the device's UUID") @HeaderParam(DeviceHeaders.DEVICE_ID) String deviceHeader,
            @Parameter(description = "the structure version the device holds") @HeaderParam(DeviceHeaders.STRUCTURE_VERSION) String structureHeader,
            @Parameter(description = "the checkpoint of the previous complete answer, which the device applied")
            @QueryParam("checkpoint") @Size(max = 4000) String checkpoint,
            @Parameter(description = "the continuation token of the previous page") @QueryParam("next") @Size(max = 4000) String next,
            @Parameter(description = "area of interest: minX,minY,maxX,maxY") @QueryParam("bbox") @Size(max = 200) String bbox,
            @Parameter(description = "area of interest: a WKT polygon") @QueryParam("area") String area,
            @Parameter(description = "SRID of bbox or area: the layer's (default) or 4326") @QueryParam("srid") @Min(0) @Max(999_999) Integer srid,
            @Parameter(description = "most rows and removals per page (default 10000)") @QueryParam("limit") @Min(1) @Max(1_000_000) Integer limit) {
        String deviceId = DeviceHeaders.deviceId(deviceHeader);
        DownloadRequest.Builder req = DownloadRequest.newBuilder().setSchemaName(at.schema).setTableName(at.table)
                .setStructureVersion(DeviceHeaders.structureVersion(structureHeader));
        Area a = Areas.of(bbox, area, srid);
        if (a != null) {
            req.setArea(a);
        }
        if (deviceId != null) {
            req.setDeviceId(deviceId);
        }
        if (checkpoint != null && !checkpoint.isBlank()) {
            if (deviceId == null) {
                throw new io.lizsync.gateway.error.InvalidFieldException("checkpoint", "only with " + DeviceHeaders.DEVICE_ID);
            }
            req.setConfirmCheckpoint(checkpoint.strip());
        }
        if (next != null && !next.isBlank()) {
            req.setContinuationToken(next.strip());
        }
        if (limit != null) {
            req.setPageSize(limit);
        }
        long t0 = System.nanoTime();
        access.layerForDevice(at.project, at.schema, at.table, deviceId).await().atMost(CHECKS);
        long checked = System.nanoTime();
        var credentials = downstream.credentials();
        StreamReader<DownloadRequest, DownloadChunk> reader = new StreamReader<>(AHEAD, STALL_SECONDS, "sync-service");
        DeviceSyncGrpc.newStub(syncChannel).withCallCredentials(credentials).download(req.build(), reader);
        DownloadChunk first;
        try {
            // Central's refusals (structure version, retention, a bad area) come before any row: still a problem document.
            first = reader.next();
            if (first != null && first.getLast()) {
                // A one-chunk answer (nothing new, a small delta): the call's end read here, the answer sent whole
                // with its length (one write, no chunked encoding). A failed end is a problem document.
                byte[] whole = whole(first, at);
                reader.next();
                reader.close(); // cancels only a call that went on after its last chunk
                debug(t0, checked);
                return Response.ok(whole, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
            }
        } catch (InterruptedException e) {
            reader.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (StatusRuntimeException e) {
            reader.close();
            throw e;
        }
        debug(t0, checked);
        StreamingOutput body = out -> write(reader, first, at, out);
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").build();
    }

    private static void debug(long t0, long checked) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("rows on %s: checks %d us, central's answer %d us", Thread.currentThread().getName(),
                    (checked - t0) / 1000, (System.nanoTime() - checked) / 1000);
        }
    }

    /** The document of an answer of one chunk, as bytes. */
    static byte[] whole(DownloadChunk only, LayerPath at) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256 + only.getSerializedSize());
        try (RowsDocument doc = new RowsDocument(bytes, at.schema, at.table)) {
            doc.add(only);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static void write(StreamReader<DownloadRequest, DownloadChunk> reader, DownloadChunk first, LayerPath at,
            OutputStream out)
            throws IOException {
        // Written in 64 KiB pieces (not a flush per chunk), flushed at the end: memory stays bounded.
        java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 64 * 1024);
        try (reader; RowsDocument doc = new RowsDocument(buffered, at.schema, at.table)) {
            DownloadChunk chunk = first;
            while (chunk != null) {
                doc.add(chunk);
                if (chunk.getLast()) {
                    buffered.flush();
                    // Read the call's end rather than cancel a finished call when the reader closes.
                    reader.next();
                    return;
                }
                chunk = reader.next();
            }
            // The stream ended without its last chunk: the answer stays incomplete (no checkpoint).
            throw new IOException("sync-service ended the download before its checkpoint");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        } catch (StatusRuntimeException e) {
            // Headers are gone: the device sees a cut answer without checkpoint and asks again.
            throw new IOException("sync-service stopped the download: " + e.getStatus().getCode(), e);
        }
    }

    @POST
    @Path("/checkpoints")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Confirm the checkpoint of a complete download the device applied: its position moves to it")
    public Uni<LayerViews.Confirmed> confirm(@Valid @BeanParam LayerPath at,
            @Parameter(description = "the device's UUID (required)") @HeaderParam(DeviceHeaders.DEVICE_ID) String deviceHeader,
            @Valid @NotNull Checkpoint body) {
        String deviceId = DeviceHeaders.deviceId(deviceHeader);
        if (deviceId == null) {
            throw new io.lizsync.gateway.error.InvalidFieldException(DeviceHeaders.DEVICE_ID, "required to confirm a checkpoint");
        }
        return access.layerForDevice(at.project, at.schema, at.table, deviceId).flatMap(g -> downstream.asCaller(sync)
                .confirm(ConfirmRequest.newBuilder().setDeviceId(deviceId).setCheckpoint(body.checkpoint().strip()).build())
                .map(r -> new LayerViews.Confirmed(r.getSchemaName(), r.getTableName())));
    }

    @POST
    @Path("/rows")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload the device's edits (create, update, delete) as one import; Idempotency-Key required:"
            + " a retry with the same key writes nothing and answers the first answer. Each edit's outcome: applied,"
            + " conflict (with the rule and the winner) or refused (why)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Upload.class)))
    @APIResponse(responseCode = "200", description = "each edit's outcome", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LayerViews.UploadView.class)))
    public Uni<Response> upload(@Valid @BeanParam LayerPath at,
            @Parameter(description = "the device's UUID (required)") @HeaderParam(DeviceHeaders.DEVICE_ID) String deviceHeader,
            @Parameter(description = "your key of this upload, the same on a retry (required)")
            @HeaderParam(DeviceHeaders.IDEMPOTENCY_KEY) String keyHeader,
            byte[] body) {
        // Read straight into central's request, the values as JSON text (UploadBody); the answer written as bytes.
        var req = UploadBody.read(json.getFactory(), body);
        return send(at, deviceHeader, keyHeader, req, i -> "edits[" + i + "].values")
                .map(r -> Response.ok(UploadDocument.of(r), MediaType.APPLICATION_JSON_TYPE).build());
    }

    @PUT
    @Path("/rows/{uid}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Update one row (the changed columns), as an upload of one edit; Idempotency-Key required")
    public Uni<LayerViews.UploadView> update(@Valid @BeanParam LayerPath at, @PathParam("uid") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String uid,
            @Parameter(description = "the device's UUID") @HeaderParam(DeviceHeaders.DEVICE_ID) String deviceHeader,
            @Parameter(description = "your key of this update, the same on a retry (required)")
            @HeaderParam(DeviceHeaders.IDEMPOTENCY_KEY) String keyHeader,
            @Valid @NotNull RowChange body) {
        var req = UploadRequest.newBuilder().setStructureVersion(body.structureVersion() == null ? "" : body.structureVersion())
                .setGeometrySrid(body.srid() == null ? 0 : body.srid())
                .addEdits(edit(new Edit(Op.update, uid, body.values(), body.baseVersion()), "values"));
        return send(at, deviceHeader, keyHeader, req, i -> "values").map(LayerViews.UploadView::of);
    }

    @DELETE
    @Path("/rows/{uid}")
    @Operation(summary = "Delete one row, as an upload of one edit; Idempotency-Key required")
    public Uni<LayerViews.UploadView> delete(@Valid @BeanParam LayerPath at, @PathParam("uid") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String uid,
            @Parameter(description = "the device's UUID") @HeaderParam(DeviceHeaders.DEVICE_ID) String deviceHeader,
            @Parameter(description = "your key of this delete, the same on a retry (required)")
            @HeaderParam(DeviceHeaders.IDEMPOTENCY_KEY) String keyHeader,
            @Parameter(description = "the version the device's copy has (a conflict otherwise)")
            @QueryParam("baseVersion") @Size(max = 200) String baseVersion) {
        var req = UploadRequest.newBuilder().addEdits(edit(new Edit(Op.delete, uid, null, baseVersion), "uid"));
        return send(at, deviceHeader, keyHeader, req, i -> "uid").map(LayerViews.UploadView::of);
    }

    private Uni<io.lizsync.proto.sync.v1.UploadResponse> send(LayerPath at, String deviceHeader, String keyHeader, UploadRequest.Builder req,
            java.util.function.IntFunction<String> valuesOf) {
        String deviceId = DeviceHeaders.deviceId(deviceHeader);
        if (deviceId == null) {
            throw new io.lizsync.gateway.error.InvalidFieldException(DeviceHeaders.DEVICE_ID, "required to upload: the device's UUID");
        }
        String key = DeviceHeaders.idempotencyKey(keyHeader);
        // Central keeps the answer by (device, request id): one device's key is not another's.
        req.setDeviceId(deviceId).setSchemaName(at.schema).setTableName(at.table).setRequestId(key);
        return access.layerForDevice(at.project, at.schema, at.table, deviceId).flatMap(g -> {
            LayerGrant.editable(g.layer()).ifPresent(r -> {
                throw r.exception();
            });
            return downstream.asCaller(sync).upload(req.build());
        }).onFailure().transform(e -> UploadErrors.named(e, valuesOf));
    }

    private RowEdit edit(Edit e, String path) {
        RowEdit.Builder b = RowEdit.newBuilder().setOp(switch (e.op()) {
            case create -> RowEdit.Op.CREATE;
            case update -> RowEdit.Op.UPDATE;
            case delete -> RowEdit.Op.DELETE;
        });
        if (e.uid() != null) {
            b.setUid(e.uid().toLowerCase(java.util.Locale.ROOT));
        } else if (e.op() != Op.create) {
            throw new io.lizsync.gateway.error.InvalidFieldException(path + ".uid", "required to " + e.op() + " a row");
        }
        if (e.values() != null) {
            if (e.op() == Op.delete) {
                throw new io.lizsync.gateway.error.InvalidFieldException(path + ".values", "not with delete");
            }
            try {
                b.setValuesJson(json.writeValueAsString(e.values()));
            } catch (JsonProcessingException x) {
                throw new io.lizsync.gateway.error.InvalidFieldException(path + ".values", "must be a JSON object");
            }
        } else if (e.op() != Op.delete) {
            throw new io.lizsync.gateway.error.InvalidFieldException(path + ".values", "required to " + e.op() + " a row");
        }
        if (e.baseVersion() != null) {
            b.setBaseVersion(e.baseVersion());
        }
        return b.build();
    }
}
