package io.lizsync.files.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of file-service ({@code lizsync.files.*}). */
@ConfigMapping(prefix = "lizsync.files")
public interface FilesConfig {

    /**
     * Working directory: media for devices live in {@code <workDir>/media/<project key>/}, uploads
     * in progress in {@code <workDir>/tmp/}. Created when missing. Environment:
     * {@code LIZSYNC_FILES_WORK_DIR}.
     */
    @WithDefault("${user.home}/.local/share/lizsync/files")
    Path workDir();

    /**
     * PEM file of the registry's access token public key, checked on every call
     * ({@code LIZSYNC_AUTH_PUBLIC_KEY_FILE}, the same file for every service).
     */
    Path authPublicKeyFile();

    /**
     * Largest media file accepted by UploadMedia (in bytes); larger uploads end with
     * RESOURCE_EXHAUSTED. Default 200 MiB. Environment: {@code LIZSYNC_FILES_MAX_UPLOAD_BYTES}.
     */
    @WithDefault("209715200")
    long maxUploadBytes();

    /**
     * Largest data bytes of one DownloadMedia chunk, whatever the client asks for (default 1 MiB;
     * values above 4 MiB - 64 KiB are capped there, so that every chunk fits the 4 MiB limit of a
     * gRPC client that sets none). Environment: {@code LIZSYNC_FILES_MAX_CHUNK_BYTES}.
     */
    @WithDefault("1048576")
    int maxChunkBytes();

    /**
     * Largest gRPC message of this service's calls (default 8 MiB): the server's
     * {@code quarkus.grpc.server.max-inbound-message-size} (application.properties refers to this
     * key), so upload messages above it are refused; a ListMedia answer above it is refused
     * clearly rather than sent. Environment: {@code LIZSYNC_FILES_MAX_MESSAGE_BYTES}.
     */
    @WithDefault("8388608")
    int maxMessageBytes();

    /** FTP transfers (seed 002 operations, {@code lizsync.files.ftp.*}). */
    Ftp ftp();

    /** The FTP side of file-service. */
    interface Ftp {

        /**
         * Named FTP servers ({@code lizsync.files.ftp.endpoints.<name>.*}); requests name one
         * ("central" and "clone" by default) and never carry an address or a password.
         */
        Map<String, Endpoint> endpoints();

        /**
         * The clone's QGIS project folder on this host: GetProjectsFromCentralFtp writes into it,
         * SendProjectsToCloneFtp reads from it; a request may name a sub-folder only. Environment:
         * {@code LIZSYNC_FILES_FTP_PROJECT_FOLDER}.
         */
        Optional<Path> projectFolder();

        /**
         * The clone's media folder sent by SyncMediaToCentralFtp to the central's
         * {@code media/upload/}; default {@code <project-folder>/media/upload}.
         */
        Optional<Path> mediaFolder();

        /** Sub-folders left out when a request names none, as whole path segments (default {@code data}). */
        @WithDefault("data")
        List<String> exclusions();

        /** Two modification times closer than this are the same (default 2 s: FAT and some servers round). */
        @WithDefault("2s")
        Duration mtimeTolerance();

        /** Connections transferring files at the same time in one job (default 4). */
        @WithDefault("4")
        int parallelTransfers();

        /** File jobs running at the same time (default 2); more wait. */
        @WithDefault("2")
        int maxRunningJobs();

        /** File jobs waiting for their turn (default 16); more are refused with RESOURCE_EXHAUSTED. */
        @WithDefault("16")
        int maxWaitingJobs();

        /** Finished file jobs (and their reports) are kept this long (default 30 days). */
        @WithDefault("30d")
        Duration jobRetention();

        /** At most this many finished file jobs are kept (default 1000, the newest). */
        @WithDefault("1000")
        int maxFinishedJobs();
    }

    /** One FTP server. */
    interface Endpoint {

        String host();

        /** Default 21. */
        @WithDefault("21")
        int port();

        String user();

        /**
         * File holding the password (a Kubernetes Secret mount; a trailing line break is ignored).
         * Read at each login, never logged, never written by file-service. Absent: empty password.
         */
        Optional<Path> passwordFile();

        /** {@code explicit} (AUTH TLS, the default) or {@code none} (plain FTP: only on a trusted network). */
        @WithDefault("explicit")
        String tls();

        /**
         * PEM certificates to trust for this server (its CA, or its own certificate); absent: the
         * JVM's trust store. The host name is always checked; nothing is ever accepted unverified.
         */
        Optional<Path> trustFile();

        /** Passive mode (default true). */
        @WithDefault("true")
        boolean passive();

        /**
         * {@code auto} (default): an unroutable advertised passive address (private, loopback,
         * wildcard) is replaced by the control connection's; {@code control}: always the control
         * connection's address (servers behind NAT or in containers).
         */
        @WithDefault("auto")
        String passiveHost();

        /** Base directory on the server (absolute, or relative to the login directory; empty for it). */
        @WithDefault("/")
        String remoteDir();

        @WithDefault("10s")
        Duration connectTimeout();

        /** A transfer without progress for this long fails (default 60 s). */
        @WithDefault("60s")
        Duration dataTimeout();
    }
}
