package io.lizsync.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.proto.jobs.v1.CancelJobRequest;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.JobState;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.packaging.v1.TableRef;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Package builds as jobs over real gRPC, against a real PostgreSQL/PostGIS central: StartBuild
 * answers QUEUED at once, WatchJob follows the build to its end, CancelJob stops a queued build at
 * once and a running one at its next safe point with nothing kept, and the errors and access rules
 * of the jobs contract. Restarts: {@code PackagingJobsRestartIT}.
 */
@QuarkusTest
@QuarkusTestResource(value = PackagingTestResource.class, restrictToAnnotatedClass = true)
class PackagingJobsIT {

    /** Rows of field.big: a COPY that lasts long enough to be cancelled in the middle. */
    static final int BIG_ROWS = 2_000_000;
    private static DataSource central;

    @GrpcClient("packaging")
    PackagingServiceGrpc.PackagingServiceBlockingStub anonymousPackaging;

    @GrpcClient("packaging")
    JobsGrpc.JobsBlockingStub anonymousJobs;

    @Inject
    PackagingConfig config;

    PackagingServiceGrpc.PackagingServiceBlockingStub packaging;
    JobsGrpc.JobsBlockingStub jobs;

    @BeforeEach
    void setUp() throws Exception {
        var operator = TestKeys.get().as("test-operator", Roles.OPERATOR);
        packaging = anonymousPackaging.withCallCredentials(operator);
        jobs = anonymousJobs.withCallCredentials(operator);
        synchronized (PackagingJobsIT.class) {
            if (central == null) {
                central = JobsFixture.dataSource(PackagingTestResource.cluster);
                JobsFixture.prepare(central, BIG_ROWS);
            }
        }
    }

    static BuildPackageRequest tables(String... names) {
        var b = BuildPackageRequest.newBuilder().setDescription("jobs IT");
        for (String n : names) {
            b.addTables(TableRef.newBuilder().setSchemaName("field").setTableName(n));
        }
        return b.build();
    }

    /** Reads a WatchJob stream until {@code until} holds (returned), failing at the stream's end. */
    static Job readUntil(Iterator<Job> stream, List<Job> seen, Predicate<Job> until) {
        while (stream.hasNext()) {
            Job j = stream.next();
            seen.add(j);
            if (until.test(j)) {
                return j;
            }
        }
        throw new AssertionError("the stream ended before the awaited state; seen " + seen);
    }

    Iterator<Job> watch(String id) {
        return jobs.withDeadlineAfter(180, TimeUnit.SECONDS).watchJob(WatchJobRequest.newBuilder().setJobId(id).build());
    }

    Job awaitEnd(String id) {
        List<Job> seen = new ArrayList<>();
        Iterator<Job> stream = watch(id);
        Job last = readUntil(stream, seen, j -> isFinal(j));
        assertFalse(stream.hasNext(), "the stream ends after the final state");
        return last;
    }

    static boolean isFinal(Job j) {
        return j.getState() == JobState.JOB_STATE_SUCCEEDED || j.getState() == JobState.JOB_STATE_FAILED
                || j.getState() == JobState.JOB_STATE_CANCELLED;
    }

    List<Path> unfinishedArchives() throws Exception {
        try (Stream<Path> files = Files.list(config.storageDir())) {
            return files.filter(f -> f.getFileName().toString().startsWith(".building-")).toList();
        }
    }

