package io.lizsync.sync.central.review.grpc;

import io.grpc.Status;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.proto.sync.v1.CloneState;
import io.lizsync.proto.sync.v1.Conflict;
import io.lizsync.proto.sync.v1.HistoryItem;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.ListCloneStatesResponse;
import io.lizsync.proto.sync.v1.ListConflictsRequest;
import io.lizsync.proto.sync.v1.ListConflictsResponse;
import io.lizsync.proto.sync.v1.ListHistoryRequest;
import io.lizsync.proto.sync.v1.ListHistoryResponse;
import io.lizsync.proto.sync.v1.ListTablePoliciesRequest;
import io.lizsync.proto.sync.v1.ListTablePoliciesResponse;
import io.lizsync.proto.sync.v1.PruneLogRequest;
import io.lizsync.proto.sync.v1.PruneLogResponse;
import io.lizsync.proto.sync.v1.ResolveConflictRequest;
import io.lizsync.proto.sync.v1.SetTablePolicyRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.lizsync.proto.sync.v1.TablePolicy;
import io.lizsync.sync.central.review.repository.ReviewRepository.CloneStateRecord;
import io.lizsync.sync.central.review.repository.ReviewRepository.ConflictRecord;
import io.lizsync.sync.central.review.repository.ReviewRepository.TablePolicyRecord;
import io.lizsync.sync.central.review.service.ReviewService;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.wire.Wire;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;

/**
 * gRPC transport of the review of the exchange on central (history, conflicts and an
 * administrator's decision on them, per-table policies, clone states): translates and delegates
 * to {@link ReviewService}. Log pruning is issue 7/7.
 */
@GrpcService
public class ReviewGrpcService implements SyncReview {

    private final ReviewService service;
    private final Calls calls;

    private final io.lizsync.sync.central.assign.service.AssignmentService assignments;
    private final io.lizsync.sync.central.syncjobs.service.SyncJobService syncs;

