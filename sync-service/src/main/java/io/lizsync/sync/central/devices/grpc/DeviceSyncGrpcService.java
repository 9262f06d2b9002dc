package io.lizsync.sync.central.devices.grpc;

import io.lizsync.proto.sync.v1.ConfirmRequest;
import io.lizsync.proto.sync.v1.ConfirmResponse;
import io.lizsync.proto.sync.v1.DescribeLayerRequest;
import io.lizsync.proto.sync.v1.DeviceRow;
import io.lizsync.proto.sync.v1.DeviceSync;
import io.lizsync.proto.sync.v1.DownloadChunk;
import io.lizsync.proto.sync.v1.DownloadRequest;
import io.lizsync.proto.sync.v1.EditResult;
import io.lizsync.proto.sync.v1.ForgetDeviceRequest;
import io.lizsync.proto.sync.v1.ForgetDeviceResponse;
import io.lizsync.proto.sync.v1.Layer;
import io.lizsync.proto.sync.v1.LayerColumn;
import io.lizsync.proto.sync.v1.RowEdit;
import io.lizsync.proto.sync.v1.UploadRequest;
import io.lizsync.proto.sync.v1.UploadResponse;
import io.lizsync.sync.central.devices.repository.LayerRepository;
import io.lizsync.sync.central.devices.service.DownloadService;
import io.lizsync.sync.central.devices.service.EditParser;
import io.lizsync.sync.central.devices.service.LayerShape;
import io.lizsync.sync.central.devices.service.PositionService;
import io.lizsync.sync.central.devices.service.UploadRules;
import io.lizsync.sync.central.devices.service.UploadService;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.engine.TableRef;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.grpc.GrpcErrors;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * gRPC transport of devices' synchronisation on central (ADR 0020): translates and delegates to
 * {@link DownloadService}, {@link UploadService} and {@link PositionService}. Roles are checked by
 * the access table ({@link io.lizsync.sync.grpc.SyncAccess}) before any call runs.
 */
@GrpcService
public class DeviceSyncGrpcService implements DeviceSync {

    private final DownloadService downloads;
    private final UploadService uploads;
    private final PositionService positions;
    private final Pool pool;
    private final Calls calls;

