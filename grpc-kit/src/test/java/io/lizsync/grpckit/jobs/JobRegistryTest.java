package io.lizsync.grpckit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared job registry on its own, over a real store folder and a {@code Job} message of the
 * shape of {@code lizsync.jobs.v1.Job} (built here from a descriptor: grpc-kit generates no proto):
 * admission, cancellation of a queued job, the place it gives back, and a restart.
 */
class JobRegistryTest {

    static final Descriptor JOB = jobType();

    @TempDir
    Path dir;

    static Descriptor jobType() {
        FieldDescriptorProto.Type string = FieldDescriptorProto.Type.TYPE_STRING;
        DescriptorProto.Builder job = DescriptorProto.newBuilder().setName("Job");
        String[] strings = {"id", "kind", "subject", "step", "message", "error_code"};
        int n = 1;
        for (String s : strings) {
            job.addField(FieldDescriptorProto.newBuilder().setName(s).setNumber(n++).setType(string));
        }
        job.addField(FieldDescriptorProto.newBuilder().setName("state").setNumber(n++)
                .setType(FieldDescriptorProto.Type.TYPE_ENUM).setTypeName(".test.jobs.JobState"));
        for (String t : new String[] {"created_at", "started_at", "finished_at"}) {
            job.addField(FieldDescriptorProto.newBuilder().setName(t).setNumber(n++)
                    .setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(".google.protobuf.Timestamp"));
        }
        job.addField(FieldDescriptorProto.newBuilder().setName("cancel_requested").setNumber(n)
                .setType(FieldDescriptorProto.Type.TYPE_BOOL));
        EnumDescriptorProto.Builder states = EnumDescriptorProto.newBuilder().setName("JobState")
                .addValue(EnumValueDescriptorProto.newBuilder().setName("JOB_STATE_UNSPECIFIED").setNumber(0));
        for (JobState s : JobState.values()) {
            states.addValue(EnumValueDescriptorProto.newBuilder().setName(JobMessages.protoName(s)).setNumber(s.ordinal() + 1));
        }
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("test_jobs.proto").setPackage("test.jobs")
                .setSyntax("proto3").addDependency("google/protobuf/timestamp.proto").addEnumType(states)
                .addMessageType(job).build();
        try {
            return FileDescriptor.buildFrom(file, new FileDescriptor[] {Timestamp.getDescriptor().getFile()})
                    .findMessageTypeByName("Job");
        } catch (com.google.protobuf.Descriptors.DescriptorValidationException e) {
            throw new AssertionError(e);
        }
    }

    static final JobMessages<DynamicMessage> MESSAGES = new JobMessages<>(DynamicMessage.getDefaultInstance(JOB));

    JobRegistry<DynamicMessage> registry(int maxRunning, int maxWaiting) throws Exception {
        var settings = new JobRegistry.Settings("test-service", "test", maxRunning, maxWaiting, Duration.ofDays(1), 100,
                "starting", "interrupted by a stop", "the queue is full", "cancelled before it ran", "asked to stop");
        return new JobRegistry<>(settings, new JobStore<>(dir, "test", MESSAGES), MESSAGES);
    }

    static DynamicMessage queued(JobRegistry<DynamicMessage> r) {
        return DynamicMessage.newBuilder(JOB).setField(JOB.findFieldByName("id"), r.newId())
                .setField(JOB.findFieldByName("kind"), "test")
                .setField(JOB.findFieldByName("state"), JOB.findFieldByName("state").getEnumType()
                        .findValueByName(JobMessages.protoName(JobState.QUEUED)))
                .setField(JOB.findFieldByName("created_at"), JobMessages.timestamp(Instant.now())).build();
    }

    static DynamicMessage await(JobRegistry<DynamicMessage> r, String id, JobState wanted) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            DynamicMessage j = r.get(id);
            if (MESSAGES.state(j) == wanted) {
                return j;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " is " + MESSAGES.state(r.get(id)) + ", not " + wanted);
    }

    @Test
    void oneRunsOneWaitsTheNextIsRefusedAndACancelledWaiterGivesItsPlaceBack() throws Exception {
        try (var r = registry(1, 1)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            JobRegistry.Work<DynamicMessage> blocking = h -> {
                started.countDown();
                release.await();
                h.finish(j -> MESSAGES.with(j, e -> e.state(JobState.SUCCEEDED).finishedAt(Instant.now())));
            };
            var first = r.start(queued(r), blocking, null);
            assertTrue(started.await(10, TimeUnit.SECONDS), "the first job never started");
            AtomicBoolean toldCancelled = new AtomicBoolean();
            var second = r.start(queued(r), blocking, () -> toldCancelled.set(true));
            assertThrows(JobQueueFullException.class, () -> r.start(queued(r), blocking, null));

            DynamicMessage cancelled = r.cancel(second.id());
            assertEquals(JobState.CANCELLED, MESSAGES.state(cancelled));
            assertTrue(toldCancelled.get(), "the service is told its queued job was cancelled");
            assertThrows(JobFinishedException.class, () -> r.cancel(second.id()));
            var third = r.start(queued(r), blocking, null);  // the cancelled job's place is free again

            release.countDown();
            await(r, first.id(), JobState.SUCCEEDED);
            await(r, third.id(), JobState.SUCCEEDED);
            assertEquals(JobState.CANCELLED, MESSAGES.state(r.get(second.id())), "a cancelled job never runs");
            assertThrows(JobNotFoundException.class, () -> r.get("test-00000000-0000-4000-8000-000000000000"));
        }
    }

    @Test
    void aJobRunningWhenTheServiceIsKilledIsFailedAbortedAtTheNextStartAndTemporaryFilesGo() throws Exception {
        String running;
        String done;
        CountDownLatch started = new CountDownLatch(1);
        String runningFile;
        try (var r = registry(2, 4)) {
            done = r.start(queued(r), h -> h.finish(j -> MESSAGES.with(j, e -> e.state(JobState.SUCCEEDED)
                    .step("done").finishedAt(Instant.now()))), null).id();
            await(r, done, JobState.SUCCEEDED);
            running = r.start(queued(r), h -> {
                started.countDown();
                while (!h.stopping()) {
                    Thread.sleep(5);
                }
            }, null).id();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            await(r, running, JobState.RUNNING);
            // What a killed process leaves: the job's file as it was while it ran (no final write).
            runningFile = Files.readString(dir.resolve(running + ".json"));
        }
        Files.writeString(dir.resolve(running + ".json"), runningFile);
        Path leftover = Files.writeString(dir.resolve(".writing-" + running + ".json"), "{\"id\": \"half");

        try (var again = registry(2, 4)) {
            DynamicMessage aborted = again.get(running);
            assertEquals(JobState.FAILED, MESSAGES.state(aborted));
            assertEquals("ABORTED", aborted.getField(JOB.findFieldByName("error_code")));
            assertEquals("interrupted by a stop", aborted.getField(JOB.findFieldByName("message")));
            DynamicMessage kept = again.get(done);
            assertEquals(JobState.SUCCEEDED, MESSAGES.state(kept));
            assertEquals("done", kept.getField(JOB.findFieldByName("step")), "a finished job is read back as it was");
        }
        assertFalse(Files.exists(leftover), "an interrupted write's temporary file is removed at start");
    }
}
