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
    @WithDefault("${java.io.tmpdir}/lizsync-packages")
    Path storageDir();

    /**
     * pg_dump used for the structure of packages (same major version as the central server, or
     * newer). Absent: the newest {@code /usr/lib/postgresql/<n>/bin/pg_dump}, else {@code pg_dump}
     * on the PATH. Environment: {@code LIZSYNC_PACKAGING_PG_DUMP_PATH}.
     */
    java.util.Optional<String> pgDumpPath();

    /** Deflate level of package entries, 0 (none, fastest) to 9 (smallest). */
    @WithDefault("1")
    int compressionLevel();
}