    DeviceSyncGrpcService(DownloadService downloads, UploadService uploads, PositionService positions, Pool pool,
            NodeRoles roles) {
        this.downloads = downloads;
        this.uploads = uploads;
        this.positions = positions;
        this.pool = pool;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "device sync");
    }

    @Override
    @Blocking
    public Uni<Layer> describeLayer(DescribeLayerRequest r) {
        return calls.run(() -> layer(LayerRepository.describe(pool, table(r.getSchemaName(), r.getTableName()))));
    }

    /**
     * One page of an answer. The page is opened and its first chunk read in the call's own worker
     * thread ({@code @Blocking}, {@link Calls#runHere}): an answer of one chunk (nothing new, a
     * small delta) goes out without another hop between threads; the next chunks are read on a
     * worker as the client asks for them (the request may come from an event loop, which must
     * never block on the database).
     */
    @Override
    @Blocking
    public Multi<DownloadChunk> download(DownloadRequest r) {
        DownloadService.AreaAsk area = r.hasArea() ? new DownloadService.AreaAsk(
                r.getArea().getWkt().isEmpty() ? null : r.getArea().getWkt(),
                r.getArea().getBboxCount() == 0 ? null : r.getArea().getBboxList().stream().mapToDouble(d -> d).toArray(),
                r.getArea().getSrid()) : null;
        return calls.runHere(() -> first(downloads.open(new DownloadService.Ask(r.getDeviceId(),
                table(r.getSchemaName(), r.getTableName()), r.getStructureVersion(), area, r.getPageSize(),
                r.getContinuationToken(), r.getConfirmCheckpoint()))))
                .onItem().transformToMulti(opened -> {
                    DownloadService.PageStream page = opened.page();
                    Multi<DownloadChunk> rest = page.hasNext() ? Multi.createFrom().<DownloadChunk>iterable(() -> chunks(page))
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                            .onFailure().transform(GrpcErrors::toStatus) : Multi.createFrom().empty();
                    return Multi.createBy().concatenating().streams(Multi.createFrom().item(opened.chunk()), rest)
                            .onTermination().invoke((failure, cancelled) -> Infrastructure.getDefaultWorkerPool()
                                    .execute(page::close));
                });
    }

    /** An opened page and its first chunk. */
    private record Opened(DownloadService.PageStream page, DownloadChunk chunk) {
    }

    private static Opened first(DownloadService.PageStream page) {
        try {
            return new Opened(page, chunk(page.next(), page));
        } catch (RuntimeException | Error e) {
            page.close();
            throw e;
        }
    }

    private static Iterator<DownloadChunk> chunks(DownloadService.PageStream page) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return page.hasNext();
            }

            @Override
            public DownloadChunk next() {
                if (!page.hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunk(page.next(), page);
            }
        };
    }

    private static DownloadChunk chunk(List<DownloadService.Item> items, DownloadService.PageStream page) {
        var out = DownloadChunk.newBuilder();
        for (var i : items) {
            if (i.json() == null) {
                out.addRemovedUids(i.uid());
            } else {
                out.addRows(DeviceRow.newBuilder().setUid(i.uid()).setVersion(i.version()).setRowJson(i.json()));
            }
        }
        DownloadService.End end = page.end();
        if (end != null) {
            out.setLast(true).setReset(end.reset()).setStructureVersion(end.structureVersion());
            if (end.checkpoint() != null) {
                out.setCheckpoint(end.checkpoint());
            }
            if (end.continuation() != null) {
                out.setContinuationToken(end.continuation());
            }
        }
        return out.build();
    }

    @Override
    @Blocking
    public Uni<ConfirmResponse> confirm(ConfirmRequest r) {
        return calls.run(() -> {
            TableRef t = positions.confirm(r.getDeviceId(), r.getCheckpoint());
            return ConfirmResponse.newBuilder().setSchemaName(t.schema()).setTableName(t.table()).build();
        });
    }

    @Override
    @Blocking
    public Uni<UploadResponse> upload(UploadRequest r) {
        // In the call's own worker thread (@Blocking): no second hop to another worker (Calls.runHere).
        return calls.runHere(() -> {
            List<EditParser.RawEdit> edits = r.getEditsList().stream().map(DeviceSyncGrpcService::edit).toList();
            var answer = uploads.upload(new UploadService.Ask(r.getDeviceId(), table(r.getSchemaName(),
                    r.getTableName()), r.getRequestId(), r.getStructureVersion(), r.getGeometrySrid(), edits));
            var out = UploadResponse.newBuilder().setImportId(answer.importId()).setReplayed(answer.replayed());
            for (var res : answer.results()) {
                UploadRules.Outcome o = res.outcome();
                var e = EditResult.newBuilder().setIndex(o.index()).setUid(o.uid())
                        .setOutcome(switch (o.kind()) {
                            case APPLIED -> EditResult.Outcome.APPLIED;
                            case CONFLICT -> EditResult.Outcome.CONFLICT;
                            case REFUSED -> EditResult.Outcome.REFUSED;
                        }).setRule(o.rule()).setWinner(o.winner()).setMessage(o.message());
                if (res.rowJson() != null) {
                    e.setServerIdJson(res.keyJson() == null ? "{}" : res.keyJson()).setVersion(res.version())
                            .setRowJson(res.rowJson());
                }
                out.addResults(e);
            }
            return out.build();
        });
    }

    @Override
    @Blocking
    public Uni<ForgetDeviceResponse> forgetDevice(ForgetDeviceRequest r) {
        return calls.run(() -> ForgetDeviceResponse.newBuilder().setPositionsDropped(positions.forget(r.getDeviceId()))
                .build());
    }

    private static EditParser.RawEdit edit(RowEdit e) {
        EditParser.Op op = switch (e.getOp()) {
            case CREATE -> EditParser.Op.CREATE;
            case UPDATE -> EditParser.Op.UPDATE;
            case DELETE -> EditParser.Op.DELETE;
            default -> null;
        };
        return new EditParser.RawEdit(op, e.getUid(), e.getValuesJson(), e.getBaseVersion());
    }

    private static TableRef table(String schema, String table) {
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("schema_name and table_name name the layer");
        }
        return new TableRef(schema, table);
    }

    private static Layer layer(LayerShape s) {
        var out = Layer.newBuilder().setSchemaName(s.table().schema()).setTableName(s.table().table())
                .setUidColumn(s.uidColumn()).addAllPrimaryKey(s.primaryKey()).setSrid(s.srid())
                .setStructureVersion(s.structureVersion());
        if (s.geometryColumn() != null) {
            out.setGeometryColumn(s.geometryColumn()).setGeometryType(s.geometryType());
        }
        for (var c : s.columns()) {
            out.addColumns(LayerColumn.newBuilder().setName(c.name()).setType(c.type()).setNullable(c.nullable())
                    .setServerFilled(c.serverFilled()));
        }
        return out.build();
    }
}
