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
}
