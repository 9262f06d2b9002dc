package io.lizsync.sync.central.exchange.grpc;

import io.lizsync.proto.sync.v1.AckRequest;
import io.lizsync.proto.sync.v1.AckResponse;
import io.lizsync.proto.sync.v1.Change;
import io.lizsync.proto.sync.v1.ChangeBatch;
import io.lizsync.proto.sync.v1.ClockReading;
import io.lizsync.proto.sync.v1.ClockSample;
import io.lizsync.proto.sync.v1.Exchange;
import io.lizsync.proto.sync.v1.HelloRequest;
import io.lizsync.proto.sync.v1.HelloResponse;
import io.lizsync.proto.sync.v1.PullRequest;
import io.lizsync.proto.sync.v1.PushProgress;
import io.lizsync.proto.sync.v1.RegisterCloneRequest;
import io.lizsync.proto.sync.v1.RegisterCloneResponse;
import io.lizsync.proto.sync.v1.PushResult;
import io.lizsync.proto.sync.v1.TableFingerprint;
import io.lizsync.sync.central.exchange.service.ClockService;
import io.lizsync.sync.central.exchange.service.CloneAccess;
import io.lizsync.sync.central.exchange.service.PullService;
import io.lizsync.sync.central.exchange.service.PushApplier;
import io.lizsync.sync.central.exchange.service.PushService;
import io.lizsync.sync.central.exchange.service.SessionService;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import io.lizsync.sync.grpc.GrpcErrors;
import io.lizsync.sync.wire.ChangeCodec;
import io.lizsync.sync.wire.ChangeStream;
import io.lizsync.sync.wire.Wire;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * gRPC transport of the exchange (central role): authenticates the clone, translates messages to
 * the engine's records (parts joined, batches sized by bytes) and delegates. No proto type goes
 * below this class.
 */
@GrpcService
@RegisterInterceptor(CredentialInterceptor.class)
public class ExchangeGrpcService implements Exchange {

    private final CloneAccess access;
    private final SessionService sessions;
    private final ClockService clocks;
    private final PushService pushes;
    private final PullService pulls;
    private final Calls calls;
    private final io.lizsync.sync.central.assign.service.AssignmentService assignments;

