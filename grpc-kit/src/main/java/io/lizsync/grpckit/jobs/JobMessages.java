package io.lizsync.grpckit.jobs;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.Objects;

/**
 * The fields of a {@code lizsync.jobs.v1.Job} that the shared job registry reads and writes, found
 * by name in the message's descriptor once, when the registry is built. The proto module ships only
 * .proto files and every service generates its own {@code Job} class, so this kit cannot name that
 * class: it takes the service's default instance instead. A message without one of these fields
 * (a renamed field, another message) is refused at construction, not at the first job.
 *
 * @param <J> the service's generated {@code Job}
 */
public final class JobMessages<J extends Message> {

    private final J prototype;
    private final FieldDescriptor id;
    private final FieldDescriptor kind;
    private final FieldDescriptor subject;
    private final FieldDescriptor state;
    private final FieldDescriptor step;
    private final FieldDescriptor message;
    private final FieldDescriptor errorCode;
    private final FieldDescriptor createdAt;
    private final FieldDescriptor startedAt;
    private final FieldDescriptor finishedAt;
    private final FieldDescriptor cancelRequested;
    private final EnumDescriptor states;

    public JobMessages(J prototype) {
        this.prototype = Objects.requireNonNull(prototype, "prototype");
        Descriptor d = prototype.getDescriptorForType();
        this.id = field(d, "id", FieldDescriptor.JavaType.STRING);
        this.kind = field(d, "kind", FieldDescriptor.JavaType.STRING);
        this.subject = field(d, "subject", FieldDescriptor.JavaType.STRING);
        this.state = field(d, "state", FieldDescriptor.JavaType.ENUM);
        this.step = field(d, "step", FieldDescriptor.JavaType.STRING);
        this.message = field(d, "message", FieldDescriptor.JavaType.STRING);
        this.errorCode = field(d, "error_code", FieldDescriptor.JavaType.STRING);
        this.createdAt = timestampField(d, "created_at");
        this.startedAt = timestampField(d, "started_at");
        this.finishedAt = timestampField(d, "finished_at");
        this.cancelRequested = field(d, "cancel_requested", FieldDescriptor.JavaType.BOOLEAN);
        this.states = state.getEnumType();
        for (JobState s : JobState.values()) {
            if (states.findValueByName(protoName(s)) == null) {
                throw new IllegalArgumentException(d.getFullName() + ": no state " + protoName(s));
            }
        }
    }

    public J prototype() {
        return prototype;
    }

    public String id(J job) {
        return (String) job.getField(id);
    }

    public String kind(J job) {
        return (String) job.getField(kind);
    }

    public String subject(J job) {
        return (String) job.getField(subject);
    }

    public JobState state(J job) {
        String name = ((com.google.protobuf.Descriptors.EnumValueDescriptor) job.getField(state)).getName();
        return JobState.valueOf(name.substring("JOB_STATE_".length()));
    }

    public Instant createdAt(J job) {
        return instant(timestamp(job.getField(createdAt)));
    }

    /** When the job ended; null while it has not. */
    public Instant finishedAt(J job) {
        return job.hasField(finishedAt) ? instant(timestamp(job.getField(finishedAt))) : null;
    }

    /** Where a job stands for paging (creation time, then id). */
    public JobPages.Key key(J job) {
        return new JobPages.Key(createdAt(job), id(job));
    }

    /** A copy of {@code job} changed by {@code change}. */
    @SuppressWarnings("unchecked")
    public J with(J job, java.util.function.Consumer<Edit> change) {
        Message.Builder b = job.toBuilder();
        change.accept(new Edit(b));
        return (J) b.build();
    }

    /** The changes the registry makes to a job, on its builder. */
    public final class Edit {
        private final Message.Builder b;

        private Edit(Message.Builder b) {
            this.b = b;
        }

        public Edit state(JobState s) {
            b.setField(state, states.findValueByName(protoName(s)));
            return this;
        }

        public Edit step(String value) {
            b.setField(step, value);
            return this;
        }

        public Edit message(String value) {
            b.setField(message, value);
            return this;
        }

        public Edit errorCode(String value) {
            b.setField(errorCode, value);
            return this;
        }

        public Edit startedAt(Instant t) {
            b.setField(startedAt, timestamp(t));
            return this;
        }

        public Edit finishedAt(Instant t) {
            b.setField(finishedAt, timestamp(t));
            return this;
        }

        public Edit cancelRequested() {
            b.setField(cancelRequested, true);
            return this;
        }
    }

    /** The proto name of a state ({@code JOB_STATE_QUEUED}, ...). */
    /**
     * A timestamp field's value: the generated {@link Timestamp} of a generated {@code Job}, or a
     * message of the same type in a {@code Job} built from its descriptor (read back from JSON).
     */
    private static Timestamp timestamp(Object value) {
        if (value instanceof Timestamp t) {
            return t;
        }
        try {
            return Timestamp.parseFrom(((Message) value).toByteString());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a google.protobuf.Timestamp: " + e.getMessage(), e);
        }
    }

    public static String protoName(JobState s) {
        return "JOB_STATE_" + s.name();
    }

    public static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static FieldDescriptor field(Descriptor d, String name, FieldDescriptor.JavaType type) {
        FieldDescriptor f = d.findFieldByName(name);
        if (f == null || f.getJavaType() != type || f.isRepeated()) {
            throw new IllegalArgumentException(d.getFullName() + " is not a job message: no single " + type
                    + " field " + name);
        }
        return f;
    }

    private static FieldDescriptor timestampField(Descriptor d, String name) {
        FieldDescriptor f = field(d, name, FieldDescriptor.JavaType.MESSAGE);
        if (!f.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())) {
            throw new IllegalArgumentException(d.getFullName() + "." + name + " is not a google.protobuf.Timestamp");
        }
        return f;
    }
}
