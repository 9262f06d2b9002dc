package io.lizsync.sync.clone.service;

import io.lizsync.grpckit.PrivateDirs;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.MessageLimits;
import io.lizsync.grpckit.MessageSizeErrors;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.sql.pkg.PackageArchive;
import io.lizsync.sql.pkg.PackageDeployer;
import io.lizsync.sql.pkg.PackageFormatException;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.sync.clone.central.CentralLink;
import io.lizsync.sync.clone.repository.CloneStore;
import io.lizsync.sync.config.SyncConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Deploys packages on this clone (seed 002, "Deploy a database package to the clone"): by package
 * id, downloaded from packaging-service into the state directory (resumable, checked against the
 * archive's SHA-256), or from a ZIP already on the clone's disk (a package brought by USB). Checks
 * (first of all central's signature, {@link PackageTrust}, whichever way the package came), the
 * one-transaction deploy itself ({@link PackageDeployer}), then the registration with central,
 * at once or at the first contact when central cannot be reached.
 */
@ApplicationScoped
public class DeployService {

    private static final Logger LOG = Logger.getLogger(DeployService.class);

    private final SyncConfig config;
    private final SyncRunner runner;
    private final CentralLink central;
    private final CloneStore store;
    private final PackageTrust trust;
    /** One for the process: its tools installer resolves the migrations once, not at each deploy. */
    private final PackageDeployer deployer;
    private volatile ManagedChannel packaging;
    private final StoredProjectsSync projects;

    DeployService(SyncConfig config, SyncRunner runner, CentralLink central, CloneStore store,
            AgroalDataSource dataSource, PackageTrust trust, StoredProjectsSync projects) {
        this.projects = projects;
        this.trust = trust;
        this.central = central;
        this.config = config;
        this.runner = runner;
        this.store = store;
        this.deployer = new PackageDeployer(dataSource);
    }

    /**
     * Runs a deploy, reporting progress; returns the final message (done = true). A deploy by id
     * downloads with {@code accessToken}, the deploying operator's; the clone registers with
     * central with the request's ticket.
     */
    public DeployProgress deploy(DeployRequest request, Consumer<DeployProgress> progress, String accessToken)
            throws Exception {
        boolean byId = !request.getPackageId().isBlank();
        boolean byFile = !request.getZipPath().isBlank();
        if (byId == byFile) {
            throw new IllegalArgumentException("give either package_id or zip_path (exactly one)");
        }
        String packageId = byId ? parseUuid(request.getPackageId()) : null;
        String ticket = request.getRegistrationTicket().strip();
        if (byId && accessToken == null && ticket.isEmpty()) {
            throw new IllegalArgumentException("a deploy by package_id downloads the package with its registration"
                    + " ticket (through central's exchange) or with the caller's access token (from packaging-service):"
                    + " give one, or copy the package into the import folder and deploy it by zip_path");
        }
        return runner.exclusive(() -> {
            // Central is asked while the package downloads (one round trip less on the deploy's path).
            var asked = java.util.concurrent.CompletableFuture.supplyAsync(() -> askCentral(accessToken),
                    DeployService::startDaemon);
            Path zip;
            try {
                zip = byId ? download(packageId, progress, accessToken, ticket) : localZip(request.getZipPath());
            } catch (Exception e) {
                asked.cancel(true);
                throw e;
            }
            try (PackageArchive archive = PackageArchive.open(zip, new PackageArchive.Limits(
                    config.deploy().maxTotalBytes(), config.deploy().maxTotalBytes(),
                    PackageArchive.Limits.defaults().maxEntries(), config.deploy().maxRatio()), trust.verifier())) {
                var m = archive.manifest();
                if (byId && !m.packageId().equals(packageId)) {
                    throw new PackageFormatException("the archive downloaded for package " + packageId
                            + " holds package " + m.packageId());
                }
                PackageDeployer.Central central = central(progress, accessToken, asked.join());
                var result = deployer.deploy(archive,
                        new PackageDeployer.Options(request.getForce(), request.getNewServerId(), request.getCloneName(),
                                config.deploy().maintenanceWorkMem().equals("server") ? null
                                        : config.deploy().maintenanceWorkMem(),
                                config.deploy().additionalSqlRole().orElse(null)),
                        central, (step, percent, message, table, rows) -> progress.accept(DeployProgress.newBuilder()
                                .setStep(step + ": " + message).setPercent(percent).build()));
                projects.afterDeploy();
                String registration = register(request.getRegistrationTicket(), m.packageId());
                if (registration.startsWith("registered") && accessToken != null) {
                    registration += recordDeployment(m.packageId(), result.cloneId(), result.cloneName(), accessToken);
                }
                LOG.infof("%s; %s", result.message(), registration);
                return DeployProgress.newBuilder().setDone(true).setStatus(1).setPercent(100).setStep("done")
                        .setMessage(result.message() + "; " + registration).setDiscardedEdits(result.discardedEdits())
                        .setCloneId(result.cloneId()).build();
            } finally {
                if (byId) {
                    Files.deleteIfExists(zip);
                }
            }
        });
    }

    /**
     * Registers the deployed clone with central with the deploy's single-use ticket (ADR 0013);
     * when central cannot be reached (or no ticket came with the deploy), the ticket is kept for
     * the first sync, which registers the clone before anything else.
     */
    private String register(String ticket, String packageId) throws Exception {
        if (ticket == null || ticket.isBlank()) {
            runner.registrationPending("", packageId);
            return "not registered with central: the deploy came without a registration ticket (lizsync deploy"
                    + " asks registry-service for one); deploy again with one before the clone can sync";
        }
        try {
            runner.register(store.identity(), ticket, packageId);
            return "registered with central";
        } catch (StatusRuntimeException e) {
            var code = e.getStatus().getCode();
            if (code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
                runner.registrationPending(ticket, packageId);
                return "not registered with central (" + code + "): the clone registers at its first sync";
            }
            // refused (a used or expired ticket, another package's): keeping it would only fail again
            runner.registrationPending("", packageId);
            return "not registered with central: " + code + ": " + e.getStatus().getDescription()
                    + "; deploy again with a new ticket";
        }
    }

    /** Tells packaging-service which clone deployed the package (its deployment list); best effort. */
    private String recordDeployment(String packageId, String cloneId, String cloneName, String accessToken) {
        try {
            PackagingServiceGrpc.newBlockingStub(packaging()).withCallCredentials(BearerCredentials.of(accessToken))
                    .withDeadlineAfter(config.deploy().centralTimeoutSeconds(),
                    TimeUnit.SECONDS).recordDeployment(io.lizsync.proto.packaging.v1.RecordDeploymentRequest.newBuilder()
                            .setPackageId(packageId).setCloneServerId(cloneId).setCloneName(cloneName)
                            .setDeployedAt(io.lizsync.sync.wire.Wire.timestamp(java.time.Instant.now())).build());
            return "";
        } catch (StatusRuntimeException failure) {
            var e = packagingCall("RecordDeployment").explain(failure);
            LOG.warnf("packaging-service did not record the deployment of package %s: %s", packageId, e.getStatus());
            return " (packaging-service did not record the deployment: " + e.getStatus().getCode() + ")";
        }
    }

    /** What central answered (its id and tools version), or why it did not; nothing asked without a token. */
    private record CentralAnswer(PackageDeployer.Central central, io.grpc.Status.Code failure) {
    }

    /** Asks central for its id and tools version with the deploying operator's token (any thread). */
    private CentralAnswer askCentral(String accessToken) {
        if (accessToken == null) {
            return new CentralAnswer(null, null);
        }
        try {
            central.adminChannel().resetConnectBackoff();
            var s = CentralAdminGrpc.newBlockingStub(central.adminChannel()).withCallCredentials(BearerCredentials.of(accessToken))
                    .withDeadlineAfter(config.deploy().centralTimeoutSeconds(), TimeUnit.SECONDS)
                    .getToolsStatus(GetToolsStatusRequest.getDefaultInstance());
            return new CentralAnswer(new PackageDeployer.Central(s.getServerId(), s.getInstalledVersion()), null);
        } catch (StatusRuntimeException e) {
            return new CentralAnswer(null, e.getStatus().getCode());
        }
    }

    /**
     * Central's id and tools version from {@code answer}, or null (offline deploy) when it did not
     * answer or there was no token to ask with (a deploy by the local token); says which.
     */
    private static PackageDeployer.Central central(Consumer<DeployProgress> progress, String accessToken,
            CentralAnswer answer) {
        if (accessToken == null) {
            progress.accept(DeployProgress.newBuilder().setStep("check: no operator's access token to ask central with"
                    + " (local token), deploying offline; central checks happen at the first sync")
                    .setPercent(1).build());
            return null;
        }
        if (answer.central() == null) {
            progress.accept(DeployProgress.newBuilder().setStep("check: central not reached (" + answer.failure()
                    + "), deploying offline; central checks happen at the first sync").setPercent(1).build());
        }
        return answer.central();
    }

    /** A package on the clone's disk: a file in the import folder, nowhere else. */
    private Path localZip(String text) throws IOException {
        return new ImportFolder(config.deploy().importDir().orElse(Path.of(config.stateDir(), "import"))).resolve(text);
    }

    /**
     * Downloads a package into the state directory, resuming a partial download, checking its
     * SHA-256: with the deploy's registration ticket through central's exchange (the one address a
     * field device reaches; ADR 0013), else with the caller's access token from packaging-service.
     */
    private Path download(String packageId, Consumer<DeployProgress> progress, String accessToken, String ticket)
            throws Exception {
        Path dir = Path.of(config.stateDir(), "downloads");
        PrivateDirs.create(dir);
        Path part = dir.resolve(packageId + ".zip.part");
        Path done = dir.resolve(packageId + ".zip");
        long offset = Files.isRegularFile(part) ? Files.size(part) : 0;
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        if (offset > 0) {
            update(md, part);
        }
        progress.accept(DeployProgress.newBuilder().setStep(offset > 0 ? "download: resuming at byte " + offset
                : "download: starting").build());
        StreamReader<Object, PackageChunk> chunks = new StreamReader<>(CHUNKS_AHEAD,
                config.central().deadlineSeconds(), "packaging-service");
        int chunkSize = Math.min(config.deploy().downloadChunkBytes(), MessageLimits.CHUNK_CEILING);
        if (!ticket.isEmpty()) {
            central.channel().resetConnectBackoff();
            io.lizsync.proto.sync.v1.PackageRelayGrpc.newStub(central.channel())
                    .withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS)
                    .downloadPackage(io.lizsync.proto.sync.v1.RelayDownloadRequest.newBuilder().setRegistrationTicket(ticket)
                            .setPackageId(packageId).setOffset(offset).setChunkSize(chunkSize).build(), chunks);
        } else {
            PackagingServiceGrpc.newStub(packaging()).withCallCredentials(BearerCredentials.of(accessToken))
                    .withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS)
                    .downloadPackage(DownloadPackageRequest.newBuilder().setPackageId(packageId).setOffset(offset)
                            .setChunkSize(chunkSize).build(), chunks);
        }
        long total = -1;
        String sha = null;
        long got = offset;
        int lastPercent = -1;
        try (OutputStream out = new java.security.DigestOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND), 1024 * 1024), md)) {
            for (PackageChunk c = chunks.next(); c != null; c = chunks.next()) {
                if (total < 0) {
                    total = c.getTotalSize();
                    sha = c.getSha256();
                }
                if (c.getOffset() != got) {
                    throw new IOException("package " + packageId + ": chunk at offset " + c.getOffset() + ", expected " + got);
                }
                c.getData().writeTo(out);
                got += c.getData().size();
                int percent = total > 0 ? (int) (100 * got / total) : 0;
                if (percent / 10 != lastPercent / 10) {
                    lastPercent = percent;
                    progress.accept(DeployProgress.newBuilder().setStep("download: " + got + " of " + total + " bytes")
                            .setPercent(Math.min(percent, 99) / 10).build());
                }
            }
        } catch (StatusRuntimeException e) {
            if (got == 0) {
                Files.deleteIfExists(part);
            }
            throw packagingCall("DownloadPackage").explain(e);
        } finally {
            chunks.close();
        }
        if (total < 0 || got != total) {
            throw new IOException("package " + packageId + ": download ended at " + got + " of " + total
                    + " bytes; deploy again to resume");
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equalsIgnoreCase(sha)) {
            Files.deleteIfExists(part);
            throw new PackageFormatException("package " + packageId + ": downloaded archive has SHA-256 " + actual
                    + ", packaging-service announced " + sha + " (download discarded)");
        }
        Files.move(part, done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return done;
    }

    private static void startDaemon(Runnable work) {
        Thread t = new Thread(work, "deploy-central-check");
        t.setDaemon(true);
        t.start();
    }

    /** Chunks requested ahead during a download (a few in flight, whatever the package size). */
    private static final int CHUNKS_AHEAD = 3;

    /** What a too-large message on a call to packaging-service means, and what to do (grpc-kit). */
    private MessageSizeErrors.Call packagingCall(String call) {
        return MessageSizeErrors.Call.to("packaging-service at " + config.packaging().host() + ":"
                + config.packaging().port(), call)
                .accepting(config.maxMessageBytes(), "lizsync.sync.max-message-bytes (LIZSYNC_SYNC_MAX_MESSAGE_BYTES)")
                .peerLimit("lizsync.packaging.max-message-bytes (LIZSYNC_PACKAGING_MAX_MESSAGE_BYTES)")
                .peerSends("chunks of at most its lizsync.packaging.max-chunk-bytes (1 MiB by default)");
    }

    private static void update(MessageDigest md, Path file) throws IOException {
        byte[] buf = new byte[256 * 1024];
        try (var in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
    }

    private ManagedChannel packaging() {
        ManagedChannel c = packaging;
        if (c == null) {
            synchronized (this) {
                if (packaging == null) {
                    // A 16 MiB HTTP/2 window keeps many 1 MiB chunks in flight (the default 1 MiB
                    // window makes every chunk wait for window updates); memory stays the window
                    // plus CHUNKS_AHEAD chunks, whatever the package size.
                    String host = config.packaging().host();
                    packaging = io.grpc.netty.NettyChannelBuilder.forAddress(host, config.packaging().port(),
                            config.linkSecurity(config.packaging().caFile()).credentials(host,
                                    "packaging-service (LIZSYNC_SYNC_PACKAGING_CA_FILE)"))
                            .flowControlWindow(16 * 1024 * 1024).maxInboundMessageSize(config.maxMessageBytes()).build();
                }
                c = packaging;
            }
        }
        return c;
    }

    private static String parseUuid(String s) {
        try {
            return UUID.fromString(s).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("package_id: not a uuid");
        }
    }

    @PreDestroy
    void close() {
        if (packaging != null) {
            packaging.shutdownNow();
        }
    }
}
