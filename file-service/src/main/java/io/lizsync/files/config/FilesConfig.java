package io.lizsync.files.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Configuration of file-service ({@code lizsync.files.*}). */
@ConfigMapping(prefix = "lizsync.files")
public interface FilesConfig {

    /**
     * Working directory: media for devices live in {@code <workDir>/media/<project key>/}, uploads
     * in progress in {@code <workDir>/tmp/}. Created when missing. Environment:
     * {@code LIZSYNC_FILES_WORK_DIR}.
     */
    @WithDefault("${java.io.tmpdir}/lizsync-files")
    Path workDir();

    /**
     * Largest media file accepted by UploadMedia (in bytes); larger uploads end with
     * RESOURCE_EXHAUSTED. Default 200 MiB. Environment: {@code LIZSYNC_FILES_MAX_UPLOAD_BYTES}.
     */
    @WithDefault("209715200")
    long maxUploadBytes();
}
