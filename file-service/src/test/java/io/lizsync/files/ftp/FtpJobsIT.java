package io.lizsync.files.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.files.v1.FileAction;
import io.lizsync.proto.files.v1.FileOperationReport;
import io.lizsync.proto.files.v1.FileServiceGrpc;
import io.lizsync.proto.files.v1.GetFileOperationReportRequest;
import io.lizsync.proto.files.v1.GetProjectsFromCentralFtpRequest;
import io.lizsync.proto.files.v1.PgTarget;
import io.lizsync.proto.files.v1.SendProjectsToCloneFtpRequest;
import io.lizsync.proto.files.v1.SyncMediaToCentralFtpRequest;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.lizsync.testkit.FtpTestServer;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three FTP operations through file-service's gRPC as jobs, against an Apache FtpServer on
 * loopback: QUEUED at once, followed with WatchJob to their end, their reports, adapting the
 * projects fetched (the qgis-projects library), refusals before any job, and a refused login as a
 * failed job.
 */
@QuarkusTest
@TestProfile(FtpJobsIT.Ftp.class)
class FtpJobsIT {

    private static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");
    static FtpTestServer server;
    static Path work;

    /** An FTP server for "central" and "clone" (another folder of it), and a clone project folder. */
    public static class Ftp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (server == null) {
                    server = MirrorFixtures.ftpServer(0);
                    work = Files.createTempDirectory("lizsync-files-ftp-");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        MirrorFixtures.closeAndDelete(server);
                        MirrorFixtures.deleteTree(work);
                    }));
                }
                Path password = server.passwordFile();
                Path wrong = work.resolve("wrong-password");
                Files.writeString(wrong, "not-it\n");
                int port = MirrorFixtures.freePort();
                Map<String, String> c = new HashMap<>();
                c.put("lizsync.auth.public-key-file", TestKeys.get().publicKeyFile().toString());
                c.put("lizsync.files.work-dir", work.resolve("work").toString());
                c.put("lizsync.files.ftp.project-folder", work.resolve("project").toString());
                c.put("lizsync.files.ftp.parallel-transfers", "2");
                for (String[] e : new String[][] {{"central", "/central", password.toString()},
                        {"clone", "/clone", password.toString()}, {"badpass", "/central", wrong.toString()}}) {
                    String k = "lizsync.files.ftp.endpoints." + e[0] + ".";
                    c.put(k + "host", "127.0.0.1");
                    c.put(k + "port", String.valueOf(server.port()));
                    c.put(k + "user", FtpTestServer.USER);
                    c.put(k + "password-file", e[2]);
                    c.put(k + "tls", "none");
                    c.put(k + "remote-dir", e[1]);
                }
                c.put("quarkus.http.test-port", String.valueOf(port));
                c.put("quarkus.grpc.clients.files.host", "127.0.0.1");
                c.put("quarkus.grpc.clients.files.port", String.valueOf(port));
                c.put("quarkus.grpc.clients.files.test-port", String.valueOf(port));
                return c;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @GrpcClient("files")
    FileServiceGrpc.FileServiceBlockingStub anonymousFiles;

    @GrpcClient("files")
    JobsGrpc.JobsBlockingStub anonymousJobs;

    FileServiceGrpc.FileServiceBlockingStub files;
    JobsGrpc.JobsBlockingStub jobs;

    @BeforeEach
    void asOperator() {
        var token = TestKeys.get().as("ftp-operator", Roles.OPERATOR);
        files = anonymousFiles.withCallCredentials(token);
        jobs = anonymousJobs.withCallCredentials(token);
    }

    private static final PgTarget CENTRAL = PgTarget.newBuilder().setHost("central.example").setDbname("gis").build();
    private static final PgTarget CLONE = PgTarget.newBuilder().setHost("localhost").setPort(5433).setDbname("clone_a")
            .setUser("clone_editor").build();

    private static final String QGS = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            + "<qgis projectname=\"Base\" version=\"3.34.12-Prizren\">\n  <projectlayers>\n"
            + "    <maplayer type=\"vector\"><id>roads</id><datasource>dbname='gis' host=central.example user='editor'"
            + " key='id' srid=2154 type=MultiLineString table=\"base\".\"roads\" (geom) sql=\"kind\" = 'a=b'</datasource>"
            + "<provider encoding=\"UTF-8\">postgres</provider></maplayer>\n  </projectlayers>\n</qgis>\n";

    /** Follows a job with WatchJob to its end; every state seen. */
    private List<Job> follow(Job started) {
        List<Job> seen = new ArrayList<>();
        jobs.watchJob(WatchJobRequest.newBuilder().setJobId(started.getId()).build()).forEachRemaining(seen::add);
        return seen;
    }

    private FileOperationReport report(Job j) {
        return files.getFileOperationReport(GetFileOperationReportRequest.newBuilder().setJobId(j.getId()).build());
    }

    @Test
    void getProjectsMirrorsAndAdaptsAsAJobAndASecondRunFetchesNothing() throws Exception {
        Path remote = server.home().resolve("central/projects");
        MirrorFixtures.write(remote, "demo.qgs", QGS, T0);
        MirrorFixtures.write(remote, "styles/poi.qml", "<qgis/>", T0);
        MirrorFixtures.write(remote, "data/big.gpkg", "excluded by default", T0);
        var request = GetProjectsFromCentralFtpRequest.newBuilder().setRemoteDir("projects").setLocalSubfolder("p1")
                .setAdapt(true).setCentralDatabase(CENTRAL).setCloneDatabase(CLONE).build();

        Job started = files.getProjectsFromCentralFtp(request);
        assertTrue(started.getId().startsWith("files-"), started.getId());
        assertEquals("ftp-get-projects", started.getKind());
        assertEquals("ftp:central", started.getSubject());
        assertEquals("ftp-operator", started.getCreatedBy());
        List<Job> seen = follow(started);
        Job end = seen.get(seen.size() - 1);
        assertEquals("JOB_STATE_SUCCEEDED", end.getState().name(), end.getMessage());
        assertEquals("report:" + end.getId(), end.getResult());
        assertTrue(end.getMessage().contains("2 transferred") && end.getMessage().contains("1 project adapted ("),
                end.getMessage());

        FileOperationReport r = report(end);
        assertEquals(2, r.getFilesTransferred());
        assertTrue(r.getDurationMs() > 0, "the report says how long the mirror took");
        assertEquals("/central/projects", r.getRemoteDir());
        assertTrue(r.getFilesList().stream().allMatch(f -> f.getAction() == FileAction.FILE_ACTION_DOWNLOADED));
        assertTrue(r.getProjectsList().stream().anyMatch(p -> p.getPath().equals("demo.qgs")
                && p.getOutcome().equals("ADAPTED") && p.getDatasourcesRewritten() >= 1), r.getProjectsList().toString());
        Path local = work.resolve("project/p1");
        String adapted = Files.readString(local.resolve("demo.qgs"), StandardCharsets.UTF_8);
        assertTrue(adapted.contains("dbname='clone_a'") && !adapted.contains("central.example"), adapted);
        assertTrue(adapted.contains("sql=\"kind\" = 'a=b'"), "the filter is kept as it was: " + adapted);
        assertFalse(Files.exists(local.resolve("data")));

        Job again = follow(files.getProjectsFromCentralFtp(request)).stream().reduce((a, b) -> b).orElseThrow();
        assertEquals("JOB_STATE_SUCCEEDED", again.getState().name(), again.getMessage());
        FileOperationReport second = report(again);
        assertEquals(0, second.getFilesTransferred(), "the adapted project is not fetched again over itself");
        assertEquals(2, second.getFilesSkipped());
        assertEquals(adapted, Files.readString(local.resolve("demo.qgs"), StandardCharsets.UTF_8));

        var listed = jobs.listJobs(ListJobsRequest.newBuilder().setKind("ftp-get-projects").build());
        assertTrue(listed.getJobsList().stream().anyMatch(j -> j.getId().equals(end.getId())));
    }

    @Test
    void sendProjectsAndSyncMediaUploadAndNeverDeleteMedia() throws Exception {
        Path project = work.resolve("project/send");
        MirrorFixtures.write(project, "p.qgs", "<qgis/>", T0);
        MirrorFixtures.write(project, "data/local.gpkg", "excluded", T0);
        MirrorFixtures.write(server.home().resolve("clone/p"), "gone.qgs", "deleted when asked", T0);
        Job sent = follow(files.sendProjectsToCloneFtp(SendProjectsToCloneFtpRequest.newBuilder().setRemoteDir("p")
                .setLocalSubfolder("send").setDeleteExtraneous(true).build())).stream().reduce((a, b) -> b).orElseThrow();
        assertEquals("JOB_STATE_SUCCEEDED", sent.getState().name(), sent.getMessage());
        assertEquals(Map.of("p.qgs", "<qgis/>"), MirrorFixtures.tree(server.home().resolve("clone/p")));
        assertEquals(1, report(sent).getFilesDeleted());

        MirrorFixtures.write(work.resolve("project/media/upload"), "photo-1.jpg", "jpeg bytes", T0);
        MirrorFixtures.write(server.home().resolve("central/media/upload"), "from-another-clone.jpg", "kept", T0);
        Job media = follow(files.syncMediaToCentralFtp(SyncMediaToCentralFtpRequest.getDefaultInstance())).stream()
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("JOB_STATE_SUCCEEDED", media.getState().name(), media.getMessage());
        assertEquals("ftp-sync-media", media.getKind());
        assertEquals(Map.of("photo-1.jpg", "jpeg bytes", "from-another-clone.jpg", "kept"),
                MirrorFixtures.tree(server.home().resolve("central/media/upload")));
        assertEquals(0, report(media).getFilesDeleted());
    }

    @Test
    void badRequestsAreRefusedBeforeAnyJobAndARefusedLoginFailsTheJob() {
        for (var bad : List.of(
                GetProjectsFromCentralFtpRequest.newBuilder().setEndpoint("nowhere").build(),
                GetProjectsFromCentralFtpRequest.newBuilder().setLocalSubfolder("../../etc").build(),
                GetProjectsFromCentralFtpRequest.newBuilder().setRemoteDir("/etc").build(),
                GetProjectsFromCentralFtpRequest.newBuilder().addExcludeSubdirs("..").build(),
                GetProjectsFromCentralFtpRequest.newBuilder().setAdapt(true).setCloneDatabase(CLONE).build())) {
            var e = assertThrows(StatusRuntimeException.class, () -> files.getProjectsFromCentralFtp(bad));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad.toString());
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> jobs.getJob(
                GetJobRequest.newBuilder().setJobId("build-" + UUID.randomUUID()).build())).getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> jobs.getJob(
                GetJobRequest.newBuilder().setJobId("files-" + UUID.randomUUID()).build())).getStatus().getCode());

        Job refused = follow(files.getProjectsFromCentralFtp(GetProjectsFromCentralFtpRequest.newBuilder()
                .setEndpoint("badpass").build())).stream().reduce((a, b) -> b).orElseThrow();
        assertEquals("JOB_STATE_FAILED", refused.getState().name());
        assertEquals("UNAUTHENTICATED", refused.getErrorCode());
        assertTrue(refused.getMessage().contains("refused the login"), refused.getMessage());
        assertFalse(refused.getMessage().contains("not-it"));
        assertTrue(report(refused).getError().contains("refused the login"), "the report says it too");
    }
}
