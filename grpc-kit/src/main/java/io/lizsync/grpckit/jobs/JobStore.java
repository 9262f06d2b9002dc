package io.lizsync.grpckit.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.lizsync.grpckit.PrivateDirs;
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
 * A service's jobs kept across its restarts: one {@code <job id>.json} per job (its job message in
 * proto3 JSON) in one private folder, and any attachment of a job as {@code <job id>.<name>.json}
 * (file-service's reports). Each write goes to a temporary name first and is renamed into place,
 * so a file is always whole; temporary files of interrupted writes are removed when the jobs are
 * read back. File names are only built from parsed job ids (of this store's prefix).
 *
 * @param <J> the service's generated {@code Job}
 */
public final class JobStore<J extends Message> {

    private static final Logger LOG = Logger.getLogger(JobStore.class);
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();
    private static final String TEMP_PREFIX = ".writing-";
    private static final String JSON_SUFFIX = ".json";

    private final Path dir;
    private final String prefix;
    private final JobMessages<J> messages;

    public JobStore(Path dir, String prefix, JobMessages<J> messages) {
        this.dir = dir.toAbsolutePath().normalize();
        this.prefix = prefix;
        this.messages = messages;
    }

    public Path directory() {
        return dir;
    }

    public String prefix() {
        return prefix;
    }

    /** Writes a job (replacing its previous state) atomically. */
    public void save(J job) throws IOException {
        write(JobId.parse(prefix, messages.id(job)) + JSON_SUFFIX, job);
    }

    /** Writes an attachment of a job ({@code name}: lower-case letters) atomically. */
    public void saveAttachment(String jobId, String name, Message value) throws IOException {
        write(attachment(jobId, name), value);
    }

    /** An attachment of a job, read into {@code builder}'s type; empty when there is none. */
    @SuppressWarnings("unchecked")
    public <M extends Message> Optional<M> attachment(String jobId, String name, M.Builder builder) throws IOException {
        try {
            JSON.merge(Files.readString(dir.resolve(attachment(jobId, name)), StandardCharsets.UTF_8), builder);
            return Optional.of((M) builder.build());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Deletes a job's file and its attachments (gone already: nothing to do). */
    public void delete(String jobId) throws IOException {
        String id = JobId.parse(prefix, jobId).toString();
        Files.deleteIfExists(dir.resolve(id + JSON_SUFFIX));
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> attachments = Files.newDirectoryStream(dir, id + ".*" + JSON_SUFFIX)) {
                for (Path file : attachments) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Every job whose file parses and names itself; others are skipped with a warning, and
     * temporary files of interrupted writes are removed.
     */
    @SuppressWarnings("unchecked")
    public List<J> loadAll() throws IOException {
        List<J> out = new ArrayList<>();
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
                if (!name.endsWith(JSON_SUFFIX)) {
                    continue;
                }
                String id = name.substring(0, name.length() - JSON_SUFFIX.length());
                if (id.indexOf('.') >= 0) {
                    continue; // an attachment
                }
                try {
                    JobId.parse(prefix, id);
                    Message.Builder job = messages.prototype().newBuilderForType();
                    JSON.merge(Files.readString(file, StandardCharsets.UTF_8), job);
                    J read = (J) job.build();
                    if (messages.id(read).equals(id)) {
                        out.add(read);
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

    private String attachment(String jobId, String name) {
        if (!name.matches("[a-z]+")) {
            throw new IllegalArgumentException("an attachment name is lower-case letters: " + name);
        }
        return JobId.parse(prefix, jobId) + "." + name + JSON_SUFFIX;
    }

    private void write(String name, Message message) throws IOException {
        PrivateDirs.create(dir);
        Path tmp = dir.resolve(TEMP_PREFIX + name);
        Files.writeString(tmp, JsonFormat.printer().print(message), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
