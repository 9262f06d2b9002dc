package io.lizsync.sync.central.registry;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.registry.v1.CloneCredentialVerification;
import io.lizsync.proto.registry.v1.RedeemRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Central's client of registry-service for the clones' identities (ADR 0013): redeeming a
 * registration ticket (and checking one without spending it), and checking a clone's credential
 * at hello. Calls carry this service's own access token ({@link RegistryLink}). Registry's refusals become the exchange's
 * ({@link ExchangeException}); registry out of reach is {@link Reason#UNAVAILABLE}: no clone is
 * let in that registry has not vouched for.
 */
@ApplicationScoped
public class CloneRegistry {

    /** What redeeming a ticket gives: the clone as registered, its credential's secret, its package's history item. */
    public record Redeemed(CloneIdentity identity, String secret, String historySyncId) {
    }

    private final RegistryLink link;
    private final Vouches vouches;

    CloneRegistry(RegistryLink link, io.lizsync.sync.config.SyncConfig config) {
        this.link = link;
        this.vouches = new Vouches(config.registry().vouchTtl(), java.time.Clock.systemUTC());
    }

    /**
     * The package a still valid registration ticket was issued for (empty for an attach's ticket);
     * refused when the ticket is unknown, used or expired. Nothing is spent.
     */
    public String ticketPackage(String ticket) {
        var t = call("checking a registration ticket", () -> stub().checkRegistrationTicket(
                io.lizsync.proto.registry.v1.CheckRegistrationTicketRequest.newBuilder().setTicket(ticket).build()));
        return t.getPackageId();
    }

    /** Redeems {@code ticket} for the clone {@code cloneId} (one transaction at registry). */
    public Redeemed redeem(String ticket, String cloneId, String packageId, List<io.lizsync.sync.engine.TableRef> tables,
            String parentId, String parentName) {
        var request = RedeemRegistrationTicketRequest.newBuilder().setTicket(ticket).setCloneId(cloneId)
                .setPackageId(packageId == null ? "" : packageId).setParentId(parentId)
                .setParentName(parentName == null ? "" : parentName);
        tables.forEach(t -> request.addTables(TableRef.newBuilder().setSchemaName(t.schema()).setTableName(t.table())));
        var r = call("redeeming a registration ticket", () -> stub().redeemRegistrationTicket(request.build()));
        return new Redeemed(new CloneIdentity(r.getServer().getId(), r.getServer().getName(), tables(r.getTablesList())),
                r.getSecret(), r.getPackageHistorySyncId());
    }

    /**
     * Starts checking a clone's secret at registry; {@link Pending#await()} gives its identity or
     * the refusal. registry's answer of the last few seconds ({@code lizsync.sync.registry.vouch-ttl})
     * is used without asking again.
     */
    public Pending verify(String cloneId, String secret) {
        String hash = io.lizsync.sync.central.exchange.service.Credentials.hash(secret);
        CloneIdentity known = vouches.fresh(cloneId, hash);
        if (known != null) {
            return new Pending(known, null, null, cloneId, hash);
        }
        var request = io.lizsync.proto.registry.v1.VerifyCloneCredentialRequest.newBuilder().setServerId(cloneId)
                .setSecret(secret).build();
        ListenableFuture<CloneCredentialVerification> first;
        try {
            first = RegistryServiceGrpc.newFutureStub(link.channel()).withCallCredentials(link.credentials())
                    .withDeadlineAfter(link.deadlineSeconds(), TimeUnit.SECONDS).verifyCloneCredential(request);
        } catch (RuntimeException e) {
            throw refusal("checking the clone's credential", e);
        }
        return new Pending(null, first, request, cloneId, hash);
    }

    /** A credential check under way (started before hello's transaction, awaited inside it). */
    public final class Pending {
        private final CloneIdentity known;
        private final ListenableFuture<CloneCredentialVerification> future;
        private final io.lizsync.proto.registry.v1.VerifyCloneCredentialRequest request;
        private final String cloneId;
        private final String hash;

        private Pending(CloneIdentity known, ListenableFuture<CloneCredentialVerification> future,
                io.lizsync.proto.registry.v1.VerifyCloneCredentialRequest request, String cloneId, String hash) {
            this.known = known;
            this.future = future;
            this.request = request;
            this.cloneId = cloneId;
            this.hash = hash;
        }

        /** The clone's identity when registry vouches for the secret; else the refusal. */
        public CloneIdentity await() {
            if (known != null) {
                return known;
            }
            try {
                CloneIdentity vouched = ask();
                vouches.remember(cloneId, hash, vouched);
                return vouched;
            } catch (ExchangeException e) {
                if (e.reason() == Reason.UNAUTHENTICATED) {
                    vouches.forget(cloneId);
                }
                throw e;
            }
        }

        private CloneIdentity ask() {
            CloneCredentialVerification v;
            try {
                v = future.get(link.deadlineSeconds() + 1L, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                StatusRuntimeException failure = e.getCause() instanceof StatusRuntimeException s ? s
                        : Status.fromThrowable(e.getCause()).asRuntimeException();
                if (failure.getStatus().getCode() != Status.Code.UNAUTHENTICATED) {
                    throw refusal("checking the clone's credential", failure);
                }
                // Refused: the clone's secret, or (rarely) this service's own token, say after
                // registry's keys changed. A fresh token tells which.
                link.invalidate();
                v = call("checking the clone's credential", () -> stub().verifyCloneCredential(request));
            } catch (TimeoutException e) {
                future.cancel(true);
                throw new ExchangeException(Reason.UNAVAILABLE, "registry-service did not answer in time"
                        + " (checking the clone's credential); try again later");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExchangeException(Reason.UNAVAILABLE, "interrupted while checking the clone's credential");
            }
            return new CloneIdentity(v.getServer().getId(), v.getServer().getName(), tables(v.getTablesList()));
        }
    }

    private <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw refusal(what, e);
        }
    }

    /** Registry's answer as the exchange's refusal. */
    private static RuntimeException refusal(String what, RuntimeException e) {
        if (e instanceof ExchangeException) {
            return e;
        }
        if (!(e instanceof StatusRuntimeException s)) {
            return e;
        }
        String message = s.getStatus().getDescription() == null ? s.getStatus().getCode().toString()
                : s.getStatus().getDescription();
        return switch (s.getStatus().getCode()) {
            case UNAUTHENTICATED -> new ExchangeException(Reason.UNAUTHENTICATED, message);
            case PERMISSION_DENIED -> new ExchangeException(Reason.PERMISSION_DENIED, message);
            case NOT_FOUND -> new ExchangeException(Reason.NOT_FOUND, message);
            case FAILED_PRECONDITION, ALREADY_EXISTS -> new ExchangeException(Reason.PRECONDITION, message);
            case INVALID_ARGUMENT -> new IllegalArgumentException(message);
            default -> new ExchangeException(Reason.UNAVAILABLE, "registry-service could not answer (" + what + "): "
                    + s.getStatus().getCode() + "; try again later");
        };
    }

    private RegistryServiceGrpc.RegistryServiceBlockingStub stub() {
        return RegistryServiceGrpc.newBlockingStub(link.channel()).withCallCredentials(link.credentials())
                .withDeadlineAfter(link.deadlineSeconds(), TimeUnit.SECONDS);
    }

    private static List<io.lizsync.sync.engine.TableRef> tables(List<TableRef> tables) {
        return tables.stream().map(t -> new io.lizsync.sync.engine.TableRef(t.getSchemaName(), t.getTableName()))
                .toList();
    }
}
