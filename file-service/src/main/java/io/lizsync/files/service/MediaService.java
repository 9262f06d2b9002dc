package io.lizsync.files.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.lizsync.files.config.FilesConfig;
import io.lizsync.files.repository.MediaStore;
import io.lizsync.files.repository.MediaStore.MediaFile;
import io.lizsync.proto.files.v1.MediaInfo;
import io.lizsync.proto.files.v1.UploadMediaMetadata;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLConnection;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The rules of media for devices: listing with filters, downloads (offset and chunk size), and
 * uploads (validated name, size limit, announced size and checksum, no silent overwrite). The FTP
 * transfers come with a later issue.
 */
@ApplicationScoped
public class MediaService {

    private static final Logger LOG = Logger.getLogger(MediaService.class);

    /** What a download needs: the file, its metadata, where to start and how much per chunk. */
    public record Download(MediaInfo info, Path file, long offset, int chunkSize) {
    }

    private final MediaStore store;
    private final long maxUploadBytes;
    private final int maxChunkBytes;
    private final int maxMessageBytes;

    MediaService(MediaStore store, FilesConfig config) {
        if (config.maxUploadBytes() <= 0) {
            throw new IllegalStateException("lizsync.files.max-upload-bytes must be positive, not "
                    + config.maxUploadBytes());
        }
        this.store = store;
        this.maxUploadBytes = config.maxUploadBytes();
        this.maxChunkBytes = config.maxChunkBytes();
        this.maxMessageBytes = config.maxMessageBytes();
    }

    void onStart(@Observes StartupEvent event) {
        try {
            store.createFolders();
            int stale = store.deleteStaleUploads();
            if (stale > 0) {
                LOG.infof("deleted %d unfinished uploads older than a day", stale);
            }
        } catch (IOException e) {
            LOG.warnf("work directory %s not usable at start: %s (readiness reports it)", store.workDir(),
                    e.getMessage());
        }
    }

    /** Media of a project ordered by path, optionally under a path prefix and modified after a time. */
    public List<MediaInfo> list(String projectKey, String prefix, Instant modifiedAfter) throws IOException {
        List<MediaInfo> out = new ArrayList<>();
        long bytes = 0;
        for (MediaFile media : store.list(MediaPath.projectKey(projectKey))) {
            if (prefix != null && !prefix.isEmpty() && !media.path().startsWith(prefix)) {
                continue;
            }
            if (modifiedAfter != null && !media.modifiedAt().isAfter(modifiedAfter)) {
                continue;
            }
            MediaInfo info = info(media, store.sha256(media));
            bytes += info.getSerializedSize() + 8L; // with its field tag and length
            if (bytes > maxMessageBytes - 1024) {
                throw new ListingTooLargeException("the media of project " + projectKey + " from "
                        + (prefix == null || prefix.isEmpty() ? "all paths" : "prefix '" + prefix + "'") + " make more than "
                        + io.lizsync.grpckit.MessageLimits.bytes(maxMessageBytes) + " in one answer (stopped at "
                        + out.size() + " files): list them by prefix or modified_after, or raise "
                        + "lizsync.files.max-message-bytes (and the clients' limit)");
            }
            out.add(info);
        }
        return out;
    }

    public Download prepareDownload(String projectKey, String path, long offset, int chunkSize) throws IOException {
        MediaPath where = MediaPath.of(projectKey, path);
        // Bytes per chunk: the client's wish, at most lizsync.files.max-chunk-bytes (MessageLimits).
        int chunk = io.lizsync.grpckit.MessageLimits.chunkBytes(chunkSize, maxChunkBytes);
        MediaFile media = store.find(where).orElseThrow(
                () -> new MediaNotFoundException("media " + where.relative() + " not found in project " + projectKey));
        if (offset < 0 || offset > media.size()) {
            throw new OutOfRangeException("offset " + offset + " is outside " + where.relative() + " (" + media.size()
                    + " bytes)");
        }
        return new Download(info(media, store.sha256(media)), media.file(), offset, chunk);
    }

