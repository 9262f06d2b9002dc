package io.lizsync.sync.exchange;

import io.lizsync.proto.sync.v1.AckRequest;
import io.lizsync.proto.sync.v1.AckResponse;
import io.lizsync.proto.sync.v1.ChangeBatch;
import io.lizsync.proto.sync.v1.Exchange;
import io.lizsync.proto.sync.v1.HelloRequest;
import io.lizsync.proto.sync.v1.HelloResponse;
import io.lizsync.proto.sync.v1.PullRequest;
import io.lizsync.proto.sync.v1.PushResult;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.GrpcErrors;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.concurrent.Callable;

/** gRPC transport of the exchange (central role): authenticates the clone, then delegates. */
@GrpcService
@RegisterInterceptor(CredentialInterceptor.class)
public class ExchangeGrpcService implements Exchange {

    private final ExchangeService service;
    private final SyncConfig config;

    ExchangeGrpcService(ExchangeService service, SyncConfig config) {
        this.service = service;
        this.config = config;
    }

    @Override
    @Blocking
    public Uni<HelloResponse> hello(HelloRequest r) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        long t0 = System.nanoTime();
        return call(() -> {
            long t1 = System.nanoTime();
            // Authenticated inside hello's transaction (pipelined with its first statements).
            var h = service.hello(credential, r.getCloneId(), r.getToolsVersion(),
                    r.hasCloneTime() ? Wire.instant(r.getCloneTime()) : null, r.getTablesList(), r.getCursor(),
                    r.getNothingToPush());
            var answer = HelloResponse.newBuilder().setSessionId(h.sessionId()).setCentralId(h.centralId())
                    .setToolsVersion(h.toolsVersion()).setClockOffsetMs(h.clockOffsetMs()).addAllTables(h.tables())
                    .setRedeployRequired(h.redeployRequired()).setCentralTime(Wire.timestamp(h.centralTime()))
                    .setUpToDate(h.upToDate()).build();
            org.jboss.logging.Logger.getLogger(ExchangeGrpcService.class).debugf("hello: dispatch %d us, session %d us",
                    (t1 - t0) / 1000, (System.nanoTime() - t1) / 1000);
            return answer;
        });
    }

    @Override
    public Uni<PushResult> push(Multi<ChangeBatch> batches) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        // The clone is authenticated before its messages are read; each batch is then folded as
        // it arrives (no copy of the whole push is kept), and the push applied once complete.
        return call(() -> service.authenticate(credential))
                .onItem().transformToUni(clone -> batches.emitOn(Infrastructure.getDefaultWorkerPool())
                        .collect().in(() -> new ExchangeService.IncomingPush(clone), ExchangeService.IncomingPush::add))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(in -> {
                    try {
                        var o = service.push(in);
                        return PushResult.newBuilder().setApplied(o.applied()).setDuplicates(o.duplicates())
                                .setConflicts(o.conflicts()).setPendingConflicts(o.pendingConflicts())
                                .setPullNeeded(o.pullNeeded())
                                .setPosition(o.position() == null ? "" : o.position().toString()).build();
                    } catch (Exception e) {
                        throw GrpcErrors.toStatus(e);
                    }
                });
    }

    @Override
    @Blocking
    public Multi<ChangeBatch> pull(PullRequest r) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        int size = r.getBatchSize() <= 0 ? 1000 : Math.min(r.getBatchSize(), 10_000);
        return call(() -> {
            String clone = service.authenticate(credential);
            return service.pull(clone, r.getSessionId());
        }).onItem().transformToMulti(o -> {
            // Batches are encoded as the stream is consumed: the clone applies the first while
            // later ones are still being built.
            int total = o.changes().size();
            int count = Math.max(1, (total + size - 1) / size);
            return Multi.createFrom().range(0, count).map(k -> {
                int from = k * size;
                int end = Math.min(total, from + size);
                return ChangeBatch.newBuilder().setSessionId(r.getSessionId()).addAllChanges(o.wire(from, end))
                        .setPosition(Long.toString(o.tickId())).setLast(k == count - 1).build();
            });
        });
    }

    @Override
    @Blocking
    public Uni<AckResponse> acknowledge(AckRequest r) {
        String credential = CredentialInterceptor.CREDENTIAL.get();
        return call(() -> {
            String clone = service.authenticate(credential);
            return AckResponse.newBuilder()
                    .setHistoryId(service.acknowledge(clone, r.getSessionId(), r.getPosition(), r.getApplied())).build();
        });
    }

    private void checkRole() {
        if (config.role() != SyncConfig.Role.central) {
            throw new GrpcErrors.PreconditionException("the exchange is served by the central sync-service");
        }
    }

    private <T> Uni<T> call(Callable<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                checkRole();
                return work.call();
            } catch (Exception e) {
                throw GrpcErrors.toStatus(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
