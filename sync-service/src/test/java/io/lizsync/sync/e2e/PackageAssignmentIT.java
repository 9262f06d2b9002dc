package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.jobs.v1.CancelJobRequest;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.JobState;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.sync.v1.AssignPackageRequest;
import io.lizsync.proto.sync.v1.CloneState;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.GetCloneStateRequest;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.SyncReviewGrpc;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import io.lizsync.testkit.PgClusters;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Deploys through central (ADR 0015), end to end on real processes and databases: registry,
 * central, packaging-service and one clone's sidecar. An operator assigns a package to a clone;
 * the clone's next sync picks it up, sends the clone's edits first, deploys it and reports; the
 * job says how it went, and the clone's edits come back at the following sync (nothing lost,
 * nothing twice). Refusals (unknown clone or package, a second open assignment, edits that cannot
 * be sent first without force), a cancellation before the clone's contact, the clone state the
 * gateway lists, and operators' redeploys from packages older than the clone's last push.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageAssignmentIT {

    private static final String DDL = """
            CREATE SCHEMA survey;
            CREATE TABLE survey.parcel (id serial PRIMARY KEY, code text NOT NULL, owner text,
                geom geometry(Polygon, 2154) NOT NULL);
            """;
    private static final String CLONE = "clone-a";

    static PgClusters dbs;
    static ServiceProcess registry;
    static ServiceProcess central;
    static ServiceProcess packaging;
    static ServiceProcess sidecar;
    static final List<ManagedChannel> channels = new ArrayList<>();
    static String cloneId;
    static Map<String, String> sidecarEnv;
    static PackageInfo second;

    @BeforeAll
    static void start() throws Exception {
        dbs = PgClusters.start("central", CLONE);
        try {
            PackageDeployIT.dbs = dbs;
            PackageDeployIT.sql("central", DDL);
            packaging = ServiceProcess.start("assign-packaging", ServiceProcess.PACKAGING_JAR,
                    PackageProcesses.packagingEnv(dbs.get("central"), Files.createTempDirectory("lizsync-packages")));
            var processes = PackageProcesses.startCentral("assign-central", dbs.get("central"),
                    Map.of("LIZSYNC_SYNC_PACKAGING_PORT", Integer.toString(packaging.port)));
            registry = processes[0];
            central = processes[1];
            PackageProcesses.installAndPrepare(channel(central.port), "survey");
            sql("central", """
                    INSERT INTO survey.parcel (code, owner, geom)
                    SELECT 'P-' || g, 'owner ' || g, ST_MakeEnvelope(g * 100, 0, g * 100 + 90, 90, 2154)
                    FROM generate_series(1, 20) g""");
            sidecarEnv = PackageProcesses.sidecarEnv(dbs.get(CLONE), central.port, packaging.port,
                    Files.createTempDirectory("lizsync-sidecar-assign"));
            sidecar = ServiceProcess.start("assign-sidecar", sidecarEnv);
            // the clone exists: deployed once by an operator, the usual way
            PackageInfo first = build();
            var deployed = deploy(DeployRequest.newBuilder().setPackageId(first.getPackageId()).setCloneName("field-a")
                    .setRegistrationTicket(PackageProcesses.ticket(registry, channel(sidecar.port), "field-a", first)));
            assertEquals(1, deployed.getStatus(), deployed.getMessage());
            cloneId = deployed.getCloneId();
            assertEquals(1, sync().getStatus());
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        PackageProcesses.closeAll(channels, dbs, sidecar, packaging, central, registry);
    }

    @Test
    @Order(1)
    void anAssignedPackageIsDeployedAtTheClonesNextSyncAndTheJobSaysSo() throws Exception {
        sql("central", "UPDATE survey.parcel SET owner = 'changed before the second package' WHERE code = 'P-2'");
        second = build();
        String deployMark = one(CLONE, "SELECT xmin::text FROM lizsync.server_metadata");

        Job queued = review().assignPackage(AssignPackageRequest.newBuilder().setCloneId(cloneId)
                .setPackageId(second.getPackageId()).build());
        assertEquals(JobState.JOB_STATE_QUEUED, queued.getState());
        assertTrue(queued.getId().startsWith("deploy-"), queued.getId());
        assertEquals("package-deploy", queued.getKind());
        assertEquals("clone:" + cloneId, queued.getSubject());
        assertEquals("test-admin", queued.getCreatedBy());
        assertEquals(queued.getId(), review().getCloneState(GetCloneStateRequest.newBuilder().setCloneId(cloneId)
                .build()).getOpenAssignmentJobId());
        // still queued: the clone has not been in contact, and nothing changed there
        assertEquals(deployMark, one(CLONE, "SELECT xmin::text FROM lizsync.server_metadata"));

        // one open assignment per clone: a second is refused, naming the first
        var twice = assertThrows(StatusRuntimeException.class, () -> review().assignPackage(AssignPackageRequest
                .newBuilder().setCloneId(cloneId).setPackageId(second.getPackageId()).setForce(true).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, twice.getStatus().getCode());
        assertTrue(twice.getStatus().getDescription().contains(queued.getId()), twice.getStatus().getDescription());

        List<JobState> watched = Collections.synchronizedList(new ArrayList<>());
        Thread watcher = new Thread(() -> jobs().withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(queued.getId()).build())
                .forEachRemaining(j -> watched.add(j.getState())));
        watcher.start();
        Thread.sleep(300);

        SynchronizeResponse contact = sync();
        assertEquals(1, contact.getStatus(), contact.getMessage());
        assertTrue(contact.getMessage().contains(queued.getId() + " succeeded"), contact.getMessage());

        Job done = jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.getMessage());
        assertEquals("package:" + second.getPackageId(), done.getResult());
        assertTrue(done.getMessage().contains("registered with central"), done.getMessage());
        assertTrue(done.hasStartedAt() && done.hasFinishedAt());
        assertEquals(100, done.getPercent());
        // the clone holds the package: its id, a new identity, central's rows
        assertEquals(second.getPackageId(), one(CLONE, "SELECT package_id::text FROM lizsync.clone_state"));
        assertNotEquals(deployMark, one(CLONE, "SELECT xmin::text FROM lizsync.server_metadata"));
        assertEquals(PackageDeployIT.rows("central", "survey.parcel"), PackageDeployIT.rows(CLONE, "survey.parcel"));

        watcher.join(30_000);
        assertFalse(watcher.isAlive(), "the watch ends with the job");
        List<JobState> states = new ArrayList<>();
        watched.forEach(s -> {
            if (states.isEmpty() || states.get(states.size() - 1) != s) {
                states.add(s);
            }
        });
        assertEquals(List.of(JobState.JOB_STATE_QUEUED, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_SUCCEEDED),
                states);

        // the redeploy replaced the clone's credential: it syncs with the new one
        sql("central", "UPDATE survey.parcel SET owner = 'after the assignment' WHERE code = 'P-3'");
        SynchronizeResponse after = sync();
        assertEquals(1, after.getNumberReplayedToClone(), after.getMessage());
        assertEquals("after the assignment", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-3'"));
        var listed = jobs().listJobs(ListJobsRequest.newBuilder().setKind("package-deploy").setSubject("clone:" + cloneId).build());
        assertEquals(queued.getId(), listed.getJobs(0).getId());
        CloneState state = review().getCloneState(GetCloneStateRequest.newBuilder().setCloneId(cloneId).build());
        assertEquals("", state.getOpenAssignmentJobId());
        assertEquals("field-a", state.getName());
        // packaging-service's deployment list knows it (central told it, with its service token)
        var deployments = io.lizsync.proto.packaging.v1.PackagingServiceGrpc.newBlockingStub(channel(packaging.port))
                .withCallCredentials(Mesh.ADMIN).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listDeployments(io.lizsync.proto.packaging.v1.ListDeploymentsRequest.newBuilder()
                        .setPackageId(second.getPackageId()).build()).getDeploymentsList();
        assertEquals(List.of(cloneId), deployments.stream().map(d -> d.getCloneServerId()).toList());
        assertEquals(io.lizsync.testkit.ToolsVersions.current(), state.getToolsVersion());
    }

    @Test
    @Order(2)
    void unknownClonesPackagesAndJobsAreNotFoundMalformedIdsInvalid() {
        assertCode(Status.Code.NOT_FOUND, () -> review().assignPackage(AssignPackageRequest.newBuilder()
                .setCloneId(UUID.randomUUID().toString()).setPackageId(second.getPackageId()).build()));
        var pkg = assertCode(Status.Code.NOT_FOUND, () -> review().assignPackage(AssignPackageRequest.newBuilder()
                .setCloneId(cloneId).setPackageId(UUID.randomUUID().toString()).build()));
        assertTrue(pkg.getStatus().getDescription().contains("unknown package"), pkg.getStatus().getDescription());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> review().assignPackage(AssignPackageRequest.newBuilder()
                .setCloneId("clone-a").setPackageId(second.getPackageId()).build()));
        assertCode(Status.Code.NOT_FOUND, () -> jobs().getJob(GetJobRequest.newBuilder()
                .setJobId("deploy-" + UUID.randomUUID()).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> jobs().getJob(GetJobRequest.newBuilder()
                .setJobId("build-" + UUID.randomUUID()).build()));
        assertCode(Status.Code.NOT_FOUND, () -> review().getCloneState(GetCloneStateRequest.newBuilder()
                .setCloneId(UUID.randomUUID().toString()).build()));
        // nothing was queued by the refusals
        assertEquals("", review().getCloneState(GetCloneStateRequest.newBuilder().setCloneId(cloneId).build())
                .getOpenAssignmentJobId());
    }

    @Test
    @Order(3)
    void aJobCancelledWhileQueuedIsNeverDeployed() throws Exception {
        String deployMark = one(CLONE, "SELECT xmin::text FROM lizsync.server_metadata");
        Job queued = review().assignPackage(AssignPackageRequest.newBuilder().setCloneId(cloneId)
                .setPackageId(second.getPackageId()).setForce(true).build());
        Job cancelled = jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_CANCELLED, cancelled.getState());
        assertTrue(cancelled.hasFinishedAt());
        assertEquals(1, sync().getStatus());
        assertEquals(deployMark, one(CLONE, "SELECT xmin::text FROM lizsync.server_metadata"), "no deploy ran");
        assertEquals(JobState.JOB_STATE_CANCELLED, jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId())
                .build()).getState());
        assertCode(Status.Code.FAILED_PRECONDITION, () -> jobs().cancelJob(CancelJobRequest.newBuilder()
                .setJobId(queued.getId()).build()));
        // a finished watch is one message
        List<Job> once = new ArrayList<>();
        jobs().watchJob(WatchJobRequest.newBuilder().setJobId(queued.getId()).build()).forEachRemaining(once::add);
        assertEquals(1, once.size());
    }

    @Test
    @Order(4)
    void anAssignedDeploySendsTheClonesEditsFirstAndTheyComeBackAtTheNextSync() throws Exception {
        assertEquals(1, sync().getStatus());
        PackageInfo before = build();
        int centralRows = Integer.parseInt(one("central", "SELECT count(*) FROM survey.parcel"));
        sql("central", "UPDATE survey.parcel SET owner = 'central, after the package' WHERE code = 'P-1'");
        // the clone's edits, all after the package: two inserts (one updated since), an update and a
        // delete of rows the package has
        sql(CLONE, """
                INSERT INTO survey.parcel (code, owner, geom) VALUES
                    ('C-1', 'inserted on the clone', ST_MakeEnvelope(0, 200, 90, 290, 2154)),
                    ('C-2', 'inserted on the clone', ST_MakeEnvelope(100, 200, 190, 290, 2154));
                UPDATE survey.parcel SET owner = 'C-1, updated on the clone' WHERE code = 'C-1';
                UPDATE survey.parcel SET owner = 'edited on the clone' WHERE code = 'P-7';
                DELETE FROM survey.parcel WHERE code = 'P-8';""");
        assertEquals("5", one(CLONE, "SELECT count(*) FROM audit.logged_actions"));
        Job queued = assign(before);

        SynchronizeResponse contact = sync();
        assertEquals(1, contact.getStatus(), contact.getMessage());
        assertTrue(contact.getMessage().contains(queued.getId() + " succeeded"), contact.getMessage());
        assertEquals(4, contact.getNumberReplayedToCentral(), "the edits went first: " + contact.getMessage());
        Job done = jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.getMessage());
        // central holds the clone's edits, each once
        assertEquals(String.valueOf(centralRows + 1), one("central", "SELECT count(*) FROM survey.parcel"));
        assertEquals("1|C-1, updated on the clone", one("central",
                "SELECT count(*) || '|' || max(owner) FROM survey.parcel WHERE code = 'C-1'"));
        assertEquals("1", one("central", "SELECT count(*) FROM survey.parcel WHERE code = 'C-2'"));
        assertEquals("edited on the clone", one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-7'"));
        assertEquals("0", one("central", "SELECT count(*) FROM survey.parcel WHERE code = 'P-8'"));
        // the clone holds the package, made before its edits
        assertEquals(before.getPackageId(), one(CLONE, "SELECT package_id::text FROM lizsync.clone_state"));
        assertEquals(String.valueOf(centralRows), one(CLONE, "SELECT count(*) FROM survey.parcel"));
        assertEquals("0", one(CLONE, "SELECT count(*) FROM survey.parcel WHERE code LIKE 'C-%'"));
        assertEquals("owner 7", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-7'"));
        // what the gateway shows waits for it: central's change and the four the clone sent
        assertEquals(5, review().getCloneState(GetCloneStateRequest.newBuilder().setCloneId(cloneId).build())
                .getPendingEvents());

        // the next sync brings them back (the redeployed clone does not hold them), and central's own
        SynchronizeResponse back = sync();
        assertEquals(5, back.getNumberReplayedToClone(), back.getMessage());
        assertEquals(0, back.getNumberReplayedToCentral(), back.getMessage());
        assertEquals(PackageDeployIT.rows("central", "survey.parcel"), PackageDeployIT.rows(CLONE, "survey.parcel"));
        assertEquals(String.valueOf(centralRows + 1), one(CLONE, "SELECT count(*) FROM survey.parcel"));
        assertEquals("1|C-1, updated on the clone", one(CLONE,
                "SELECT count(*) || '|' || max(owner) FROM survey.parcel WHERE code = 'C-1'"));
        assertEquals("edited on the clone", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-7'"));
        assertEquals("0", one(CLONE, "SELECT count(*) FROM survey.parcel WHERE code = 'P-8'"));
        assertEquals("central, after the package", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-1'"));
        assertEquals("0", one(CLONE, "SELECT count(*) FROM audit.logged_actions"), "nothing waits to be pushed");
        // and nothing travels twice
        SynchronizeResponse again = sync();
        assertEquals(0, again.getNumberReplayedToClone(), again.getMessage());
        assertEquals(0, again.getNumberReplayedToCentral(), again.getMessage());
        assertEquals(String.valueOf(centralRows + 1), one("central", "SELECT count(*) FROM survey.parcel"));
    }

    @Test
    @Order(5)
    void editsThatCannotBeSentFirstFailTheJobWithoutForceAndStaySyncable() throws Exception {
        // central's table changed: the clone's hello is refused until it is deployed again, so its
        // edits cannot be sent first; the deploy's own check refuses them without force
        String packageBefore = one(CLONE, "SELECT package_id::text FROM lizsync.clone_state");
        sql("central", "ALTER TABLE survey.parcel ADD COLUMN note text");
        PackageInfo third = build();
        sql(CLONE, "UPDATE survey.parcel SET owner = 'edited on the clone' WHERE code = 'P-5'");
        Job queued = review().assignPackage(AssignPackageRequest.newBuilder().setCloneId(cloneId)
                .setPackageId(third.getPackageId()).build());

        SynchronizeResponse contact = sync();
        assertTrue(contact.getMessage().contains(queued.getId() + " failed"), contact.getMessage());
        Job failed = jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_FAILED, failed.getState());
        assertEquals("FAILED_PRECONDITION", failed.getErrorCode());
        assertTrue(failed.getMessage().contains("unsynced edit"), failed.getMessage());
        // the clone is as it was: its edit, its package
        assertEquals("edited on the clone", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-5'"));
        assertEquals(packageBefore, one(CLONE, "SELECT package_id::text FROM lizsync.clone_state"));
        // what central knows of the clone from that (refused) contact
        CloneState state = review().getCloneState(GetCloneStateRequest.newBuilder().setCloneId(cloneId).build());
        assertEquals(1, state.getUnsentChanges());
        assertTrue(state.hasOldestUnsentAt() && state.hasLastContact());
        assertTrue(Math.abs(state.getLastContact().getSeconds() - System.currentTimeMillis() / 1000) < 60);
        assertEquals("", state.getOpenAssignmentJobId());
        var page = review().listCloneStates(ListCloneStatesRequest.newBuilder().setPageSize(1).build());
        assertEquals(cloneId, page.getClones(0).getCloneId());
        assertEquals("", page.getNextPageToken());

        // back to the clone's structure: its edit reaches central at the next sync
        sql("central", "ALTER TABLE survey.parcel DROP COLUMN note");
        SynchronizeResponse later = sync();
        assertEquals(1, later.getNumberReplayedToCentral(), later.getMessage());
        assertEquals("edited on the clone", one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-5'"));
        // what the clone stated at that hello (before its push); the next hello states none unsent
        assertEquals(1, review().getCloneState(GetCloneStateRequest.newBuilder().setCloneId(cloneId).build())
                .getUnsentChanges());
        assertEquals(1, sync().getStatus());
        assertEquals(0, review().getCloneState(GetCloneStateRequest.newBuilder().setCloneId(cloneId).build())
                .getUnsentChanges());
    }

    @Test
    @Order(6)
    void aRunningJobCancelledBeforeItsCommitLeavesTheCloneAsItWas() throws Exception {
        PackageInfo fifth = build();
        String deployMark = one(CLONE, "SELECT xmin::text FROM lizsync.server_metadata");
        restartSidecar("assign-sidecar-slow", Map.of("LIZSYNC_SYNC_TEST_ASSIGNMENT_PAUSE", "1s"));
        Job queued = assign(fifth);
        SynchronizeResponse[] contact = {null};
        Thread syncing = new Thread(() -> contact[0] = sync());
        syncing.start();
        Job running = queued;
        for (int i = 0; i < 100 && running.getState() == JobState.JOB_STATE_QUEUED; i++) {
            Thread.sleep(50);
            running = jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build());
        }
        assertEquals(JobState.JOB_STATE_RUNNING, running.getState());
        Job asked = jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_RUNNING, asked.getState(), "it stops at its next safe point");
        assertTrue(asked.getCancelRequested());
        syncing.join(60_000);
        assertTrue(contact[0] != null && contact[0].getMessage().contains(queued.getId() + " cancelled"),
                String.valueOf(contact[0]));
        Job cancelled = jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_CANCELLED, cancelled.getState(), cancelled.getMessage());
        assertEquals(deployMark, one(CLONE, "SELECT xmin::text FROM lizsync.server_metadata"), "nothing deployed");
        assertNotEquals(fifth.getPackageId(), one(CLONE, "SELECT package_id::text FROM lizsync.clone_state"));
        restartSidecar("assign-sidecar-after-cancel", Map.of());
        assertEquals(1, sync().getStatus(), "the clone syncs on, with its credential");
    }

    @Test
    @Order(7)
    void aSidecarKilledAfterItsDeployReportsTheOutcomeAtItsNextContact() throws Exception {
        PackageInfo fourth = build();
        restartSidecar("assign-sidecar-crashing", Map.of("LIZSYNC_SYNC_TEST_CRASH_POINT", "assignment-after-deploy"));
        Job queued = assign(fourth);
        assertThrows(StatusRuntimeException.class, PackageAssignmentIT::sync, "the sidecar halts mid-contact");
        assertEquals(JobState.JOB_STATE_RUNNING, jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId())
                .build()).getState(), "central heard no outcome");
        restartSidecar("assign-sidecar-again", Map.of());

        assertEquals(1, sync().getStatus());
        Job done = jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.getMessage());
        assertTrue(done.getMessage().contains("after it restarted"), done.getMessage());
        assertEquals(fourth.getPackageId(), one(CLONE, "SELECT package_id::text FROM lizsync.clone_state"));
        sql("central", "UPDATE survey.parcel SET owner = 'after the recovery' WHERE code = 'P-6'");
        assertEquals(1, sync().getNumberReplayedToClone());
    }

    @Test
    @Order(8)
    void jobsAreListedNewestFirstInPagesThatNeitherRepeatNorSkip() {
        var all = jobs().listJobs(ListJobsRequest.newBuilder().setKind("package-deploy").build());
        assertEquals("", all.getNextPageToken());
        assertEquals(6, all.getJobsCount(), "one job per assignment of the tests before");
        for (int i = 1; i < all.getJobsCount(); i++) {
            var newer = all.getJobs(i - 1).getCreatedAt();
            var older = all.getJobs(i).getCreatedAt();
            assertTrue(newer.getSeconds() > older.getSeconds() || newer.getSeconds() == older.getSeconds()
                    && newer.getNanos() >= older.getNanos(), "newest first");
        }
        List<String> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            var page = jobs().listJobs(ListJobsRequest.newBuilder().setKind("package-deploy").setPageSize(2).setPageToken(token).build());
            page.getJobsList().forEach(j -> paged.add(j.getId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(3, pages);
        assertEquals(all.getJobsList().stream().map(Job::getId).toList(), paged);
        assertEquals(0, jobs().listJobs(ListJobsRequest.newBuilder().setKind("package-deploy").setSubject("clone:" + UUID.randomUUID()).build())
                .getJobsCount());
        // two kinds live here: a listing names one (a kind of another service's, or none, is refused)
        assertCode(Status.Code.INVALID_ARGUMENT, () -> jobs().listJobs(ListJobsRequest.newBuilder().setKind("package-build").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> jobs().listJobs(ListJobsRequest.getDefaultInstance()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> jobs().listJobs(ListJobsRequest.newBuilder().setKind("package-deploy")
                .setPageToken("not-a-token").build()));
    }

    @Test
    @Order(9)
    void anOperatorsRedeployFromAPackageOlderThanTheClonesLastPushBringsItsEditsBack() throws Exception {
        PackageInfo older = build();
        sql(CLONE, """
                UPDATE survey.parcel SET owner = 'pushed by the clone' WHERE code = 'P-9';
                INSERT INTO survey.parcel (code, owner, geom)
                    VALUES ('C-3', 'pushed by the clone', ST_MakeEnvelope(200, 200, 290, 290, 2154));
                DELETE FROM survey.parcel WHERE code = 'P-10';""");
        assertEquals(3, sync().getNumberReplayedToCentral());
        assertEquals("pushed by the clone", one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-9'"));
        Map<String, String> central = PackageDeployIT.rows("central", "survey.parcel");

        // no force needed: nothing is unsynced, and going back to an older package loses nothing now
        var redeployed = deploy(DeployRequest.newBuilder().setPackageId(older.getPackageId())
                .setRegistrationTicket(PackageProcesses.ticket(registry, channel(sidecar.port), "field-a", older)));
        assertEquals(1, redeployed.getStatus(), redeployed.getMessage());
        assertTrue(redeployed.getMessage().contains("went back from central position"), redeployed.getMessage());
        assertFalse(redeployed.getMessage().contains("forced"), redeployed.getMessage());
        assertEquals("owner 9", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-9'"));
        assertEquals("1", one(CLONE, "SELECT count(*) FROM survey.parcel WHERE code = 'P-10'"));

        SynchronizeResponse back = sync();
        assertEquals(3, back.getNumberReplayedToClone(), "the clone's own pushed edits come back: " + back.getMessage());
        assertEquals(central, PackageDeployIT.rows(CLONE, "survey.parcel"));
        assertEquals(central, PackageDeployIT.rows("central", "survey.parcel"), "central is unchanged");
        assertEquals("0", one(CLONE, "SELECT count(*) FROM audit.logged_actions"));
        SynchronizeResponse again = sync();
        assertEquals(0, again.getNumberReplayedToClone() + again.getNumberReplayedToCentral(), again.getMessage());
    }

    @Test
    @Order(10)
    void aForcedRedeployDiscardsTheEditsMadeAfterThePushAndOnlyThose() throws Exception {
        PackageInfo older = build();
        sql(CLONE, "UPDATE survey.parcel SET owner = 'pushed before the deploy' WHERE code = 'P-11'");
        assertEquals(1, sync().getNumberReplayedToCentral());
        String centralP12 = one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-12'");
        sql(CLONE, """
                UPDATE survey.parcel SET owner = 'made after the push' WHERE code = 'P-12';
                INSERT INTO survey.parcel (code, owner, geom)
                    VALUES ('C-4', 'made after the push', ST_MakeEnvelope(300, 200, 390, 290, 2154));""");
        String ticket = PackageProcesses.ticket(registry, channel(sidecar.port), "field-a", older);
        // the deploy's check of unsynced edits stays: refused without force
        var refused = assertThrows(StatusRuntimeException.class, () -> deploy(DeployRequest.newBuilder()
                .setPackageId(older.getPackageId()).setRegistrationTicket(ticket)));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("2 unsynced edit(s)"),
                refused.getStatus().getDescription());

        var forced = deploy(DeployRequest.newBuilder().setPackageId(older.getPackageId()).setForce(true)
                .setRegistrationTicket(ticket));
        assertEquals(1, forced.getStatus(), forced.getMessage());
        assertTrue(forced.getMessage().contains("discarded 2 unsynced edit(s)"), forced.getMessage());
        assertEquals(1, sync().getNumberReplayedToClone(), "the pushed edit comes back");
        assertEquals("pushed before the deploy", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-11'"));
        // the edits made after the push are lost, as force says: on the clone and on central alike
        assertEquals(centralP12, one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-12'"));
        assertEquals(centralP12, one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-12'"));
        assertEquals("0", one(CLONE, "SELECT count(*) FROM survey.parcel WHERE code = 'C-4'"));
        assertEquals("0", one("central", "SELECT count(*) FROM survey.parcel WHERE code = 'C-4'"));
        assertEquals(PackageDeployIT.rows("central", "survey.parcel"), PackageDeployIT.rows(CLONE, "survey.parcel"));
    }

    @Test
    @Order(11)
    void anAssignmentWhoseEditsCannotBeSentFirstFailsUnlessForced() throws Exception {
        PackageInfo pkg = build();
        String packageBefore = one(CLONE, "SELECT package_id::text FROM lizsync.clone_state");
        sql(CLONE, "UPDATE survey.parcel SET owner = 'never sent' WHERE code = 'P-13'");
        // central takes no edit of this clone any more (as when it fell behind central's log retention)
        sql("central", "UPDATE lizsync.clone_state SET redeploy_required = true WHERE clone_id = '" + cloneId + "'");
        Job queued = assign(pkg);
        SynchronizeResponse contact = sync();
        assertTrue(contact.getMessage().contains(queued.getId() + " failed"), contact.getMessage());
        Job failed = jobs().getJob(GetJobRequest.newBuilder().setJobId(queued.getId()).build());
        assertEquals(JobState.JOB_STATE_FAILED, failed.getState());
        assertTrue(failed.getMessage().startsWith("could not send the clone's edits first: "), failed.getMessage());
        assertTrue(failed.getMessage().contains("fell behind"), failed.getMessage());
        assertEquals("FAILED_PRECONDITION", failed.getErrorCode());
        assertEquals("never sent", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-13'"), "untouched");
        assertEquals(packageBefore, one(CLONE, "SELECT package_id::text FROM lizsync.clone_state"));

        // forced: the deploy runs, the edit that could not be sent is discarded (as force says)
        Job forced = review().assignPackage(AssignPackageRequest.newBuilder().setCloneId(cloneId)
                .setPackageId(pkg.getPackageId()).setForce(true).build());
        SynchronizeResponse deployed = sync();
        assertTrue(deployed.getMessage().contains(forced.getId() + " succeeded"), deployed.getMessage());
        assertTrue(jobs().getJob(GetJobRequest.newBuilder().setJobId(forced.getId()).build()).getMessage()
                .contains("discarded 1 unsynced edit(s)"));
        assertEquals(pkg.getPackageId(), one(CLONE, "SELECT package_id::text FROM lizsync.clone_state"));
        assertEquals(1, sync().getStatus(), "the clone syncs on: the registration cleared the flag");
        assertEquals(one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-13'"),
                one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-13'"));
        assertNotEquals("never sent", one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-13'"));
        assertEquals(PackageDeployIT.rows("central", "survey.parcel"), PackageDeployIT.rows(CLONE, "survey.parcel"));
    }

    @Test
    @Order(12)
    void aRedeployedClonesEditOfAFieldItsEarlierIncarnationChangedIsAConflict() throws Exception {
        PackageInfo older = build();
        sql(CLONE, "UPDATE survey.parcel SET owner = 'sent before the redeploy' WHERE code = 'P-14'");
        assertEquals(1, sync().getNumberReplayedToCentral());
        var redeployed = deploy(DeployRequest.newBuilder().setPackageId(older.getPackageId())
                .setRegistrationTicket(PackageProcesses.ticket(registry, channel(sidecar.port), "field-a", older)));
        assertEquals(1, redeployed.getStatus(), redeployed.getMessage());
        // the new incarnation never saw that edit: its own edit of the field meets it as central's side
        sql(CLONE, "UPDATE survey.parcel SET owner = 'edited after the redeploy' WHERE code = 'P-14'");
        SynchronizeResponse s = sync();
        assertEquals(1, s.getNumberReplayedToCentral(), s.getMessage());
        assertEquals(1, s.getNumberConflicts(), s.getMessage());
        assertEquals("clone|\"sent before the redeploy\"|\"edited after the redeploy\"", one("central", """
                SELECT c.winner || '|' || c.central_value::text || '|' || c.clone_value::text
                FROM lizsync.conflicts c JOIN survey.parcel p ON p.uid = c.object_uid
                WHERE p.code = 'P-14' AND c.field_name = 'owner'"""));
        // the later edit won (last edit wins): both hold it, and it does not come back
        assertEquals("edited after the redeploy", one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-14'"));
        assertEquals("edited after the redeploy", one(CLONE, "SELECT owner FROM survey.parcel WHERE code = 'P-14'"));
        assertEquals(0, s.getNumberReplayedToClone(), s.getMessage());
        assertEquals(PackageDeployIT.rows("central", "survey.parcel"), PackageDeployIT.rows(CLONE, "survey.parcel"));
    }

    // ------------------------------------------------------------------ helpers

    /** The clone's sidecar again, on the same state directory, with {@code extra} in its environment. */
    static void restartSidecar(String name, Map<String, String> extra) throws Exception {
        sidecar.close();
        Map<String, String> env = new java.util.HashMap<>(sidecarEnv);
        env.putAll(extra);
        sidecar = ServiceProcess.start(name, env);
    }

    static Job assign(PackageInfo p) {
        return review().assignPackage(AssignPackageRequest.newBuilder().setCloneId(cloneId)
                .setPackageId(p.getPackageId()).build());
    }

    static StatusRuntimeException assertCode(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
        return e;
    }

    static SyncReviewGrpc.SyncReviewBlockingStub review() {
        return SyncReviewGrpc.newBlockingStub(channel(central.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static JobsGrpc.JobsBlockingStub jobs() {
        return JobsGrpc.newBlockingStub(channel(central.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static PackageInfo build() {
        PackageDeployIT.packaging = packaging;
        return PackageDeployIT.build(BuildPackageRequest.newBuilder().addSchemas("survey").build());
    }

    static io.lizsync.proto.sync.v1.DeployProgress deploy(DeployRequest.Builder request) {
        PackageDeployIT.sidecars.put(CLONE, sidecar);
        return PackageDeployIT.deploy(CLONE, request);
    }

    static SynchronizeResponse sync() {
        PackageDeployIT.sidecars.put(CLONE, sidecar);
        return PackageDeployIT.sync(CLONE);
    }

    static ManagedChannel channel(int port) {
        ManagedChannel ch = PackageDeployIT.channel(port);
        channels.add(ch);
        return ch;
    }

    static void sql(String node, String text) throws Exception {
        PackageDeployIT.sql(node, text);
    }

    static String one(String node, String query) throws Exception {
        return PackageDeployIT.one(node, query);
    }
}
