package io.lizsync.packaging.service;

import com.google.protobuf.Timestamp;
import io.lizsync.packaging.repository.PackageFileStore;
import io.lizsync.packaging.repository.PackageFileStore.StoredPackage;
import io.lizsync.proto.packaging.v1.PackageInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The rules of stored packages: id validation, listing order and pages, lookup, deletion and the
 * parameters of a download. Building packages (and deployment records) come with a later issue.
 */
@ApplicationScoped
public class PackageService {

    private static final Logger LOG = Logger.getLogger(PackageService.class);

    /** Default and maximum page sizes of ListPackages (proto contract). */
    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 500;

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Newest first; ties broken by id so that pages are stable. */
    private static final Comparator<PackageInfo> NEWEST_FIRST = Comparator
            .comparing((PackageInfo p) -> p.getCreatedAt().getSeconds()).reversed()
            .thenComparing(Comparator.comparing((PackageInfo p) -> p.getCreatedAt().getNanos()).reversed())
            .thenComparing(PackageInfo::getPackageId);

    /** One page of packages. */
    public record Page(List<PackageInfo> packages, String nextPageToken) {
    }

    /** What a download needs: the archive, where to start, how much per chunk, and what it is. */
    public record Download(UUID id, Path archive, long totalSize, String sha256, long offset, int chunkSize) {
    }

    private final PackageFileStore store;
    private final javax.sql.DataSource dataSource;
    private final io.lizsync.packaging.config.PackagingConfig config;

    private final io.lizsync.packaging.repository.DeploymentRepository deployments;
    private final PackageSigningKey signingKey;

    PackageService(PackageFileStore store, javax.sql.DataSource dataSource,
            io.lizsync.packaging.config.PackagingConfig config,
            io.lizsync.packaging.repository.DeploymentRepository deployments, PackageSigningKey signingKey) {
        this.deployments = deployments;
        this.signingKey = signingKey;
        this.store = store;
        this.dataSource = dataSource;
        this.config = config;
    }

    /** The builder over central's database, with this service's settings and signing key. */
    private io.lizsync.sql.pkg.PackageBuilder builder() {
        var cfg = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        var target = io.lizsync.sql.pkg.LibpqTarget.fromJdbcUrl(
                cfg.getValue("quarkus.datasource.jdbc.url", String.class),
                cfg.getOptionalValue("quarkus.datasource.username", String.class).orElse(null),
                cfg.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
        return new io.lizsync.sql.pkg.PackageBuilder(dataSource, target,
                io.lizsync.sql.pkg.PackageBuilder.findPgDump(config.pgDumpPath().orElse(null)), config.compressionLevel(),
                signingKey.signer());
    }

    /** Checks a build request before it is queued (the build's own refusals); returns what it will package. */
    public io.lizsync.sql.pkg.PackageBuilder.Plan check(io.lizsync.sql.pkg.PackageBuilder.Request request)
            throws java.sql.SQLException, io.lizsync.sql.pkg.PackageRefusedException {
        return builder().check(request);
    }

    /**
     * Builds a package from central and stores it; returns its metadata. One at a time is the
     * caller's rule ({@link BuildJobs}). Stops with {@link io.lizsync.sql.pkg.PackageBuildCancelledException},
     * keeping nothing, once {@code cancelRequested} says so before the archive is complete.
     */
    PackageInfo build(io.lizsync.sql.pkg.PackageBuilder.Request request, io.lizsync.sql.pkg.Progress progress,
            java.util.function.BooleanSupplier cancelRequested) throws Exception {
        UUID workId = UUID.randomUUID();
        Path work = store.newWorkFile(workId);
        var built = builder().build(request, work, progress, cancelRequested);
        var m = built.manifest();
        UUID id = UUID.fromString(m.packageId());
        Instant created = Instant.parse(m.createdAt());
        PackageInfo.Builder info = PackageInfo.newBuilder().setPackageId(m.packageId())
                .setFormatVersion(m.formatVersion()).setToolsVersion(m.toolsVersion())
                .setCentralServerId(m.centralServerId())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(created.getEpochSecond()).setNanos(created.getNano()))
                .setLogPosition(Long.toString(m.tickId())).setSizeBytes(built.sizeBytes()).setSha256(built.sha256())
                .setHistorySyncId(m.historySyncId()).setDescription(m.description())
                .setHasAdditionalSql(m.hasAdditionalSql()).setRequestedBy(m.requestedBy());
        for (var t : m.tables()) {
            info.addTables(io.lizsync.proto.packaging.v1.PackagedTable.newBuilder()
                    .setTable(io.lizsync.proto.packaging.v1.TableRef.newBuilder().setSchemaName(t.schema())
                            .setTableName(t.table()))
                    .setStructureFingerprint(t.fingerprint()).setRowCount(t.rowCount()));
        }
        store.save(id, built.archive(), info.build());
        LOG.infof("package %s built: %d table(s), %d bytes, central position %d, signed with key %s", id,
                m.tables().size(), built.sizeBytes(), m.tickId(), signingKey.signer().keyId());
        return info.build();
    }