    ExchangeGrpcService(CloneAccess access, SessionService sessions, ClockService clocks, PushService pushes,
            PullService pulls, NodeRoles roles, io.lizsync.sync.central.assign.service.AssignmentService assignments) {
        this.assignments = assignments;
        this.access = access;
        this.sessions = sessions;
        this.clocks = clocks;
        this.pushes = pushes;
        this.pulls = pulls;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "the exchange with clones");
    }

    @Override
    @Blocking
    public Uni<HelloResponse> hello(HelloRequest r) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        return call(() -> {
            List<SessionService.Fingerprint> tables = new ArrayList<>();
            for (TableFingerprint f : r.getTablesList()) {
                tables.add(new SessionService.Fingerprint(new TableRef(f.getSchemaName(), f.getTableName()),
                        f.getFingerprint(), f.getColumnsList()));
            }
            // Authenticated inside hello's transaction (pipelined with its first statements).
            var h = sessions.hello(credential, r.getCloneId(), r.getToolsVersion(), tables, r.getCursor(),
                    r.getNothingToPush(), new SessionService.Contact(r.getToolsVersion(), r.getUnsentChanges(),
                            r.hasOldestUnsentAt() ? Wire.instant(r.getOldestUnsentAt()) : null));
            var answer = HelloResponse.newBuilder().setSessionId(h.sessionId()).setCentralId(h.centralId())
                    .setToolsVersion(h.toolsVersion()).setRedeployRequired(h.redeployRequired())
                    .setUpToDate(h.upToDate());
            if (h.syncJob() != null) {
                answer.setSyncJobId(io.lizsync.sync.central.syncjobs.service.SyncJobService.Jobs.id(h.syncJob()));
            }
            if (h.assignment() != null) {
                answer.setAssignment(io.lizsync.proto.sync.v1.Assignment.newBuilder()
                        .setJobId(io.lizsync.sync.central.assign.service.AssignmentService.Jobs.id(h.assignment().jobId()))
                        .setPackageId(h.assignment().packageId()).setForce(h.assignment().force())
                        .setRunning(h.assignment().running()));
            }
            for (var f : h.tables()) {
                answer.addTables(TableFingerprint.newBuilder().setSchemaName(f.table().schema())
                        .setTableName(f.table().table()).setFingerprint(f.fingerprint()));
            }
            return answer.build();
        });
    }

    @Override
    public Multi<ClockReading> measureClock(Multi<ClockSample> samples) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        return call(() -> clocks.open(access.authenticate(credential)))
                .onItem().transformToMulti(m -> samples.emitOn(Infrastructure.getDefaultWorkerPool()).map(s -> {
                    try {
                        if (s.getLast()) {
                            var e = m.finish(s.getSessionId(), s.hasPreviousReceived()
                                    ? Wire.instant(s.getPreviousReceived()) : null);
                            return ClockReading.newBuilder().setOffsetMs(Math.round(e.offset().toNanos() / 1e6))
                                    .setUncertaintyMs((e.uncertainty().toNanos() + 999_999) / 1_000_000)
                                    .setSamples(e.samples()).build();
                        }
                        var t = m.sample(s.getSessionId(), s.hasCloneSent() ? Wire.instant(s.getCloneSent()) : null,
                                s.hasPreviousReceived() ? Wire.instant(s.getPreviousReceived()) : null);
                        return ClockReading.newBuilder().setCentralTime(Wire.timestamp(t)).build();
                    } catch (Exception e) {
                        throw GrpcErrors.toStatus(e);
                    }
                }));
    }

    @Override
    public Multi<PushProgress> push(Multi<ChangeBatch> batches) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        // The clone is authenticated before its messages are read; each batch is applied as it
        // arrives and answered once applied (the clone keeps only a few unanswered).
        return call(() -> access.authenticate(credential)).onItem().transformToMulti(clone -> {
            PushApplier applier = pushes.open(clone);
            ChangeStream.Joiner joiner = new ChangeStream.Joiner();
            long[] changes = {0};
            return batches.emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(b -> {
                        try {
                            List<NetChange> net = new ArrayList<>(b.getChangesCount());
                            for (Change part : b.getChangesList()) {
                                Change whole = joiner.add(part);
                                if (whole != null) {
                                    net.add(ChangeCodec.decode(whole, Duration.ZERO, clone));
                                }
                            }
                            changes[0] += net.size();
                            long n = applier.add(b.getSessionId(), b.getPushId(), net);
                            return PushProgress.newBuilder().setBatches(n).setChanges(changes[0]).build();
                        } catch (Exception e) {
                            throw GrpcErrors.toStatus(e);
                        }
                    })
                    .onCompletion().continueWith(() -> {
                        try {
                            if (joiner.incomplete()) {
                                throw new IllegalArgumentException("the push ended in the middle of a change");
                            }
                            var o = applier.finish();
                            return List.of(PushProgress.newBuilder().setChanges(changes[0]).setResult(PushResult
                                    .newBuilder().setApplied(o.applied()).setDuplicates(o.duplicates())
                                    .setConflicts(o.conflicts()).setPendingConflicts(o.pendingConflicts())
                                    .setPullNeeded(o.pullNeeded())
                                    .setPosition(o.position() == null ? "" : o.position().toString())).build());
                        } catch (Exception e) {
                            throw GrpcErrors.toStatus(e);
                        }
                    })
                    .onTermination().invoke((failure, cancelled) -> {
                        if (failure != null || cancelled) {
                            Infrastructure.getDefaultWorkerPool().execute(() -> applier.abort(failure));
                        }
                    });
        });
    }

    @Override
    @Blocking
    public Multi<ChangeBatch> pull(PullRequest r) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        return call(() -> pulls.open(access.authenticate(credential), r.getSessionId()))
                .onItem().transformToMulti(stream -> {
                    String position = Long.toString(stream.tickId());
                    // Batches are read, folded and encoded as the stream is consumed (on a worker
                    // thread): the clone applies the first while later ones are still being read.
                    Iterator<List<Change>> parts = ChangeStream.batches(
                            new Iterator<Change>() {
                                @Override
                                public boolean hasNext() {
                                    return stream.hasNext();
                                }

                                @Override
                                public Change next() {
                                    return ChangeCodec.encode(stream.next());
                                }
                            }, ChangeStream.BATCH_BYTES, ChangeStream.PART_BYTES);
                    Iterator<ChangeBatch> out = new Iterator<>() {
                        private boolean sentLast;

                        @Override
                        public boolean hasNext() {
                            return !sentLast;
                        }

                        @Override
                        public ChangeBatch next() {
                            if (sentLast) {
                                throw new NoSuchElementException();
                            }
                            List<Change> batch = parts.hasNext() ? parts.next() : List.of();
                            sentLast = !parts.hasNext();
                            return ChangeBatch.newBuilder().setSessionId(r.getSessionId()).addAllChanges(batch)
                                    .setPosition(position).setLast(sentLast).build();
                        }
                    };
                    return Multi.createFrom().<ChangeBatch>iterable(() -> out)
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                            .onFailure().transform(GrpcErrors::toStatus)
                            .onTermination().invoke((failure, cancelled) -> Infrastructure.getDefaultWorkerPool()
                                    .execute(() -> stream.end(failure, cancelled)));
                });
    }

    @Override
    @Blocking
    public Uni<AckResponse> acknowledge(AckRequest r) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        return call(() -> {
            String clone = access.authenticate(credential);
            return AckResponse.newBuilder()
                    .setHistoryId(sessions.acknowledge(clone, r.getSessionId(), r.getPosition(), r.getApplied())).build();
        });
    }

    @Override
    @Blocking
    public Uni<RegisterCloneResponse> registerClone(RegisterCloneRequest r) {
        return call(() -> {
            var tables = r.getTablesList().stream().map(t -> new TableRef(t.getSchemaName(), t.getTableName())).toList();
            var reg = access.register(r.getRegistrationTicket(), r.getCloneId(), r.getPackageId(), tables);
            return RegisterCloneResponse.newBuilder().setCloneId(reg.cloneId()).setCredential(reg.credential())
                    .setCentralId(reg.centralId()).setTickId(reg.tickId()).build();
        });
    }

    @Override
    @Blocking
    public Uni<io.lizsync.proto.sync.v1.ClaimedAssignment> claimAssignment(io.lizsync.proto.sync.v1.ClaimAssignmentRequest r) {
        return asClone(clone -> {
            var claimed = assignments.claim(clone, r.getJobId());
            return io.lizsync.proto.sync.v1.ClaimedAssignment.newBuilder()
                    .setJobId(io.lizsync.sync.central.assign.service.AssignmentService.Jobs.id(claimed.assignment().jobId()))
                    .setPackageId(claimed.assignment().packageId()).setForce(claimed.assignment().force())
                    .setRegistrationTicket(claimed.ticket()).build();
        });
    }

    @Override
    @Blocking
    public Uni<io.lizsync.proto.sync.v1.AssignmentReportAnswer> reportAssignment(io.lizsync.proto.sync.v1.AssignmentReport r) {
        return asClone(clone -> {
            var outcome = switch (r.getOutcome()) {
                case ASSIGNMENT_OUTCOME_SUCCEEDED -> io.lizsync.sync.central.assign.service.AssignmentRules.Outcome.SUCCEEDED;
                case ASSIGNMENT_OUTCOME_FAILED -> io.lizsync.sync.central.assign.service.AssignmentRules.Outcome.FAILED;
                case ASSIGNMENT_OUTCOME_CANCELLED -> io.lizsync.sync.central.assign.service.AssignmentRules.Outcome.CANCELLED;
                default -> io.lizsync.sync.central.assign.service.AssignmentRules.Outcome.PROGRESS;
            };
            var reported = assignments.report(clone, r.getJobId(), r.getStep(), r.getDone(), r.getTotal(), r.getUnit(),
                    r.getPercent(), outcome, r.getErrorCode(), r.getMessage());
            return io.lizsync.proto.sync.v1.AssignmentReportAnswer.newBuilder()
                    .setCancelRequested(reported.cancelRequested())
                    .setState(io.lizsync.sync.central.assign.grpc.JobMapping.state(reported.state())).build();
        });
    }

    /** A unary call of the clone that the call's credential proves (checked on the worker thread). */
    private <T> Uni<T> asClone(CloneWork<T> work) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        return call(() -> work.run(access.authenticate(credential)));
    }

    @FunctionalInterface
    private interface CloneWork<T> {
        T run(String cloneId) throws Exception;
    }

    private <T> Uni<T> call(Callable<T> work) {
        return calls.run(work);
    }
}
