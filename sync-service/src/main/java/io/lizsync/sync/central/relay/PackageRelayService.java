package io.lizsync.sync.central.relay;

import io.grpc.ManagedChannel;
import io.lizsync.grpckit.FlowControlledSender;
import io.lizsync.grpckit.MessageLimits;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.central.registry.CloneRegistry;
import io.lizsync.sync.central.registry.RegistryLink;
import io.lizsync.sync.config.SyncConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The package download of a deploy, on the exchange surface: the clone shows its registration
 * ticket (checked at registry-service, not spent), central downloads the ticket's package from
 * packaging-service with its own service token and hands the chunks on as the clone takes them
 * (at most {@link #CHUNKS_AHEAD} chunks held here: memory does not grow with the package).
 */
@ApplicationScoped
public class PackageRelayService {

    /** Chunks asked of packaging-service ahead of what the clone has taken. */
    static final int CHUNKS_AHEAD = 4;
    /** Longest wait for packaging-service's next chunk (seconds). */
    static final int CHUNK_WAIT_SECONDS = 120;
    /** Longest download (a package of a whole database over a slow link). */
    static final long DOWNLOAD_HOURS = 6;

    private final CloneRegistry registry;
    private final RegistryLink link;
    private final SyncConfig config;
    private volatile ManagedChannel packaging;

    PackageRelayService(CloneRegistry registry, RegistryLink link, SyncConfig config) {
        this.registry = registry;
        this.link = link;
        this.config = config;
    }

    /** The chunks of the ticket's package from {@code offset}; refused unless the ticket is valid and for that package. */
    public FlowControlledSender.Source<PackageChunk> open(String ticket, String packageId, long offset, int chunkSize) {
        if (ticket == null || ticket.isBlank()) {
            throw new ExchangeException(Reason.UNAUTHENTICATED, "a registration ticket for the package is required"
                    + " (registry-service IssueRegistrationTicket)");
        }
        String wanted = uuid(packageId);
        String ticketPackage = registry.ticketPackage(ticket.strip());
        if (!wanted.equals(ticketPackage)) {
            throw new ExchangeException(Reason.PERMISSION_DENIED, "this registration ticket is "
                    + (ticketPackage.isEmpty() ? "for an attach, not for a package" : "for another package")
                    + ": it cannot download package " + wanted);
        }
        StreamReader<DownloadPackageRequest, PackageChunk> chunks = new StreamReader<>(CHUNKS_AHEAD,
                CHUNK_WAIT_SECONDS, "packaging-service");
        PackagingServiceGrpc.newStub(packaging()).withCallCredentials(link.credentials())
                .withDeadlineAfter(DOWNLOAD_HOURS, TimeUnit.HOURS)
                .downloadPackage(DownloadPackageRequest.newBuilder().setPackageId(wanted).setOffset(offset)
                        .setChunkSize(Math.min(Math.max(chunkSize, 0), MessageLimits.CHUNK_CEILING)).build(), chunks);
        return new FlowControlledSender.Source<>() {
            @Override
            public PackageChunk next() throws IOException {
                try {
                    return chunks.next();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while relaying package " + wanted, e);
                }
            }

            @Override
            public void close() {
                chunks.close();
            }
        };
    }

    /** What central needs of a package to assign it: its tables, its history item, its central. */
    public record PackageFacts(String packageId, String historySyncId, String centralId,
            java.util.List<io.lizsync.sync.engine.TableRef> tables) {
    }

    /**
     * The package as packaging-service describes it, asked with central's service token; NOT_FOUND
     * when it does not know it, UNAVAILABLE when it does not answer.
     */
    public PackageFacts describe(String packageId) {
        String wanted = uuid(packageId);
        try {
            var p = PackagingServiceGrpc.newBlockingStub(packaging()).withCallCredentials(link.credentials())
                    .withDeadlineAfter(config.registry().deadlineSeconds(), TimeUnit.SECONDS)
                    .getPackage(io.lizsync.proto.packaging.v1.GetPackageRequest.newBuilder().setPackageId(wanted).build());
            return new PackageFacts(p.getPackageId(), p.getHistorySyncId(), p.getCentralServerId(), p.getTablesList()
                    .stream().map(t -> new io.lizsync.sync.engine.TableRef(t.getTable().getSchemaName(),
                            t.getTable().getTableName())).toList());
        } catch (io.grpc.StatusRuntimeException e) {
            String why = e.getStatus().getDescription() == null ? e.getStatus().getCode().toString()
                    : e.getStatus().getDescription();
            throw switch (e.getStatus().getCode()) {
                case NOT_FOUND -> new ExchangeException(Reason.NOT_FOUND, "unknown package " + wanted
                        + " (packaging-service: " + why + ")");
                case INVALID_ARGUMENT -> new IllegalArgumentException("package_id: " + why);
                default -> new ExchangeException(Reason.UNAVAILABLE, "packaging-service could not describe package "
                        + wanted + ": " + e.getStatus().getCode() + "; try again later");
            };
        }
    }

    /**
     * Tells packaging-service that a clone deployed a package (its deployment list), with central's
     * service token: an assigned deploy's sidecar has no operator's token to do it. Best effort.
     */
    public void recordDeployment(String packageId, String cloneId, String cloneName, java.time.Instant at) {
        PackagingServiceGrpc.newBlockingStub(packaging()).withCallCredentials(link.credentials())
                .withDeadlineAfter(config.registry().deadlineSeconds(), TimeUnit.SECONDS)
                .recordDeployment(io.lizsync.proto.packaging.v1.RecordDeploymentRequest.newBuilder()
                        .setPackageId(packageId).setCloneServerId(cloneId).setCloneName(cloneName)
                        .setDeployedAt(io.lizsync.sync.wire.Wire.timestamp(at)).build());
    }

    private static String uuid(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("package_id: not a uuid: '" + id + "'");
        }
    }

    private ManagedChannel packaging() {
        ManagedChannel c = packaging;
        if (c == null) {
            synchronized (this) {
                if (packaging == null) {
                    var p = config.packaging();
                    packaging = io.grpc.Grpc.newChannelBuilderForAddress(p.host(), p.port(), config.linkSecurity(p.caFile())
                            .credentials(p.host(), "packaging-service (LIZSYNC_SYNC_PACKAGING_CA_FILE)"))
                            .maxInboundMessageSize(config.maxMessageBytes()).build();
                }
                c = packaging;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (packaging != null) {
            packaging.shutdownNow();
        }
    }
}