    /**
     * A package id: exactly the 36-character textual form of a UUID (never used as a path until
     * parsed).
     */
    public static UUID parseId(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("package_id is required");
        }
        if (!UUID_TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("package_id must be a UUID");
        }
        return UUID.fromString(text.toLowerCase(Locale.ROOT));
    }

    public Page list(int pageSize, String pageToken) throws IOException {
        if (pageSize < 0) {
            throw new IllegalArgumentException("page_size must not be negative");
        }
        int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
        PackageInfo after = pageToken == null || pageToken.isEmpty() ? null : decodeToken(pageToken);
        List<PackageInfo> all = store.findAll().stream()
                .map(StoredPackage::info)
                .filter(p -> after == null || NEWEST_FIRST.compare(p, after) > 0)
                .sorted(NEWEST_FIRST)
                .toList();
        // At most `size` packages and MessageLimits.MAX_PAGE_BYTES of them (at least one): a page
        // of packages with many tables stays one modest message.
        int n = 0;
        long bytes = 0;
        while (n < all.size() && n < size) {
            long b = all.get(n).getSerializedSize() + 8L; // with its field tag and length
            if (n > 0 && bytes + b > io.lizsync.grpckit.MessageLimits.MAX_PAGE_BYTES) {
                break;
            }
            bytes += b;
            n++;
        }
        if (n == all.size()) {
            return new Page(all, "");
        }
        List<PackageInfo> page = all.subList(0, n);
        return new Page(List.copyOf(page), encodeToken(page.get(n - 1)));
    }

    public PackageInfo get(String packageId) throws IOException {
        return require(parseId(packageId)).info();
    }

    /** Deletes a package (archive and sidecar); returns the archive bytes freed. */
    public long delete(String packageId) throws IOException {
        UUID id = parseId(packageId);
        long freed = store.delete(id);
        if (freed < 0) {
            throw new PackageNotFoundException("package " + id + " not found");
        }
        LOG.infof("package %s deleted (%d bytes freed)", id, freed);
        return freed;
    }

    /**
     * Checks a download request. The first chunk carries the archive's size and SHA-256: the
     * sidecar's checksum when it describes an archive of the size found on disk, else one computed
     * from the archive.
     */
    public Download prepareDownload(String packageId, long offset, int chunkSize) throws IOException {
        UUID id = parseId(packageId);
        // Bytes per chunk: the client's wish, at most lizsync.packaging.max-chunk-bytes (MessageLimits).
        int chunk = io.lizsync.grpckit.MessageLimits.chunkBytes(chunkSize, config.maxChunkBytes());
        StoredPackage p = require(id);
        long size = Files.size(p.archive());
        if (offset < 0 || offset > size) {
            throw new OutOfRangeException("offset " + offset + " is outside the archive of package " + id + " ("
                    + size + " bytes)");
        }
        String sha256 = p.info().getSha256();
        if (sha256.isEmpty() || p.info().getSizeBytes() != size) {
            sha256 = PackageFileStore.sha256(p.archive());
        }
        return new Download(id, p.archive(), size, sha256.toLowerCase(Locale.ROOT), offset, chunk);
    }

    /** Records that a clone deployed a package (the package must be known here). */
    public io.lizsync.proto.packaging.v1.Deployment recordDeployment(String packageId, String cloneId, String cloneName,
            Instant deployedAt) throws IOException, java.sql.SQLException {
        UUID id = parseId(packageId);
        StoredPackage p = require(id);
        String clone = parseUuid(cloneId, "clone_server_id");
        return deployments.record(id.toString(), p.info().getHistorySyncId(), clone,
                cloneName == null || cloneName.isBlank() ? "clone-" + clone.substring(0, 8) : cloneName,
                deployedAt == null ? Instant.now() : deployedAt);
    }

    /** A page of deployment records, newest first. */
    public record DeploymentPage(List<io.lizsync.proto.packaging.v1.Deployment> deployments, String nextPageToken) {
    }

    public DeploymentPage listDeployments(String packageId, String cloneId, int pageSize, String pageToken)
            throws java.sql.SQLException {
        if (pageSize < 0) {
            throw new IllegalArgumentException("page_size must not be negative");
        }
        int size = pageSize == 0 ? 100 : Math.min(pageSize, 1000);
        String pkg = packageId == null || packageId.isEmpty() ? null : parseId(packageId).toString();
        String clone = cloneId == null || cloneId.isEmpty() ? null : parseUuid(cloneId, "clone_server_id");
        Instant afterTime = null;
        String afterId = null;
        if (pageToken != null && !pageToken.isEmpty()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8).split(":", -1);
                if (parts.length != 4 || !parts[0].equals("d1")) {
                    throw new IllegalArgumentException();
                }
                afterTime = Instant.ofEpochSecond(Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
                afterId = parseUuid(parts[3], "page_token");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("page_token is not a token returned by ListDeployments");
            }
        }
        var rows = deployments.list(pkg, clone, size + 1, afterTime, afterId);
        if (rows.size() <= size) {
            return new DeploymentPage(rows, "");
        }
        var page = rows.subList(0, size);
        var last = page.get(size - 1);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(("d1:" + last.getRecordedAt().getSeconds()
                + ":" + last.getRecordedAt().getNanos() + ":" + last.getId()).getBytes(StandardCharsets.UTF_8));
        return new DeploymentPage(List.copyOf(page), token);
    }

    private static String parseUuid(String text, String what) {
        if (text == null || !UUID_TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException(what + " must be a UUID");
        }
        return UUID.fromString(text.toLowerCase(Locale.ROOT)).toString();
    }

    private StoredPackage require(UUID id) throws IOException {
        return store.find(id).orElseThrow(() -> new PackageNotFoundException("package " + id + " not found"));
    }

    private static String encodeToken(PackageInfo last) {
        String key = "v1:" + last.getCreatedAt().getSeconds() + ":" + last.getCreatedAt().getNanos() + ":"
                + last.getPackageId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static PackageInfo decodeToken(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", -1);
            if (parts.length != 4 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException();
            }
            return PackageInfo.newBuilder()
                    .setCreatedAt(Timestamp.newBuilder().setSeconds(Long.parseLong(parts[1]))
                            .setNanos(Integer.parseInt(parts[2])))
                    .setPackageId(parseId(parts[3]).toString())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("page_token is not a token returned by ListPackages");
        }
    }
}
