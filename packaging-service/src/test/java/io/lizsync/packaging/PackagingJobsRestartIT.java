package io.lizsync.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.JobState;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs outlive packaging-service: the packaged service (target/quarkus-app) runs as its own
 * process over a storage directory, is killed (SIGKILL) while one build runs and another waits,
 * and a new process over the same directory still answers the finished job as it was, and the
 * interrupted ones FAILED with error ABORTED, having kept nothing (no package, no half-written
 * archive, no tick, no history item).
 */
class PackagingJobsRestartIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static PgCluster cluster;
    static DataSource central;
    static Path storage;
    static Process process;

    @BeforeAll
    static void startDatabase() throws Exception {
        cluster = PgCluster.start("packaging-jobs-restart");
        central = JobsFixture.dataSource(cluster);
        JobsFixture.prepare(central, 1000);
        storage = Files.createTempDirectory("lizsync-jobs-restart-").resolve("packages");
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (storage != null) {
            try (Stream<Path> files = Files.walk(storage.getParent())) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void finishedJobsStayAndInterruptedOnesEndAborted() throws Exception {
        int port = start("first");
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        Job finished;
        Job running;
        Job queued;
        String before;
        try {
            var packaging = PackagingServiceGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().administrator());
            var jobs = JobsGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().administrator())
                    .withDeadlineAfter(120, TimeUnit.SECONDS);
            finished = last(jobs.watchJob(WatchJobRequest.newBuilder()
                    .setJobId(packaging.startBuild(PackagingJobsIT.tables("small")).getId()).build()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, finished.getState(), finished.toString());
            before = JobsFixture.ticksAndHistory(central);
            try (AutoCloseable lock = JobsFixture.lock(central, "field.medium")) {
                running = packaging.startBuild(PackagingJobsIT.tables("medium"));
                PackagingJobsIT.readUntil(jobs.watchJob(WatchJobRequest.newBuilder().setJobId(running.getId()).build()),
                        new ArrayList<>(), j -> j.getState() == JobState.JOB_STATE_RUNNING);
                queued = packaging.startBuild(PackagingJobsIT.tables("small"));
                assertEquals(JobState.JOB_STATE_QUEUED, queued.getState());
                process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
            }
        } finally {
            channel.shutdownNow();
        }

        port = start("second");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            var packaging = PackagingServiceGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().administrator());
            var jobs = JobsGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().administrator());
            assertEquals(finished, jobs.getJob(GetJobRequest.newBuilder().setJobId(finished.getId()).build()),
                    "a finished job reads back as it was");
            String packageId = finished.getResult().substring("package:".length());
            assertEquals(packageId, packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(packageId).build())
                    .getPackageId());
            for (Job interrupted : List.of(running, queued)) {
                Job now = jobs.getJob(GetJobRequest.newBuilder().setJobId(interrupted.getId()).build());
                assertEquals(JobState.JOB_STATE_FAILED, now.getState(), now.toString());
                assertEquals("ABORTED", now.getErrorCode());
                assertTrue(now.getMessage().contains("packaging-service restarted during the build"), now.getMessage());
                assertTrue(now.hasFinishedAt());
                assertEquals("", now.getResult());
                Iterator<Job> watch = jobs.watchJob(WatchJobRequest.newBuilder().setJobId(interrupted.getId()).build());
                assertEquals(now, watch.next());
                assertFalse(watch.hasNext(), "a finished job: one message");
            }
            assertEquals(before, JobsFixture.ticksAndHistory(central), "the interrupted build kept no tick, no history item");
            try (Stream<Path> files = Files.list(storage)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".building-")).toList(),
                        "no half-written archive");
            }
            assertEquals(List.of(queued.getId(), running.getId(), finished.getId()), jobs.listJobs(
                    ListJobsRequest.getDefaultInstance()).getJobsList().stream().map(Job::getId).toList());
            // And it builds again.
            Job again = last(jobs.withDeadlineAfter(120, TimeUnit.SECONDS).watchJob(WatchJobRequest.newBuilder()
                    .setJobId(packaging.startBuild(PackagingJobsIT.tables("medium")).getId()).build()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, again.getState(), again.toString());
            process.destroyForcibly().waitFor();

            // The history is bounded: started again to keep one finished job, it keeps the newest.
            channel.shutdownNow();
            port = start("third", Map.of("LIZSYNC_PACKAGING_MAX_FINISHED_JOBS", "1"));
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            var third = JobsGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().administrator());
            assertEquals(List.of(again.getId()), third.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().stream()
                    .map(Job::getId).toList());
            assertEquals(io.grpc.Status.Code.NOT_FOUND, assertThrowsStatus(() -> third.getJob(GetJobRequest.newBuilder()
                    .setJobId(finished.getId()).build())));
            try (Stream<Path> files = Files.list(storage.resolve("jobs"))) {
                assertEquals(List.of(again.getId() + ".json"), files.map(f -> f.getFileName().toString()).toList(),
                        "the files of forgotten jobs are gone");
            }
        } finally {
            channel.shutdownNow();
        }
    }

    static io.grpc.Status.Code assertThrowsStatus(Runnable call) {
        return org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class, call::run).getStatus()
                .getCode();
    }

    static Job last(Iterator<Job> stream) {
        Job last = null;
        while (stream.hasNext()) {
            last = stream.next();
        }
        return last;
    }

    /** Starts the packaged service over the storage directory; returns its port once ready. */
    static int start(String name) throws Exception {
        return start(name, Map.of());
    }

    static int start(String name, Map<String, String> settings) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: package the service first");
        }
        int port = PackagingTestResource.freePort();
        Path log = Path.of("target", "jobs-restart-logs", name + ".log");
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = new HashMap<>(TestKeys.get().environment());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", cluster.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", cluster.reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", cluster.user());
        if (cluster.password() != null) {
            env.put("QUARKUS_DATASOURCE_PASSWORD", cluster.password());
        }
        env.put("LIZSYNC_PACKAGING_STORAGE_DIR", storage.toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.putAll(settings);
        pb.environment().putAll(env);
        process = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return port;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready after 90 s; see " + log);
    }
}
