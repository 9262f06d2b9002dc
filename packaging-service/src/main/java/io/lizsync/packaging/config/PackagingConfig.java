package io.lizsync.packaging.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Configuration of packaging-service ({@code lizsync.packaging.*}). */
@ConfigMapping(prefix = "lizsync.packaging")
public interface PackagingConfig {

    /**
     * Directory holding the packages: one archive {@code <uuid>.zip} and its metadata sidecar
     * {@code <uuid>.json} (the proto3 JSON form of {@code lizsync.packaging.v1.PackageInfo}) per
     * package. Created when missing. Environment: {@code LIZSYNC_PACKAGING_STORAGE_DIR}.
     */
    @WithDefault("${user.home}/.local/share/lizsync/packages")
    Path storageDir();

    /**
     * PEM file of the registry's access token public key, checked on every call
     * ({@code LIZSYNC_AUTH_PUBLIC_KEY_FILE}, the same file for every service).
     */
    Path authPublicKeyFile();

    /**
     * PEM file (PKCS#8, {@code openssl genpkey -algorithm ed25519}) of central's package-signing
     * private key: every package's manifest is signed with it, and clones deploy only packages
     * signed by the key whose public half they hold (ADR 0011). Required: the service does not
     * start without it. Read by this service only. Environment:
     * {@code LIZSYNC_PACKAGING_SIGNING_PRIVATE_KEY_FILE}.
     */
    java.util.Optional<Path> signingPrivateKeyFile();

    /**
     * pg_dump used for the structure of packages (same major version as the central server, or
     * newer). Absent: the newest {@code /usr/lib/postgresql/<n>/bin/pg_dump}, else {@code pg_dump}
     * on the PATH. Environment: {@code LIZSYNC_PACKAGING_PG_DUMP_PATH}.
     */
    java.util.Optional<String> pgDumpPath();

    /** Deflate level of package entries, 0 (none, fastest) to 9 (smallest). */
    @WithDefault("1")
    int compressionLevel();

    /**
     * Largest data bytes of one DownloadPackage chunk, whatever the client asks for (default 1 MiB;
     * values above 4 MiB - 64 KiB are capped there, so that every chunk fits the 4 MiB limit of a
     * gRPC client that sets none). Environment: {@code LIZSYNC_PACKAGING_MAX_CHUNK_BYTES}.
     */
    @WithDefault("1048576")
    int maxChunkBytes();

    /**
     * Largest gRPC message this service accepts (default 8 MiB; the largest request is a build with
     * 1 MiB of additional SQL). It is the server's {@code quarkus.grpc.server.max-inbound-message-size}
     * (application.properties refers to this key). Environment: {@code LIZSYNC_PACKAGING_MAX_MESSAGE_BYTES}.
     */
    @WithDefault("8388608")
    int maxMessageBytes();

    /**
     * Builds that may wait while one runs (each holds a worker thread); a build beyond them is
     * refused with RESOURCE_EXHAUSTED at once. Environment: {@code LIZSYNC_PACKAGING_MAX_WAITING_BUILDS}.
     */
    @io.smallrye.config.WithDefault("4")
    int maxWaitingBuilds();

    /**
     * How long finished build jobs stay readable (GetJob, ListJobs) after they ended (default 30
     * days). Environment: {@code LIZSYNC_PACKAGING_JOB_RETENTION}.
     */
    @WithDefault("P30D")
    java.time.Duration jobRetention();

    /**
     * Most finished build jobs kept (the newest; default 1000), whatever their age. Environment:
     * {@code LIZSYNC_PACKAGING_MAX_FINISHED_JOBS}.
     */
    @WithDefault("1000")
    int maxFinishedJobs();
}
