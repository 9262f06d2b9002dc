package io.lizsync.sync.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Configuration of sync-service ({@code lizsync.sync.*}, or LIZSYNC_SYNC_* in the environment). */
@ConfigMapping(prefix = "lizsync.sync")
public interface SyncConfig {

    /**
     * Roles of this process (a comma-separated list): central (next to the central database),
     * clone (the sidecar of a clone database), or both (a tier: clone of its parent, central of
     * its children). Checked through {@link NodeRoles}.
     */
    @WithDefault("central")
    java.util.Set<Role> roles();

    /** The two roles of sync-service. */
    enum Role {
        central, clone
    }

    /**
     * What this process serves on its port: {@code exchange} (the clones' Exchange: the one
     * surface to expose to the internet), {@code admin} (tools administration, review of
     * conflicts and history, the clone agent), or both (the default). Central can run as two
     * processes on one database: one serving the exchange on a public address, one serving
     * admin inside. Environment: {@code LIZSYNC_SYNC_SERVE}.
     */
    @WithDefault("admin,exchange")
    java.util.Set<Surface> serve();

    /** The surfaces of sync-service. */
    enum Surface {
        admin, exchange
    }

    /** Clone role: where the central sync-service is. */
    Central central();

    /** Address of the central sync-service. */
    interface Central {
        /** Host name of the central sync-service. */
        @WithDefault("127.0.0.1")
        String host();

        /** Port (gRPC on its HTTP port). */
        @WithDefault("8083")
        int port();

        /**
         * PEM file of the certificate authority that signed central's certificate (or central's
         * self-signed certificate): the link is TLS, verified against it, even on loopback. Absent:
         * TLS verified against the JVM's trust store when central is on another machine, plain
         * text only when it is on a loopback address (grpc-kit LinkSecurity). Environment:
         * {@code LIZSYNC_SYNC_CENTRAL_CA_FILE}.
         */
        Optional<java.nio.file.Path> caFile();

        /**
         * Host of central's administration (the deploy's tools check and the clone's registration,
         * made with an operator's token) when it is not at {@link #host()}: central serving the
         * exchange alone on its public address (LIZSYNC_SYNC_SERVE=exchange). Environment:
         * {@code LIZSYNC_SYNC_CENTRAL_ADMIN_HOST}.
         */
        Optional<String> adminHost();

        /** Port of central's administration, when not {@link #port()} ({@code LIZSYNC_SYNC_CENTRAL_ADMIN_PORT}). */
        java.util.OptionalInt adminPort();

        /** Deadline of each exchange call (in seconds). */
        @WithDefault("600")
        int deadlineSeconds();
    }

    /**
     * Plain text even to central or packaging-service on another machine, and a listener beyond
     * loopback without a certificate: for test benches only, logged as a warning at every use
     * ({@code LIZSYNC_INSECURE_PLAINTEXT=true}, the switch every service reads).
     */
    @WithDefault("false")
    boolean insecurePlaintext();

    /** How this process's links to {@code caFile}'s server are secured (grpc-kit LinkSecurity). */
    default io.lizsync.grpckit.tls.LinkSecurity linkSecurity(Optional<java.nio.file.Path> caFile) {
        return new io.lizsync.grpckit.tls.LinkSecurity(caFile, insecurePlaintext());
    }

    /** Clone role: directory of the sidecar's own state (the exchange credential). */
    @WithDefault("${user.home}/.local/share/lizsync/sidecar")
    String stateDir();

    /**
     * PEM file of the registry's access token public key, checked on every admin and clone-agent
     * call ({@code LIZSYNC_AUTH_PUBLIC_KEY_FILE}, the same file for every service).
     */
    java.nio.file.Path authPublicKeyFile();

    /**
     * How far this process's clock may be from the registry's when it checks an access token's
     * validity (default 30 s). A sidecar on a field device whose clock drifts may need minutes
     * ({@code LIZSYNC_SYNC_AUTH_CLOCK_LEEWAY=PT15M}); the token's signature is checked all the same.
     */
    @io.smallrye.config.WithDefault("PT30S")
    java.time.Duration authClockLeeway();

