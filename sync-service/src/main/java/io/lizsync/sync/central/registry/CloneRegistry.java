package io.lizsync.sync.central.registry;

import io.grpc.StatusRuntimeException;
import io.lizsync.proto.registry.v1.RedeemRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Central's client of registry-service for the clones' identities (ADR 0013): redeeming a
 * registration ticket (and checking one without spending it), and reading the feed of clone
 * changes ({@link CloneFeed}). Calls carry this service's own access token ({@link RegistryLink}).
 * Registry's refusals become the exchange's ({@link ExchangeException}); registry out of reach is
 * {@link Reason#UNAVAILABLE}.
 */
@ApplicationScoped
public class CloneRegistry {

    /** What redeeming a ticket gives: the clone as registered, its credential's secret, its package's history item. */
    public record Redeemed(RegisteredClone registered, String secret, String historySyncId) {
    }

    private final RegistryLink link;

    CloneRegistry(RegistryLink link) {
        this.link = link;
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
        return new Redeemed(RegisteredClone.registered(r.getServer().getId(), r.getServer().getName(),
                io.lizsync.sync.central.exchange.service.Credentials.hash(r.getSecret()), tables(r.getTablesList())),
                r.getSecret(), r.getPackageHistorySyncId());
    }

    /**
     * A single-use registration ticket re-registering the existing clone {@code cloneId} with
     * {@code packageId} (an assigned deploy, ADR 0015), asked with central's service token: registry
     * issues it to a service only for an existing clone. The clear ticket goes to the clone and is
     * never stored here.
     */
    public String issueTicket(String cloneId, String cloneName, List<io.lizsync.sync.engine.TableRef> tables,
            String packageId, String historySyncId) {
        var request = io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest.newBuilder().setCloneId(cloneId)
                .setCloneName(cloneName).setPackageId(packageId).setPackageHistorySyncId(historySyncId);
        tables.forEach(t -> request.addTables(TableRef.newBuilder().setSchemaName(t.schema()).setTableName(t.table())));
        return call("asking for a registration ticket", () -> stub().issueRegistrationTicket(request.build())).getTicket();
    }

    /** The clones changed at registry since {@code afterSnapshot} ("" for every clone), and the next snapshot. */
    public Changes changes(String afterSnapshot) {
        var answer = call("reading the clones' changes", () -> stub().listCloneChanges(
                io.lizsync.proto.registry.v1.ListCloneChangesRequest.newBuilder().setAfterSnapshot(afterSnapshot).build()));
        List<RegisteredClone> clones = answer.getClonesList().stream().map(c -> new RegisteredClone(c.getServerId(),
                c.getExists(), c.getName(), c.getDisabled(), c.getCredentialHash().isEmpty() ? null : c.getCredentialHash(),
                tables(c.getTablesList()))).toList();
        return new Changes(clones, answer.getSnapshot());
    }

    /** What {@link #changes} answers. */
    public record Changes(List<RegisteredClone> clones, String snapshot) {
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
