package io.lizsync.packaging.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.lizsync.grpckit.PrivateDirs;
import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.proto.jobs.v1.Job;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The build jobs of this service, kept across its restarts: one {@code <job id>.json} per job
 * ({@code lizsync.jobs.v1.Job} in proto3 JSON) in {@code jobs/} under the package storage
 * directory. Each write goes to a temporary name first and is renamed into place, so a file is
 * always a whole job. File names are only built from parsed job ids.
 */
@ApplicationScoped
public class JobFileStore {

    private static final Logger LOG = Logger.getLogger(JobFileStore.class);
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();
    private static final String TEMP_PREFIX = ".writing-";

    private final Path dir;
    private final String prefix;

    JobFileStore(PackagingConfig config) {
        this.dir = config.storageDir().toAbsolutePath().normalize().resolve("jobs");
        this.prefix = "build";
    }

    public Path directory() {
        return dir;
    }

    /** Writes a job (replacing its previous state) atomically. */
    public void save(Job job) throws IOException {
        String id = JobId.parse(prefix, job.getId()).toString();
        PrivateDirs.create(dir);
        Path tmp = dir.resolve(TEMP_PREFIX + id + ".json");
        Files.writeString(tmp, JsonFormat.printer().print(job), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes a job's file (gone already: nothing to do). */
    public void delete(String jobId) throws IOException {
        Files.deleteIfExists(dir.resolve(JobId.parse(prefix, jobId) + ".json"));
    }

    /**
     * Every job whose file parses and names itself; others are skipped with a warning, and
     * temporary files of interrupted writes are removed.
     */
    public List<Job> loadAll() throws IOException {
        List<Job> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    Files.deleteIfExists(file);
                    continue;
                }
                if (!name.endsWith(".json")) {
                    continue;
                }
                String id = name.substring(0, name.length() - ".json".length());
                try {
                    JobId.parse(prefix, id);
                    Job.Builder job = Job.newBuilder();
                    JSON.merge(Files.readString(file, StandardCharsets.UTF_8), job);
                    if (!job.getId().equals(id)) {
                        LOG.warnf("skipping job file %s: it holds another job", file);
                        continue;
                    }
                    out.add(job.build());
                } catch (IllegalArgumentException e) {
                    LOG.warnf("skipping %s: not named <job id>.json", file);
                } catch (InvalidProtocolBufferException e) {
                    LOG.warnf("skipping job file %s: %s", file, e.getMessage());
                }
            }
        }
        return out;
    }
}