    /**
     * Clone role: PEM file of central's package-signing public key ({@code openssl pkey -in
     * package-signing.key -pubout}). Every package is checked against it before anything is
     * deployed, whether downloaded or given as a ZIP on the clone's disk; packages signed by any
     * other key, or by none, are refused (ADR 0011). Required in the clone role: the sidecar does
     * not start without it. Environment: {@code LIZSYNC_SYNC_PACKAGE_SIGNING_PUBLIC_KEY_FILE}.
     */
    Optional<java.nio.file.Path> packageSigningPublicKeyFile();

    /**
     * Clone role: the central database as QGIS projects stored in a {@code qgis_projects} table name
     * it ({@code host=db.example port=5432 dbname=gis}, or {@code service=central}). With
     * {@link #qgisProjectsClone()}, the projects a pull or a deploy writes into such a table are
     * adapted to the clone (ADR 0023); absent, they are kept as central wrote them. Environment:
     * {@code LIZSYNC_SYNC_QGIS_PROJECTS_CENTRAL}.
     */
    Optional<String> qgisProjectsCentral();

    /**
     * Clone role: the clone's database as its QGIS should name it ({@code service=geopoppy}, or
     * {@code host=localhost port=5432 dbname=geopoppy user=field}, optionally {@code authcfg=ID};
     * never a password). Environment: {@code LIZSYNC_SYNC_QGIS_PROJECTS_CLONE}.
     */
    Optional<String> qgisProjectsClone();

    /** Clone role: the exchange credential; when absent it is read from {@code <stateDir>/credential}. */
    Optional<String> credential();

    /**
     * Largest gRPC message of this service's calls, in bytes (default 16 MiB, deliberately above
     * the 8 MiB of the other services: exchange rows hold geometries as PostgreSQL text, and a
     * polygon of 200 000 vertices is some 6.4 MB of it). It is the server's
     * {@code quarkus.grpc.server.max-inbound-message-size} (application.properties refers to this
     * key) and the inbound limit of the sidecar's channels.
     */
    @WithDefault("16777216")
    int maxMessageBytes();

    /** Clone role: how often SQL calls of lizsync.synchronize() are looked for. */
    @WithDefault("0.2s")
    String sqlRequestPoll();

    /**
     * Fault injection, for the fault tests only: the sidecar halts (as if killed) at this point of
     * a session: {@code after-push} (central applied the push, the clone has not heard back) or
     * {@code after-apply} (the pull is committed locally, central has no acknowledgement).
     */
    Optional<String> testCrashPoint();

    /**
     * Fault injection, for the fault tests only (central role): after applying the first batch of
     * a push, central logs "fault injection: pausing in push" and waits this long, so that a test
     * can prove its fault (a database restart, a cut link) hit the push while it was applied.
     */
    Optional<java.time.Duration> testPushPause();

    /**
     * Fault injection, for the assignment tests only (clone role): the sidecar waits this long after
     * each progress report of an assigned deploy, so that a test can cancel it while it runs.
     */
    Optional<java.time.Duration> testAssignmentPause();

    /** Clone role: run a sync session on this schedule (a Quarkus 'every' value such as 15m), or off. */
    @WithDefault("off")
    String schedule();

    /**
     * Where packaging-service is: a clone downloads a deploy by package id from it with the caller's
     * access token; central relays a package from it to a clone deploying with a ticket (ADR 0013).
     */
    Packaging packaging();

    /** Address of packaging-service. */
    interface Packaging {
        /** Host name of packaging-service. */
        @WithDefault("127.0.0.1")
        String host();

        /** Port (gRPC on its HTTP port). */
        @WithDefault("8082")
        int port();

        /**
         * PEM file of the certificate authority of packaging-service's certificate, as for central
         * ({@code LIZSYNC_SYNC_PACKAGING_CA_FILE}).
         */
        Optional<java.nio.file.Path> caFile();
    }

    /**
     * Central role: where registry-service is, the owner of the clones' identities (ADR 0013):
     * central redeems registration tickets there and checks each clone's credential there at hello.
     */
    Registry registry();

    /** Address of registry-service and this service's own credential for it. */
    interface Registry {
        /** Host name of registry-service. */
        @WithDefault("127.0.0.1")
        String host();