    @Test
    void startBuildAnswersQueuedThenWatchSeesProgressThenThePackage() throws Exception {
        Job started;
        List<Job> seen = new ArrayList<>();
        Iterator<Job> stream;
        // The lock keeps the build RUNNING (pg_dump waits for it) until the watcher has seen it so.
        try (AutoCloseable lock = JobsFixture.lock(central, "field.medium")) {
            started = packaging.startBuild(tables("small", "medium"));
            assertEquals(JobState.JOB_STATE_QUEUED, started.getState());
            assertTrue(started.getId().matches("build-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                    started.getId());
            assertEquals("package-build", started.getKind());
            assertEquals("test-operator", started.getCreatedBy());
            assertTrue(started.hasCreatedAt());
            assertEquals("rows", started.getUnit(), "analysed tables: progress in rows");
            assertTrue(started.getTotal() > JobsFixture.MEDIUM_ROWS / 2, "the planner's estimate: " + started);
            stream = watch(started.getId());
            Job running = readUntil(stream, seen, j -> j.getState() == JobState.JOB_STATE_RUNNING);
            assertTrue(running.hasStartedAt());
            assertFalse(running.getStep().isEmpty());
        }
        Job end = readUntil(stream, seen, PackagingJobsIT::isFinal);
        assertFalse(stream.hasNext());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, end.getState(), end.toString());
        assertTrue(seen.stream().anyMatch(j -> j.getStep().equals("data: field.medium")), "a step per table: " + seen);
        assertTrue(seen.stream().anyMatch(j -> j.getState() == JobState.JOB_STATE_RUNNING && j.getDone() > 0
                && j.getPercent() > 0 && j.getPercent() < 100), "progress in rows while running: " + seen);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).getPercent() >= seen.get(i - 1).getPercent() || isFinal(seen.get(i)), "percent grows");
        }
        assertEquals(100, end.getPercent());
        assertEquals(JobsFixture.MEDIUM_ROWS + 10, end.getDone());
        assertEquals(end.getDone(), end.getTotal());
        assertTrue(end.getResult().startsWith("package:"), end.getResult());
        String packageId = end.getResult().substring("package:".length());
        var info = packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(packageId).build());
        assertEquals(2, info.getTablesCount());
        assertEquals("test-operator", info.getRequestedBy(), "requested_by defaults to the caller");
        assertTrue(end.getMessage().contains(packageId), end.getMessage());
        assertTrue(end.hasFinishedAt());
        assertEquals(end, jobs.getJob(GetJobRequest.newBuilder().setJobId(started.getId()).build()));
        // Watching a finished job: one message, then the end.
        Iterator<Job> again = watch(started.getId());
        assertEquals(end, again.next());
        assertFalse(again.hasNext());
        assertTrue(Files.isRegularFile(config.storageDir().resolve("jobs").resolve(started.getId() + ".json")),
                "the job is kept in its file");
        // A finished job cannot be cancelled.
        var e = assertThrows(StatusRuntimeException.class,
                () -> jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(started.getId()).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    }

    @Test
    void cancellingARunningBuildOfABigTableKeepsNothing() throws Exception {
        String before = JobsFixture.ticksAndHistory(central);
        int packages = packaging.listPackages(ListPackagesRequest.getDefaultInstance()).getPackagesCount();
        Job started = packaging.startBuild(tables("big"));
        List<Job> seen = new ArrayList<>();
        Iterator<Job> stream = watch(started.getId());
        // In the middle of the big table's COPY: some rows copied, far from all.
        readUntil(stream, seen, j -> j.getStep().equals("data: field.big") && j.getDone() > 0);
        Job asked = jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(started.getId()).build());
        assertTrue(asked.getCancelRequested());
        Job end = readUntil(stream, seen, PackagingJobsIT::isFinal);
        assertEquals(JobState.JOB_STATE_CANCELLED, end.getState(), "stopped inside the COPY: " + seen);
        assertTrue(end.getDone() < BIG_ROWS, "it stopped before the last row: " + end);
        assertTrue(end.getCancelRequested());
        assertEquals("", end.getResult());
        assertEquals(packages, packaging.listPackages(ListPackagesRequest.getDefaultInstance()).getPackagesCount(),
                "no package");
        assertEquals(before, JobsFixture.ticksAndHistory(central), "no tick, no history item");
        assertEquals(List.of(), unfinishedArchives(), "no half-written archive");
    }

    @Test
    void aQueuedBuildIsCancelledAtOnceAndARunningOneAtItsNextSafePoint() throws Exception {
        String before = JobsFixture.ticksAndHistory(central);
        Job running;
        Job queued;
        try (AutoCloseable lock = JobsFixture.lock(central, "field.small")) {
            running = packaging.startBuild(tables("small"));
            readUntil(watch(running.getId()), new ArrayList<>(), j -> j.getState() == JobState.JOB_STATE_RUNNING);
            queued = packaging.startBuild(tables("medium"));
            assertEquals(JobState.JOB_STATE_QUEUED, queued.getState());
            Thread.sleep(300);
            assertEquals(JobState.JOB_STATE_QUEUED,
                    jobs.getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build()).getState(),
                    "one build at a time: the second one waits");

            Job cancelled = jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(queued.getId()).build());
            assertEquals(JobState.JOB_STATE_CANCELLED, cancelled.getState(), "a queued build: at once");
            assertTrue(cancelled.hasFinishedAt());
            assertFalse(cancelled.hasStartedAt(), "it never ran");
            Iterator<Job> one = watch(queued.getId());
            assertEquals(cancelled, one.next());
            assertFalse(one.hasNext());

            Job asked = jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(running.getId()).build());
            assertEquals(JobState.JOB_STATE_RUNNING, asked.getState(), "a running build goes on to its safe point");
            assertTrue(asked.getCancelRequested());
        }
        Job end = awaitEnd(running.getId());
        assertEquals(JobState.JOB_STATE_CANCELLED, end.getState(), end.toString());
        assertEquals(before, JobsFixture.ticksAndHistory(central));
        assertEquals(List.of(), unfinishedArchives());
        // The queue is free again: a new build runs to its end.
        Job next = packaging.startBuild(tables("small"));
        assertEquals(JobState.JOB_STATE_SUCCEEDED, awaitEnd(next.getId()).getState());
    }

    @Test
    void beyondTheWaitingBuildsStartBuildIsRefusedAndCancelledOnesFreeTheirPlace() throws Exception {
        List<Job> started = new ArrayList<>();
        try (AutoCloseable lock = JobsFixture.lock(central, "field.small")) {
            Job running = packaging.startBuild(tables("small"));
            started.add(running);
            readUntil(watch(running.getId()), new ArrayList<>(), j -> j.getState() == JobState.JOB_STATE_RUNNING);
            for (int i = 0; i < config.maxWaitingBuilds(); i++) {
                started.add(packaging.startBuild(tables("small")));
            }
            int jobsBefore = jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(500).build()).getJobsCount();
            var full = assertThrows(StatusRuntimeException.class, () -> packaging.startBuild(tables("small")));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode());
            assertEquals(jobsBefore, jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(500).build()).getJobsCount(),
                    "a refused build makes no job");
            Job waiting = started.get(1);
            assertEquals(JobState.JOB_STATE_CANCELLED,
                    jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(waiting.getId()).build()).getState());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Job again = null;
            while (again == null && System.nanoTime() < deadline) {
                try {
                    again = packaging.startBuild(tables("small"));
                } catch (StatusRuntimeException stillFull) {
                    assertEquals(Status.Code.RESOURCE_EXHAUSTED, stillFull.getStatus().getCode());
                    Thread.sleep(20);
                }
            }
            assertTrue(again != null, "the cancelled build's place is free again");
            started.add(again);
            for (Job j : started) {
                Job now = jobs.getJob(GetJobRequest.newBuilder().setJobId(j.getId()).build());
                if (!isFinal(now)) {
                    jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(j.getId()).build());
                }
            }
        }
        for (Job j : started) {
            assertEquals(JobState.JOB_STATE_CANCELLED, awaitEnd(j.getId()).getState(), j.getId());
        }
    }

    @Test
    void refusedRequestsMakeNoJob() {
        int jobsBefore = jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(500).build()).getJobsCount();
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> packaging.startBuild(BuildPackageRequest.newBuilder()
                .addSchemas("public").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> packaging.startBuild(BuildPackageRequest.getDefaultInstance())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> packaging.startBuild(tables("no_such_table"))));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> packaging.startBuild(BuildPackageRequest.newBuilder()
                .addTables(TableRef.newBuilder().setSchemaName("raw").setTableName("unprepared")).build())));
        assertEquals(jobsBefore, jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(500).build()).getJobsCount());
    }

    @Test
    void unknownMalformedAndForeignIds() {
        String unknown = "build-" + UUID.randomUUID();
        assertEquals(Status.Code.NOT_FOUND, code(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId(unknown).build())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(unknown).build())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> watch(unknown).hasNext()));
        for (String bad : new String[] {"", "build-", "build-xyz", "../../etc/passwd", "build-" + UUID.randomUUID() + "/..",
                "BUILD-" + UUID.randomUUID(), "deploy-" + UUID.randomUUID(), "files-" + UUID.randomUUID(),
                "build-" + "9".repeat(5000)}) {
            var e = assertThrows(StatusRuntimeException.class, () -> jobs.getJob(GetJobRequest.newBuilder().setJobId(bad).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad);
            assertFalse(bad.length() > 8 && e.getStatus().getDescription().contains(bad), "not echoed");
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> watch(bad).hasNext()), bad);
            assertEquals(Status.Code.INVALID_ARGUMENT,
                    code(() -> jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(bad).build())), bad);
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> jobs.listJobs(ListJobsRequest.newBuilder()
                .setPageToken("not-a-token").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(-1).build())));
    }

    @Test
    void listJobsPagesAreNewestFirstAndStable() {
        for (int i = 0; i < 3; i++) {
            awaitEnd(packaging.startBuild(tables("small")).getId());
        }
        List<Job> all = jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(500).build()).getJobsList();
        assertTrue(all.size() >= 3);
        List<Job> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            var page = jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            assertTrue(page.getJobsCount() <= 2);
            paged.addAll(page.getJobsList());
            token = page.getNextPageToken();
            if (pages == 0) {
                // A job started between two pages does not shift the following ones.
                awaitEnd(packaging.startBuild(tables("small")).getId());
            }
            pages++;
        } while (!token.isEmpty());
        assertEquals(all.stream().map(Job::getId).toList(), paged.stream().map(Job::getId).toList());
        assertEquals(paged.size(), new HashSet<>(paged.stream().map(Job::getId).toList()).size(), "no job twice");
        for (int i = 1; i < all.size(); i++) {
            var a = all.get(i - 1).getCreatedAt();
            var b = all.get(i).getCreatedAt();
            assertTrue(a.getSeconds() > b.getSeconds() || (a.getSeconds() == b.getSeconds() && a.getNanos() >= b.getNanos()),
                    "newest first");
        }
        assertEquals(all.size() + 1, jobs.listJobs(ListJobsRequest.newBuilder().setKind("package-build").setPageSize(500)
                .build()).getJobsCount());
        assertEquals(0, jobs.listJobs(ListJobsRequest.newBuilder().setKind("package-deploy").build()).getJobsCount());
    }

    @Test
    void onlyAdministratorsAndOperatorsSeeJobs() {
        String id = "build-" + UUID.randomUUID();
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymousJobs.getJob(GetJobRequest.newBuilder().setJobId(id).build())));
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymousPackaging.startBuild(tables("small"))));
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymousJobs.watchJob(WatchJobRequest.newBuilder().setJobId(id)
                .build()).hasNext()));
        var field = TestKeys.get().as("field-worker", Roles.FIELD);
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> anonymousJobs.withCallCredentials(field)
                .listJobs(ListJobsRequest.getDefaultInstance())));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> anonymousJobs.withCallCredentials(field)
                .cancelJob(CancelJobRequest.newBuilder().setJobId(id).build())));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> anonymousPackaging.withCallCredentials(field)
                .startBuild(tables("small"))));
        var admin = TestKeys.get().administrator();
        assertEquals(Status.Code.NOT_FOUND, code(() -> anonymousJobs.withCallCredentials(admin)
                .getJob(GetJobRequest.newBuilder().setJobId(id).build())), "an administrator passes the check");
    }

    static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }
}