    /**
     * Starts an upload from its metadata. Everything about the name and the announced size is
     * checked here, before a single byte is written.
     */
    public Upload beginUpload(UploadMediaMetadata metadata) throws IOException {
        MediaPath where = MediaPath.of(metadata.getProjectKey(), metadata.getPath());
        if (metadata.getSizeBytes() < 0) {
            throw new IllegalArgumentException("size_bytes must not be negative");
        }
        if (metadata.getSizeBytes() > maxUploadBytes) {
            throw new UploadTooLargeException("media of " + metadata.getSizeBytes() + " bytes exceeds the upload limit of "
                    + maxUploadBytes + " bytes");
        }
        String sha256 = metadata.getSha256().toLowerCase(Locale.ROOT);
        if (!sha256.isEmpty() && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 hexadecimal digits (or empty)");
        }
        store.requireInside(where);
        if (!metadata.getOverwrite() && store.exists(where)) {
            throw new MediaExistsException("media " + where.relative() + " already exists in project "
                    + where.projectKey() + " (overwrite not asked)");
        }
        return new Upload(where, metadata.getSizeBytes(), sha256, metadata.getOverwrite(), metadata.getDeviceId());
    }

    /**
     * One upload in progress: bytes go to a temporary file while their SHA-256 is computed; the
     * finished file replaces its media path atomically.
     */
    public final class Upload {
        private final MediaPath where;
        private final long announcedSize;
        private final String announcedSha256;
        private final boolean overwrite;
        private final String deviceId;
        private final MessageDigest digest = MediaStore.newSha256();
        private Path temp;
        private OutputStream out;
        private long received;
        private boolean closed;

        private Upload(MediaPath where, long announcedSize, String announcedSha256, boolean overwrite, String deviceId) {
            this.where = where;
            this.announcedSize = announcedSize;
            this.announcedSha256 = announcedSha256;
            this.overwrite = overwrite;
            this.deviceId = deviceId;
        }

        public void write(ByteString data) throws IOException {
            if (received + data.size() > maxUploadBytes) {
                throw new UploadTooLargeException("media " + where.relative() + " exceeds the upload limit of "
                        + maxUploadBytes + " bytes");
            }
            if (received + data.size() > announcedSize) {
                throw new UploadMismatchException("media " + where.relative() + ": more bytes than the announced "
                        + announcedSize);
            }
            if (out == null) {
                temp = store.newTempFile();
                out = new BufferedOutputStream(Files.newOutputStream(temp), 64 * 1024);
            }
            data.writeTo(out);
            for (var buffer : data.asReadOnlyByteBufferList()) {
                digest.update(buffer);
            }
            received += data.size();
        }

        /** Checks what arrived against the announcement and publishes the file. */
        public MediaInfo finish() throws IOException {
            try {
                if (out == null) { // an empty file
                    temp = store.newTempFile();
                } else {
                    out.close();
                }
                if (received != announcedSize) {
                    throw new UploadMismatchException("media " + where.relative() + ": received " + received
                            + " bytes, announced " + announcedSize);
                }
                String sha = HexFormat.of().formatHex(digest.digest());
                if (!announcedSha256.isEmpty() && !announcedSha256.equals(sha)) {
                    throw new UploadMismatchException("media " + where.relative() + ": SHA-256 of the received bytes is "
                            + sha + ", announced " + announcedSha256);
                }
                MediaFile media;
                try {
                    media = store.publish(temp, where, overwrite, sha);
                } catch (FileAlreadyExistsException e) {
                    throw new MediaExistsException("media " + where.relative() + " already exists in project "
                            + where.projectKey() + " (overwrite not asked)");
                }
                closed = true;
                LOG.infof("media %s/%s received (%d bytes%s)", where.projectKey(), where.relative(), received,
                        deviceId.isEmpty() ? "" : ", device " + deviceId);
                return info(media, sha);
            } finally {
                abort(); // removes the temporary file unless published
            }
        }

        /** Drops the upload: closes and deletes the temporary file. Safe to call more than once. */
        public void abort() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.debugf("closing %s: %s", temp, e.getMessage());
                }
            }
            if (temp != null && !closed) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warnf("could not delete unfinished upload %s: %s", temp, e.getMessage());
                }
            }
            closed = true;
        }
    }

    private static MediaInfo info(MediaFile media, String sha256) {
        String name = media.path().substring(media.path().lastIndexOf('/') + 1);
        String type = URLConnection.guessContentTypeFromName(name);
        Instant modified = media.modifiedAt();
        return MediaInfo.newBuilder()
                .setProjectKey(media.projectKey())
                .setPath(media.path())
                .setSizeBytes(media.size())
                .setSha256(sha256)
                .setMediaType(type == null ? "" : type)
                .setModifiedAt(Timestamp.newBuilder().setSeconds(modified.getEpochSecond()).setNanos(modified.getNano()))
                .build();
    }
}
