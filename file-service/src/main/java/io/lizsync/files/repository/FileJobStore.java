package io.lizsync.files.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.lizsync.files.config.FilesConfig;
import io.lizsync.grpckit.PrivateDirs;
import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.proto.files.v1.FileOperationReport;
import io.lizsync.proto.jobs.v1.Job;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The file jobs of this service and their reports, kept across its restarts under
 * {@code <work-dir>/jobs/}: {@code <id>.json} (the {@code lizsync.jobs.v1.Job}) and
 * {@code <id>.report.json} (its {@code FileOperationReport}), proto3 JSON, each written to a
 * temporary name and renamed. File names are only built from parsed job ids. Nothing secret is in
 * them (requests carry no password; messages never hold one).
 */
@ApplicationScoped
public class FileJobStore {

    private static final Logger LOG = Logger.getLogger(FileJobStore.class);
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();
    private static final String TEMP_PREFIX = ".writing-";
    private static final String REPORT = ".report.json";

    private final Path dir;
    private final String prefix;

    @jakarta.inject.Inject
    public FileJobStore(FilesConfig config) {
        this(config.workDir().toAbsolutePath().normalize().resolve("jobs"), "files");
    }

    FileJobStore(Path dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    /** A store over {@code dir} (tests). */
    public static FileJobStore at(Path dir) {
        return new FileJobStore(dir, "files");
    }

    public Path directory() {
        return dir;
    }

    public void save(Job job) throws IOException {
        write(JobId.parse(prefix, job.getId()) + ".json", job);
    }

    public void saveReport(FileOperationReport report) throws IOException {
        write(JobId.parse(prefix, report.getJobId()) + REPORT, report);
    }

    /** The report of a job; empty when it has none. */
    public Optional<FileOperationReport> report(String jobId) throws IOException {
        Path file = dir.resolve(JobId.parse(prefix, jobId) + REPORT);
        try {
            FileOperationReport.Builder b = FileOperationReport.newBuilder();
            JSON.merge(Files.readString(file, StandardCharsets.UTF_8), b);
            return Optional.of(b.build());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Deletes a job's files (gone already: nothing to do). */
    public void delete(String jobId) throws IOException {
        String id = JobId.parse(prefix, jobId).toString();
        Files.deleteIfExists(dir.resolve(id + ".json"));
        Files.deleteIfExists(dir.resolve(id + REPORT));
    }

    /** Every job whose file parses and names itself; temporary files of interrupted writes are removed. */
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
                if (!name.endsWith(".json") || name.endsWith(REPORT)) {
                    continue;
                }
                String id = name.substring(0, name.length() - ".json".length());
                try {
                    JobId.parse(prefix, id);
                    Job.Builder job = Job.newBuilder();
                    JSON.merge(Files.readString(file, StandardCharsets.UTF_8), job);
                    if (job.getId().equals(id)) {
                        out.add(job.build());
                    } else {
                        LOG.warnf("skipping job file %s: it holds another job", file);
                    }
                } catch (IllegalArgumentException e) {
                    LOG.warnf("skipping %s: not named <job id>.json", file);
                } catch (InvalidProtocolBufferException e) {
                    LOG.warnf("skipping job file %s: %s", file, e.getMessage());
                }
            }
        }
        return out;
    }

    private void write(String name, Message message) throws IOException {
        PrivateDirs.create(dir);
        Path tmp = dir.resolve(TEMP_PREFIX + name);
        Files.writeString(tmp, JsonFormat.printer().print(message), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
