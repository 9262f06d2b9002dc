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
}