    ReviewGrpcService(ReviewService service, io.lizsync.sync.central.assign.service.AssignmentService assignments,
            io.lizsync.sync.central.syncjobs.service.SyncJobService syncs, NodeRoles roles) {
        this.service = service;
        this.assignments = assignments;
        this.syncs = syncs;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "sync review");
    }

    @Override
    public Uni<ListHistoryResponse> listHistory(ListHistoryRequest r) {
        return call(() -> {
            var out = ListHistoryResponse.newBuilder();
            var page = service.listHistory(r.getServerId(), r.getDirection(), instant(r.hasSince(), r.getSince()),
                    instant(r.hasUntil(), r.getUntil()), r.getPageToken(), limit(r.getLimit()));
            if (page.nextPageToken() != null) {
                out.setNextPageToken(page.nextPageToken());
            }
            for (var h : page.items()) {
                var item = HistoryItem.newBuilder().setSyncId(h.syncId()).setSyncTime(ts(h.syncTime()))
                        .setServerFrom(h.serverFrom()).setSyncType(h.syncType()).setSyncStatus(h.syncStatus())
                        .setChangeCount(h.changeCount()).setConflictCount(h.conflictCount());
                if (h.clockOffsetMs() != null) {
                    item.setClockOffsetMs(h.clockOffsetMs()).setClockUncertaintyMs(nz(h.clockUncertaintyMs()));
                }
                if (h.sessionDurationMs() != null) {
                    item.setSessionDurationMs(h.sessionDurationMs());
                }
                for (String to : h.serverTo()) {
                    item.addServerTo(to);
                }
                out.addItems(item);
            }
            return out.build();
        });
    }

    @Override
    public Uni<ListConflictsResponse> listConflicts(ListConflictsRequest r) {
        return call(() -> {
            var out = ListConflictsResponse.newBuilder();
            var page = service.listConflicts(r.getPendingOnly(), r.getCloneId(), instant(r.hasSince(), r.getSince()),
                    instant(r.hasUntil(), r.getUntil()), r.getPageToken(), r.getConflictId(), limit(r.getLimit()));
            if (page.nextPageToken() != null) {
                out.setNextPageToken(page.nextPageToken());
            }
            for (ConflictRecord c : page.items()) {
                out.addConflicts(conflict(c));
            }
            return out.build();
        });
    }

    /** An administrator's decision (see {@link ReviewService#resolveConflict}). */
    @Override
    public Uni<Conflict> resolveConflict(ResolveConflictRequest r) {
        return call(() -> conflict(service.resolveConflict(r.getId(), r.getWinner(), r.getDecidedBy(),
                r.hasValue() ? r.getValue() : null)));
    }

    @Override
    public Uni<TablePolicy> setTablePolicy(SetTablePolicyRequest r) {
        return call(() -> {
            TablePolicy p = r.getPolicy();
            service.setTablePolicy(p.getSchemaName(), p.getTableName(), p.getPolicy());
            return p;
        });
    }

    @Override
    public Uni<ListTablePoliciesResponse> listTablePolicies(ListTablePoliciesRequest r) {
        return call(() -> {
            var out = ListTablePoliciesResponse.newBuilder();
            for (TablePolicyRecord p : service.listTablePolicies()) {
                out.addPolicies(TablePolicy.newBuilder().setSchemaName(p.schemaName()).setTableName(p.tableName())
                        .setPolicy(p.policy()));
            }
            return out.build();
        });
    }

    @Override
    public Uni<PruneLogResponse> pruneLog(PruneLogRequest r) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED
                .withDescription("log retention arrives with issue 7/7").asRuntimeException());
    }

    @Override
    public Uni<ListCloneStatesResponse> listCloneStates(ListCloneStatesRequest r) {
        return call(() -> {
            var page = service.listCloneStates(r.getPageSize(), r.getPageToken());
            var out = ListCloneStatesResponse.newBuilder().setNextPageToken(page.nextToken());
            page.clones().forEach(s -> out.addClones(cloneState(s)));
            return out.build();
        });
    }

    @Override
    public Uni<CloneState> getCloneState(io.lizsync.proto.sync.v1.GetCloneStateRequest r) {
        return call(() -> cloneState(service.getCloneState(r.getCloneId())));
    }

    @Override
    public Uni<io.lizsync.proto.jobs.v1.Job> assignPackage(io.lizsync.proto.sync.v1.AssignPackageRequest r) {
        io.lizsync.grpckit.auth.Caller caller = io.lizsync.grpckit.auth.Caller.current();
        String by = caller == null ? null : caller.login();
        return call(() -> io.lizsync.sync.central.assign.grpc.JobMapping.job(
                assignments.assign(r.getCloneId(), r.getPackageId(), r.getForce(), by)));
    }

    @Override
    public Uni<io.lizsync.proto.jobs.v1.Job> requestSync(io.lizsync.proto.sync.v1.RequestSyncRequest r) {
        io.lizsync.grpckit.auth.Caller caller = io.lizsync.grpckit.auth.Caller.current();
        String by = caller == null ? null : caller.login();
        return call(() -> io.lizsync.sync.central.assign.grpc.JobMapping.job(syncs.request(r.getCloneId(), by)));
    }

    private static CloneState cloneState(CloneStateRecord s) {
        var st = CloneState.newBuilder().setCloneId(s.cloneId()).setName(s.name())
                .setRedeployRequired(s.redeployRequired()).setPendingEvents(s.pendingEvents())
                .setLagSeconds(s.lagSeconds() == null ? 0 : s.lagSeconds()).setUnsentChanges(s.unsentChanges())
                .setToolsVersion(nz(s.toolsVersion())).setPendingConflicts(s.pendingConflicts())
                .setOpenAssignmentJobId(s.openAssignment() == null ? ""
                        : io.lizsync.sync.central.assign.service.AssignmentService.Jobs.id(s.openAssignment()));
        if (s.lastSync() != null) {
            st.setLastSync(ts(s.lastSync()));
        }
        if (s.lastContact() != null) {
            st.setLastContact(ts(s.lastContact()));
        }
        if (s.oldestPendingAt() != null) {
            st.setOldestPendingAt(ts(s.oldestPendingAt()));
        }
        if (s.oldestUnsentAt() != null) {
            st.setOldestUnsentAt(ts(s.oldestUnsentAt()));
            if (s.lastContact() != null) {
                st.setUnsentAgeSeconds(Math.max(0, java.time.Duration.between(s.oldestUnsentAt(), s.lastContact())
                        .toSeconds()));
            }
        }
        return st.build();
    }

    private static Conflict conflict(ConflictRecord c) {
        var b = Conflict.newBuilder().setId(c.id()).setConflictTime(ts(c.conflictTime()))
                .setCloneId(c.cloneId()).setSchemaName(c.schemaName()).setTableName(c.tableName())
                .setFieldName(c.fieldName() == null ? "" : c.fieldName()).setUid(c.uid())
                .setCentralAction(action(c.centralAction())).setCentralValueJson(nz(c.centralValueJson()))
                .setCloneAction(action(c.cloneAction())).setCloneValueJson(nz(c.cloneValueJson()))
                .setRule(c.rule()).setWinner(c.winner())
                .setClockUncertaintyMs(nz(c.clockUncertaintyMs())).setWithinClockUncertainty(c.withinClockUncertainty());
        if (c.centralEditedAt() != null) {
            b.setCentralEditedAt(ts(c.centralEditedAt()));
        }
        if (c.cloneEditedAt() != null) {
            b.setCloneEditedAt(ts(c.cloneEditedAt()));
        }
        return b.build();
    }

    private static ChangeAction action(String a) {
        return a == null ? ChangeAction.CHANGE_ACTION_UNSPECIFIED : switch (a) {
            case "I" -> ChangeAction.CHANGE_ACTION_INSERT;
            case "U" -> ChangeAction.CHANGE_ACTION_UPDATE;
            case "D" -> ChangeAction.CHANGE_ACTION_DELETE;
            default -> ChangeAction.CHANGE_ACTION_UNSPECIFIED;
        };
    }

    private static com.google.protobuf.Timestamp ts(OffsetDateTime t) {
        return Wire.timestamp(t.toInstant());
    }

    private static long nz(Long l) {
        return l == null ? 0 : l;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static java.time.Instant instant(boolean set, com.google.protobuf.Timestamp t) {
        return set ? java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos()) : null;
    }

    private static int limit(int requested) {
        return requested <= 0 ? 100 : Math.min(requested, 1000);
    }

    private <T> Uni<T> call(Callable<T> work) {
        return calls.run(work);
    }
}