        /** Port (gRPC on its HTTP port). */
        @WithDefault("8081")
        int port();

        /** PEM file of the certificate authority of registry-service's certificate ({@code LIZSYNC_SYNC_REGISTRY_CA_FILE}). */
        Optional<java.nio.file.Path> caFile();

        /**
         * File holding this service's API token (a Secret; the one registry-service's
         * {@code LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_TOKEN_FILE} names), exchanged at registry for a
         * short-lived access token with role service ({@code LIZSYNC_SYNC_REGISTRY_TOKEN_FILE}).
         */
        Optional<java.nio.file.Path> tokenFile();

        /** Deadline of each call to registry-service (in seconds). */
        @WithDefault("10")
        int deadlineSeconds();

        /**
         * How often central reads the clones changed at registry (a revocation there stops new
         * sessions this much later at most) ({@code LIZSYNC_SYNC_REGISTRY_FEED_INTERVAL}).
         */
        @WithDefault("2s")
        java.time.Duration feedInterval();

        /** How often central reads every clone again from registry (and at start). */
        @WithDefault("5m")
        java.time.Duration fullReadInterval();
    }

    /** Clone role: limits applied to package archives before anything is deployed. */
    Deploy deploy();

    /** Limits of package archives. */
    interface Deploy {
        /**
         * The only folder a deploy by {@code zip_path} reads packages from (a relative zip_path is
         * taken in it; symbolic links may not lead out of it). Default: {@code <state dir>/import}.
         * Environment: {@code LIZSYNC_SYNC_DEPLOY_IMPORT_DIR}.
         */
        Optional<java.nio.file.Path> importDir();

        /** Largest total uncompressed size of a package (bytes). */
        @WithDefault("68719476736")
        long maxTotalBytes();

        /** Largest compression ratio of an entry (zip bomb guard). */
        @WithDefault("200")
        int maxRatio();

        /** maintenance_work_mem of the deploy transaction (index builds), or "server" to keep the server's. */
        @WithDefault("256MB")
        String maintenanceWorkMem();

        /**
         * Chunk size asked of packaging-service for downloads (bytes; packaging-service caps it at
         * its max-chunk-bytes, 1 MiB by default).
         */
        @WithDefault("1048576")
        int downloadChunkBytes();

        /** How long to wait for central's answer before deploying offline (seconds). */
        @WithDefault("10")
        int centralTimeoutSeconds();

        /**
         * A role of the clone database the package's additional SQL runs as ({@code SET LOCAL ROLE}
         * in the deploy transaction), rather than as the sidecar's login: a role without superuser,
         * granted to the login, holding the privileges the additional SQL needs. Absent: the
         * additional SQL runs as the sidecar's login. Environment:
         * {@code LIZSYNC_SYNC_DEPLOY_ADDITIONAL_SQL_ROLE}.
         */
        Optional<String> additionalSqlRole();
    }

    /** Central role: deploys assigned to clones (ADR 0015). */
    Assignment assignment();

    /** Assigned deploys. */
    interface Assignment {
        /**
         * A running assignment whose clone reports nothing for this long is failed by central
         * (error DEADLINE_EXCEEDED; the sidecar reports progress at every step of its deploy)
         * ({@code LIZSYNC_SYNC_ASSIGNMENT_SILENCE}).
         */
        @WithDefault("30m")
        java.time.Duration silence();
    }

    /** Central role: sync sessions as jobs (ADR 0019). */
    SyncJobs syncJobs();

    /** Sync-session jobs. */
    interface SyncJobs {
        /**
         * A running sync job whose session wrote nothing for this long (no batch, no step) is
         * failed by central, error DEADLINE_EXCEEDED ({@code LIZSYNC_SYNC_SYNC_JOBS_SILENCE}).
         */
        @WithDefault("10m")
        java.time.Duration silence();

        /** Finished sync jobs are forgotten this long after their end ({@code LIZSYNC_SYNC_SYNC_JOBS_RETENTION}). */
        @WithDefault("720h")
        java.time.Duration retention();

        /** At most this many finished sync jobs are kept, the newest ({@code LIZSYNC_SYNC_SYNC_JOBS_MAX_FINISHED}). */
        @WithDefault("10000")
        int maxFinished();
    }
}
