package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lizsync.proto.packaging.v1.BuildPackageEvent;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.BuildProgress;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagedTable;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.sql.pkg.PackageBuilder;
import io.lizsync.testkit.RssSampler;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.PgClusters;
import io.lizsync.testkit.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package figures of the issue, measured side by side on the same two clusters in one run (not
 * a test: run by {@code scripts/bench.sh package [ROWS]}). A table of {@code -Dbench.rows=N} rows
 * (default 1 000 000) with a geometry column and indexes is packaged by packaging-service and
 * deployed by a clone sidecar (each its own process, real gRPC), against {@code pg_dump -Fc} and
 * {@code pg_restore} of the same schema between the same clusters. The memory of both processes
 * (resident set sampled every 100 ms, VmHWM, and the Java heap from a GC log) is measured during the
 * build and the deploy at N and at N/10 rows (fresh processes for each size), to show whether it
 * grows with the package. Each pair of processes first builds and deploys once, unmeasured but
 * shown (the first round after start pays class loading, JIT and first connections; the services
 * run for days); then {@code -Dbench.rounds} measured rounds (3 up to 200 000 rows, else 1), each
 * after a round of the reference, each side after a CHECKPOINT of both servers (untimed), and the
 * ratio of the medians. Where the time goes: the progress messages of both calls, and the
 * statements of at least {@code -Dbench.slow} (250ms by default; 0ms lists every statement of the
 * last round, a server-side timeline) from the servers' logs for ours and for the reference.
 * Results go to stdout and target/bench/package-bench.txt.
 */
class PackageBenchmark {

    private static final String JVM_OPTS = "lizsync.e2e.jvm-opts";
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(60);
    private static final long RPC_DEADLINE_MINUTES = 60;
    private static final String TABLE = "bench.feature";
    /**
     * maintenance_work_mem of pg_restore's session: the same as the sidecar's deploy transaction
     * (lizsync.sync.deploy.maintenance-work-mem, default 256MB), so that both build their indexes alike.
     */
    private static final String RESTORE_MAINTENANCE_WORK_MEM = "256MB";
    /** Statements at least this long are read back from the server logs to show where the time goes. */
    private static final String SLOW = System.getProperty("bench.slow", "250ms");
    private static final Pattern DURATION = Pattern.compile(
            "duration: ([0-9.]+) ms\\s+(?:statement|execute [^:]*): (.*)");

    private final Map<String, String> results = new LinkedHashMap<>();
    private final Map<String, List<String>> slow = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Path> scratch = new ArrayList<>();
    private PgClusters dbs;
    private ServiceProcess central;

    /** One "ours" measurement: timings, package, memory. */
    private record Run(int rows, long tableBytes, long buildNanos, long deployNanos, PackageInfo pkg,
            Map<String, Long> buildPhases, Map<String, Long> deployPhases, Map<String, Memory> memory,
            List<String> buildSlow, List<String> deploySlow, long firstBuildNanos, long firstDeployNanos,
            Map<String, Long> firstBuildPhases, Map<String, Long> firstDeployPhases, List<Long> oursTotals,
            List<Long> referenceTotals) {
    }

    /**
     * One service process: resident set in kB (after start-up, peak sampled during the build and
     * during the deploy, VmHWM at the end), its Java heap as the GC log saw it, and its CPU seconds,
     * during the build and during the deploy.
     */
    private record Memory(long idleKb, long buildPeakKb, long deployPeakKb, long hwmKb, Heap buildHeap,
            Heap deployHeap, double buildCpu, double deployCpu) {

        long peakKb() {
            return Math.max(buildPeakKb, deployPeakKb);
        }

        Heap heap() {
            return new Heap(Math.max(buildHeap.maxAfterMb(), deployHeap.maxAfterMb()),
                    Math.max(buildHeap.maxBeforeMb(), deployHeap.maxBeforeMb()),
                    Math.max(buildHeap.maxCommittedMb(), deployHeap.maxCommittedMb()),
                    buildHeap.collections() + deployHeap.collections());
        }
    }

    /** Java heap in a window of the GC log: largest after and before a collection, largest committed size. */
    private record Heap(long maxAfterMb, long maxBeforeMb, long maxCommittedMb, int collections) {
    }

    /** A service process watched through /proc and its GC log. */
    private record Watched(long pid, Path gcLog) {

        long gcMark() {
            try {
                return Files.exists(gcLog) ? Files.size(gcLog) : 0;
            } catch (IOException e) {
                return 0;
            }
        }
    }

    @Test
    void run() throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        String loadBefore = loadAverage();
        int small = Math.max(1, rows / 10);
        String previousOpts = System.getProperty(JVM_OPTS);
        if (previousOpts == null || previousOpts.isBlank()) {
            System.setProperty(JVM_OPTS, "-Xmx512m"); // full JIT, as in production
        }
        preloadClasses();
        Path pgDump = PackageBuilder.findPgDump(null); // the one packaging-service picks
        Path pgRestore = pgDump.resolveSibling("pg_restore");
        try {
            dbs = PgClusters.start("central", "clone");
            PgCluster centralDb = dbs.get("central");
            PgCluster cloneDb = dbs.get("clone");
            for (PgCluster db : dbs) {
                exec(db, null, "ALTER SYSTEM SET log_min_duration_statement = '" + SLOW + "'", "SELECT pg_reload_conf()");
            }

            long t0 = System.nanoTime();
            exec(centralDb, null, """
                    CREATE SCHEMA bench;
                    CREATE TABLE bench.feature (id serial PRIMARY KEY, name text, kind integer, measured numeric(10,2),
                        seen_at timestamptz, geom geometry(Point, 2154));""");
            exec(centralDb, null, "INSERT INTO bench.feature (name, kind, measured, seen_at, geom) "
                    + "SELECT CASE WHEN g % 53 = 0 THEN NULL ELSE 'feature ' || g || ' ' || substr(md5(g::text), 1, 1 + g % 28) END,"
                    + " (g::bigint * 7919) % 40,"
                    + " ((g::bigint * 2654435761) % 10000000) / 100.0,"
                    + " timestamptz '2020-01-01 00:00+00' + g * interval '17 seconds',"
                    + " CASE WHEN g % 97 = 0 THEN NULL ELSE ST_SetSRID(ST_MakePoint("
                    + "100000 + (g::bigint * 7919) % 1100000 + (g % 100) / 100.0,"
                    + " 6050000 + (g::bigint * 104729) % 1050000 + (g % 37) / 10.0), 2154) END "
                    + "FROM generate_series(1, " + rows + ") g");
            exec(centralDb, null, "CREATE INDEX feature_geom_idx ON bench.feature USING gist (geom)");
            exec(centralDb, null, "CREATE INDEX feature_kind_idx ON bench.feature (kind)");

            central = ServiceProcess.start("pbench-central", Mesh.dbEnv(centralDb, "central"));
            var admin = CentralAdminGrpc.newBlockingStub(channel(central.port)).withCallCredentials(Mesh.ADMIN)
                    .withDeadlineAfter(RPC_DEADLINE_MINUTES, TimeUnit.MINUTES);
            assertEquals(1, admin.install(InstallRequest.getDefaultInstance()).getStatus());
            var prepared = admin.prepare(PrepareRequest.newBuilder().setAddServerId(true).setAddUidColumns(true)
                    .setAddAuditTriggers(true).addSchemas("bench").build());
            assertEquals(1, prepared.getStatus(), prepared.getMessage());
            exec(centralDb, null, "VACUUM ANALYZE " + TABLE);
            long setupNanos = System.nanoTime() - t0;
            long tableBytes = tableBytes(centralDb);
            String centralNulls = nulls(centralDb, null);

            // Reference: pg_dump -Fc of the schema, pg_restore into a fresh database on the clone server.
            Path dump = scratchFile("lizsync-bench-dump", ".pgdump");
            settle();
            long centralMark = logMark(centralDb);
            long dumpNanos = timed(() -> ProcessRunner.check(List.of(pgDump.toString(), "-Fc", "-d", centralDb.database(),
                    "--schema=bench", "-f", dump.toString()), TOOL_TIMEOUT, pgEnv(centralDb)));
            long dumpBytes = Files.size(dump);
            slow.put("pg_dump (central)", slowSince(centralDb, centralMark));
            cloneDb.createDatabase("ref"); // with postgis, like the testkit's default database
            // The capture trigger calls audit.if_modified_func(), which lives outside the dumped schema: skipped.
            String toc = ProcessRunner.check(List.of(pgRestore.toString(), "-l", dump.toString()), TOOL_TIMEOUT,
                    pgEnv(cloneDb)).output();
            Path list = scratchFile("lizsync-bench-toc", ".list");
            Files.writeString(list, toc.lines().filter(l -> !l.matches(".*\\sTRIGGER\\s.*"))
                    .collect(Collectors.joining("\n", "", "\n")));
            long cloneMark = logMark(cloneDb);
            Map<String, String> restoreEnv = pgEnv(cloneDb);
            restoreEnv.put("PGOPTIONS", "-c maintenance_work_mem=" + RESTORE_MAINTENANCE_WORK_MEM);
            long restoreNanos = timed(() -> ProcessRunner.check(List.of(pgRestore.toString(), "--exit-on-error", "-d",
                    "ref", "-L", list.toString(), dump.toString()), TOOL_TIMEOUT, restoreEnv));
            // The same again in each measured round, interleaved with ours (into ref1, ref2...: fresh databases).
            ReferenceRound referenceRound = round -> {
                String db = "ref" + round;
                cloneDb.createDatabase(db);
                settle();
                long d = timed(() -> ProcessRunner.check(List.of(pgDump.toString(), "-Fc", "-d", centralDb.database(),
                        "--schema=bench", "-f", dump.toString()), TOOL_TIMEOUT, pgEnv(centralDb)));
                long r = timed(() -> ProcessRunner.check(List.of(pgRestore.toString(), "--exit-on-error", "-d",
                        db, "-L", list.toString(), dump.toString()), TOOL_TIMEOUT, restoreEnv));
                check("reference round " + round + ": rows in the restored table", Integer.toString(rows),
                        count(cloneDb, db));
                exec(cloneDb, null, "DROP DATABASE " + db);
                return d + r;
            };
            slow.put("pg_restore (clone)", slowSince(cloneDb, cloneMark));
            check("reference: rows in the restored table", Integer.toString(rows), count(cloneDb, "ref"));
            check("reference: rows without geometry", centralNulls, nulls(cloneDb, "ref"));
            check("reference: indexes", indexes(centralDb, null), indexes(cloneDb, "ref"));

            // Ours at N rows, then at N/10 (the same table cut down) with fresh processes.
            Run full = ours("full", rows, tableBytes, false, rounds(rows), referenceRound);
            // TRUNCATE and refill rather than DELETE + VACUUM FULL, which keeps the deleted rows that
            // any open snapshot (an autovacuum ANALYZE...) may still see.
            exec(centralDb, null, "SET lizsync.capture = 'off'",
                    "CREATE TEMPORARY TABLE kept AS SELECT * FROM " + TABLE + " WHERE id <= " + small,
                    "TRUNCATE " + TABLE, "INSERT INTO " + TABLE + " SELECT * FROM kept", "DROP TABLE kept",
                    "RESET lizsync.capture", "VACUUM ANALYZE " + TABLE);
            Run tenth = ours("tenth", small, tableBytes(centralDb), true, 1, null);

            slow.put("BuildPackage (central)", full.buildSlow());
            slow.put("Deploy (clone)", full.deploySlow());
            results.put("machine", Runtime.getRuntime().availableProcessors() + " cores, load average " + loadBefore
                    + " at the start, " + loadAverage() + " at the end");
            record(rows, setupNanos, tableBytes, pgDump, dumpNanos, restoreNanos, dumpBytes, full, tenth);
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            if (central != null) {
                central.close();
            }
            if (dbs != null) {
                dbs.close();
            }
            for (Path p : scratch) {
                deleteTree(p);
            }
            if (previousOpts == null) {
                System.clearProperty(JVM_OPTS);
            } else {
                System.setProperty(JVM_OPTS, previousOpts);
            }
        }
        assertTrue(problems.isEmpty(), "wrong results: " + problems);
    }

    /** One measured round of the reference (pg_dump -Fc + pg_restore), in nanoseconds. */
    private interface ReferenceRound {
        long run(int round) throws Exception;
    }

    /**
     * Measured rounds (-Dbench.rounds): by default 3 up to 200 000 rows, where one round lasts a
     * second or so and the noise of a loaded machine would decide a single figure, 1 above.
     */
    private static int rounds(int rows) {
        return Integer.getInteger("bench.rounds", rows <= 200_000 ? 3 : 1);
    }

    /**
     * Fresh packaging-service and sidecar; a first round, then {@code rounds} measured rounds, each
     * after a round of {@code reference} when there is one; builds the schema, deploys the package
     * by id; checks the clone. Memory, phases and slow statements are those of the last round.
     */
    private Run ours(String label, int rows, long tableBytes, boolean redeploy, int rounds, ReferenceRound reference)
            throws Exception {
        PgCluster centralDb = dbs.get("central");
        PgCluster cloneDb = dbs.get("clone");
        ServiceProcess packaging = null;
        ServiceProcess sidecar = null;
        try {
            // GC logs through JAVA_TOOL_OPTIONS: the JVM options of the services stay the configured ones.
            Path gcDir = scratchDir("lizsync-bench-gc");
            Map<String, String> penv = Mesh.dbEnv(centralDb, "central");
            penv.put("LIZSYNC_PACKAGING_STORAGE_DIR", scratchDir("lizsync-bench-packages").toString());
            penv.put("JAVA_TOOL_OPTIONS", "-Xlog:gc:file=" + gcDir.resolve("packaging.log"));
            Set<Long> before = children();
            packaging = ServiceProcess.start("pbench-packaging-" + label, ServiceProcess.PACKAGING_JAR, penv);
            long packagingPid = newChild(before, ServiceProcess.PACKAGING_JAR);

            Map<String, String> senv = Mesh.dbEnv(cloneDb, "clone");
            senv.put("LIZSYNC_SYNC_CENTRAL_PORT", Integer.toString(central.port));
            senv.put("LIZSYNC_SYNC_PACKAGING_PORT", Integer.toString(packaging.port));
            senv.put("LIZSYNC_SYNC_STATE_DIR", scratchDir("lizsync-bench-sidecar").toString());
            senv.put("JAVA_TOOL_OPTIONS", "-Xlog:gc:file=" + gcDir.resolve("sidecar.log"));
            before = children();
            sidecar = ServiceProcess.start("pbench-sidecar-" + label, senv);
            long sidecarPid = newChild(before, ServiceProcess.JAR);

            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("packaging-service", packagingPid);
            pids.put("sidecar", sidecarPid);
            Map<String, Watched> watched = new LinkedHashMap<>();
            watched.put("packaging-service", new Watched(packagingPid, gcDir.resolve("packaging.log")));
            watched.put("sidecar", new Watched(sidecarPid, gcDir.resolve("sidecar.log")));
            Map<String, Long> idle = new LinkedHashMap<>();
            pids.forEach((name, pid) -> idle.put(name, RssSampler.procKb(pid, "VmRSS")));
            Map<String, long[]> marks = new LinkedHashMap<>(); // per process: cpu ticks and GC log size at 3 instants
            watched.keySet().forEach(name -> marks.put(name, new long[6]));

            PackageInfo[] pkg = new PackageInfo[1];
            Phases buildPhases = new Phases();
            Phases deployPhases = new Phases();
            Map<String, Long> buildPeak;
            Map<String, Long> deployPeak;
            long buildNanos;
            long deployNanos;
            List<String> buildSlow;
            List<String> deploySlow;
            int packagingPort = packaging.port;
            ServiceProcess agent = sidecar;
            // The first build and deploy after the processes start (class loading, JIT, first
            // connections): timed and shown, not the measured round. The services run for days; the
            // measured round is the next one, of a new package, deployed over the first (force).
            Phases firstBuildPhases = new Phases();
            Phases firstDeployPhases = new Phases();
            PackageInfo[] first = new PackageInfo[1];
            long firstBuildNanos = timed(() -> first[0] = build(packagingPort, firstBuildPhases));
            long firstDeployNanos = timed(() -> deploy(agent, first[0].getPackageId(), redeploy, firstDeployPhases));
            List<Long> oursTotals = new ArrayList<>();
            List<Long> referenceTotals = new ArrayList<>();
            for (int round = 1; round < rounds; round++) {
                if (reference != null) {
                    referenceTotals.add(reference.run(round));
                }
                PackageInfo[] p = new PackageInfo[1];
                settle();
                long b = timed(() -> p[0] = build(packagingPort, new Phases()));
                long d = timed(() -> deploy(agent, p[0].getPackageId(), true, new Phases()));
                oursTotals.add(b + d);
            }
            if (reference != null) {
                referenceTotals.add(reference.run(rounds));
            }
            settle();
            try (RssSampler rss = new RssSampler(pids)) {
                mark(watched, marks, 0);
                long mark = logMark(centralDb);
                buildNanos = timed(() -> pkg[0] = build(packagingPort, buildPhases));
                buildPeak = rss.takePeaks();
                mark(watched, marks, 1);
                buildSlow = slowSince(centralDb, mark);
                mark = logMark(cloneDb);
                deployNanos = timed(() -> deploy(agent, pkg[0].getPackageId(), true, deployPhases));
                deployPeak = rss.takePeaks();
                mark(watched, marks, 2);
                deploySlow = slowSince(cloneDb, mark);
            }
            oursTotals.add(buildNanos + deployNanos);
            Map<String, Memory> memory = new LinkedHashMap<>();
            for (var e : watched.entrySet()) {
                String name = e.getKey();
                long[] m = marks.get(name);
                memory.put(name, new Memory(idle.get(name), buildPeak.get(name), deployPeak.get(name),
                        RssSampler.procKb(e.getValue().pid(), "VmHWM"), heap(e.getValue().gcLog(), m[1], m[3]),
                        heap(e.getValue().gcLog(), m[3], m[5]), (m[2] - m[0]) / (double) CLOCK_TICKS,
                        (m[4] - m[2]) / (double) CLOCK_TICKS));
            }

            check(label + ": rows in the package", Integer.toString(rows),
                    Long.toString(pkg[0].getTables(0).getRowCount()));
            check(label + ": rows on the clone", Integer.toString(rows), count(cloneDb, null));
            check(label + ": rows without geometry", nulls(centralDb, null), nulls(cloneDb, null));
            check(label + ": indexes", indexes(centralDb, null), indexes(cloneDb, null));
            return new Run(rows, tableBytes, buildNanos, deployNanos, pkg[0], buildPhases.durations(),
                    deployPhases.durations(), memory, buildSlow, deploySlow, firstBuildNanos, firstDeployNanos,
                    firstBuildPhases.durations(), firstDeployPhases.durations(), oursTotals, referenceTotals);
        } finally {
            if (sidecar != null) {
                sidecar.close();
            }
            if (packaging != null) {
                packaging.close();
            }
        }
    }

    /**
     * Loads the gRPC stubs and messages now: concurrent builds may rewrite the lizsync jars in the
     * local repository during a run of several minutes, and a class loaded late then fails.
     */
    private static void preloadClasses() {
        ManagedChannel unused = ManagedChannelBuilder.forAddress("127.0.0.1", 1).usePlaintext().build();
        try {
            PackagingServiceGrpc.getServiceDescriptor();
            CloneAgentGrpc.getServiceDescriptor();
            CentralAdminGrpc.getServiceDescriptor();
            PackagingServiceGrpc.newBlockingStub(unused);
            CloneAgentGrpc.newBlockingStub(unused);
            CentralAdminGrpc.newBlockingStub(unused);
            List.of(BuildPackageRequest.getDefaultInstance(), BuildPackageEvent.getDefaultInstance(),
                    BuildProgress.getDefaultInstance(), PackageInfo.getDefaultInstance(),
                    PackagedTable.getDefaultInstance(), DeployRequest.getDefaultInstance(),
                    DeployProgress.getDefaultInstance());
        } finally {
            unused.shutdownNow();
        }
    }

    private PackageInfo build(int port, Phases phases) {
        phases.begin();
        Iterator<BuildPackageEvent> events = PackagingServiceGrpc.newBlockingStub(channel(port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(RPC_DEADLINE_MINUTES, TimeUnit.MINUTES)
                .buildPackage(BuildPackageRequest.newBuilder().addSchemas("bench").setDescription("benchmark").build());
        PackageInfo info = null;
        while (events.hasNext()) {
            BuildPackageEvent e = events.next();
            if (e.hasPackage()) {
                info = e.getPackage();
                phases.event("(package returned)");
            } else {
                phases.event(e.getProgress().getMessage());
            }
        }
        assertNotNull(info, "the build returned no package");
        return info;
    }

    private void deploy(ServiceProcess sidecar, String packageId, boolean force, Phases phases) {
        phases.begin();
        Iterator<DeployProgress> it = CloneAgentGrpc.newBlockingStub(channel(sidecar.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(RPC_DEADLINE_MINUTES, TimeUnit.MINUTES)
                .deploy(DeployRequest.newBuilder().setPackageId(packageId).setCloneName("bench-clone").setForce(force)
                        .build());
        DeployProgress last = null;
        while (it.hasNext()) {
            last = it.next();
            phases.event(last.getStep());
        }
        assertTrue(last != null && last.getDone(), "no final deploy message");
        assertEquals(1, last.getStatus(), last.getMessage());
    }

    // ------------------------------------------------------------------ report

    private void record(int rows, long setupNanos, long tableBytes, Path pgDump, long dumpNanos, long restoreNanos,
            long dumpBytes, Run full, Run tenth) throws IOException {
        long reference = dumpNanos + restoreNanos;
        long ours = full.buildNanos() + full.deployNanos();
        results.put("rows", String.format("%,d (and %,d for the memory comparison)", rows, tenth.rows()));
        results.put("table size (pg_total_relation_size)", mb(tableBytes) + " (" + mb(tenth.tableBytes()) + " at "
                + String.format("%,d", tenth.rows()) + " rows)");
        results.put("set-up (load, indexes, prepare, VACUUM ANALYZE)", s(setupNanos) + " s");
        results.put("reference: pg_dump -Fc --schema=bench", s(dumpNanos) + " s (" + pgDump + ")");
        results.put("reference: pg_restore into a fresh database", s(restoreNanos) + " s (maintenance_work_mem "
                + RESTORE_MAINTENANCE_WORK_MEM + ", one job)");
        results.put("reference total", s(reference) + " s");
        results.put("ours: BuildPackage (end to end)", s(full.buildNanos()) + " s");
        results.put("ours: Deploy by id (download included)", s(full.deployNanos()) + " s");
        results.put("ours total", s(ours) + " s");
        results.put("ratio ours (last round) / reference (first)", ratio(ours, reference) + " x");
        long first = full.firstBuildNanos() + full.firstDeployNanos();
        if (full.referenceTotals().size() > 1) {
            long oursMedian = median(full.oursTotals());
            long referenceMedian = median(full.referenceTotals());
            StringBuilder each = new StringBuilder();
            for (int i = 0; i < full.oursTotals().size(); i++) {
                each.append(i == 0 ? "" : ", ").append(s(full.oursTotals().get(i))).append('/')
                        .append(s(full.referenceTotals().get(i)));
            }
            results.put("measured rounds, ours / reference (s), interleaved", each.toString());
            results.put("ratio of the medians (" + full.oursTotals().size() + " rounds)", s(oursMedian) + " s / "
                    + s(referenceMedian) + " s = " + ratio(oursMedian, referenceMedian) + " x (target <= 1.0)");
        }
        results.put("ours, first round after the services start", s(full.firstBuildNanos()) + " s + "
                + s(full.firstDeployNanos()) + " s = " + s(first) + " s (" + ratio(first, reference)
                + " x the reference)");
        results.put("package vs pg_dump file", String.format("%,d B vs %,d B (%s x)", full.pkg().getSizeBytes(),
                dumpBytes, ratio(full.pkg().getSizeBytes(), dumpBytes)));
        results.put(String.format("ours at %,d rows: build, deploy", tenth.rows()), s(tenth.buildNanos()) + " s, "
                + s(tenth.deployNanos()) + " s (package " + String.format("%,d B", tenth.pkg().getSizeBytes()) + ")");
        for (String process : full.memory().keySet()) {
            Memory big = full.memory().get(process);
            Memory little = tenth.memory().get(process);
            results.put("peak RSS " + process, String.format("%s at %,d rows, %s at %,d rows", mbKb(big.peakKb()),
                    full.rows(), mbKb(little.peakKb()), tenth.rows()));
            results.put("  " + process + ": idle / build / deploy / VmHWM", String.format("%s at %,d rows | %s at %,d rows",
                    detail(big), full.rows(), detail(little), tenth.rows()));
            results.put("  " + process + ": Java heap after GC (max)", String.format(
                    "%s at %,d rows, %s at %,d rows", heapText(big.heap()), full.rows(), heapText(little.heap()),
                    tenth.rows()));
            results.put("  " + process + ": CPU s in build / deploy", String.format(
                    "%.1f / %.1f at %,d rows, %.1f / %.1f at %,d rows", big.buildCpu(), big.deployCpu(), full.rows(),
                    little.buildCpu(), little.deployCpu(), tenth.rows()));
        }
        StringBuilder out = new StringBuilder("LizSync mesh package benchmark (same run, same clusters; service JVMs: "
                + System.getProperty(JVM_OPTS) + ")\n");
        results.forEach((k, v) -> out.append(String.format("  %-52s %s%n", k, v)));
        out.append(String.format("  where the time goes at %,d rows (seconds from each progress message to the next)%n",
                full.rows()));
        phases(out, "build", full.buildPhases());
        phases(out, "deploy", full.deployPhases());
        out.append(String.format("  the first round after the services start, at %,d rows%n", full.rows()));
        phases(out, "build", full.firstBuildPhases());
        phases(out, "deploy", full.firstDeployPhases());
        out.append(String.format("  statements of at least %s in the server logs at %,d rows (seconds)%n", SLOW, full.rows()));
        slow.forEach((what, lines) -> {
            out.append("    ").append(what).append(lines.isEmpty() ? ": none\n" : "\n");
            lines.forEach(l -> out.append("      ").append(l).append('\n'));
        });
        if (!problems.isEmpty()) {
            out.append("  WRONG RESULTS: ").append(problems).append('\n');
        }
        System.out.print(out);
        Path file = Path.of("target", "bench", "package-bench.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
    }

    private static void phases(StringBuilder out, String what, Map<String, Long> phases) {
        phases.forEach((label, nanos) -> out.append(String.format("    %-7s %7s  %s%n", what, s(nanos), label)));
    }

    private static String heapText(Heap h) {
        return h.collections() == 0 ? "no GC" : String.format("%d MB (before GC %d MB, committed %d MB, %d GCs)",
                h.maxAfterMb(), h.maxBeforeMb(), h.maxCommittedMb(), h.collections());
    }

    private static String detail(Memory m) {
        return mbKb(m.idleKb()) + " / " + mbKb(m.buildPeakKb()) + " / " + mbKb(m.deployPeakKb()) + " / "
                + mbKb(m.hwmKb());
    }

    private void check(String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            problems.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    // ------------------------------------------------------------------ memory

    /** Clock ticks per second of /proc/PID/stat times (USER_HZ: 100 on Linux). */
    private static final long CLOCK_TICKS = 100;

    /** utime + stime of a process, in clock ticks; 0 when it is gone. */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static void mark(Map<String, Watched> watched, Map<String, long[]> marks, int instant) {
        watched.forEach((name, w) -> {
            marks.get(name)[2 * instant] = cpuTicks(w.pid());
            marks.get(name)[2 * instant + 1] = w.gcMark();
        });
    }

    private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    /** The collections logged between two sizes of a GC log (-Xlog:gc). */
    private static Heap heap(Path gcLog, long from, long to) throws IOException {
        if (!Files.exists(gcLog)) {
            return new Heap(0, 0, 0, 0);
        }
        byte[] all = Files.readAllBytes(gcLog);
        int start = (int) Math.min(from, all.length);
        int end = (int) Math.min(to, all.length);
        long after = 0;
        long before = 0;
        long committed = 0;
        int n = 0;
        for (String line : new String(all, start, end - start, StandardCharsets.UTF_8).split("\n")) {
            Matcher m = GC_LINE.matcher(line);
            if (line.contains("Pause") && m.find()) {
                before = Math.max(before, toMb(m.group(1), m.group(2)));
                after = Math.max(after, toMb(m.group(3), m.group(4)));
                committed = Math.max(committed, toMb(m.group(5), m.group(6)));
                n++;
            }
        }
        return new Heap(after, before, committed, n);
    }

    private static long toMb(String value, String unit) {
        long v = Long.parseLong(value);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** The one child of this JVM started since {@code before} whose command line runs {@code jar}. */
    private static long newChild(Set<Long> before, Path jar) {
        List<Long> found = ProcessHandle.current().children().map(ProcessHandle::pid).filter(p -> !before.contains(p))
                .filter(p -> cmdline(p).contains(jar.toString())).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one new process running " + jar + ", found " + found);
        }
        return found.get(0);
    }

    private static List<String> cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException gone) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------ timing

    /** Progress messages with the time of their arrival; a message lasts until the next one. */
    private static final class Phases {

        private long start;
        private final List<String> labels = new ArrayList<>();
        private final List<Long> at = new ArrayList<>();

        /** The call starts now. */
        void begin() {
            start = System.nanoTime();
        }

        void event(String message) {
            labels.add(message.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                    .replaceAll("[0-9]+", "#"));
            at.add(System.nanoTime());
        }

        /** Seconds per distinct message (numbers folded), in order of first arrival; first: until the first message. */
        Map<String, Long> durations() {
            Map<String, Long> out = new LinkedHashMap<>();
            if (!at.isEmpty()) {
                out.put("(call until the first message)", at.get(0) - start);
            }
            for (int i = 0; i + 1 < at.size(); i++) {
                out.merge(labels.get(i), at.get(i + 1) - at.get(i), Long::sum);
            }
            return out;
        }
    }

    private interface Timed {
        void run() throws Exception;
    }

    private static long timed(Timed t) throws Exception {
        long start = System.nanoTime();
        t.run();
        return System.nanoTime() - start;
    }

    private static String s(long nanos) {
        return String.format("%.2f", nanos / 1e9);
    }

    /**
     * A checkpoint on both servers before each timed side, outside the timing: the dirty pages and
     * WAL of the previous side (a restore or a deploy of the same table) are not flushed during the
     * next one, whichever it is.
     */
    private void settle() throws Exception {
        for (PgCluster db : dbs) {
            exec(db, null, "CHECKPOINT");
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String ratio(long a, long b) {
        return String.format("%.2f", (double) a / b);
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }

    private static String mbKb(long kb) {
        return String.format("%.0f MB", kb / 1024.0);
    }

    // ------------------------------------------------------------------ databases and files

    /** libpq environment for pg_dump / pg_restore: the password never on a command line. */
    private static Map<String, String> pgEnv(PgCluster db) {
        Map<String, String> env = new HashMap<>();
        for (String v : List.of("PGDATABASE", "PGHOSTADDR", "PGOPTIONS", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE",
                "PGSSLMODE")) {
            env.put(v, null);
        }
        env.put("PGHOST", db.host());
        env.put("PGPORT", Integer.toString(db.port()));
        env.put("PGUSER", db.user());
        env.put("PGPASSWORD", db.password());
        env.put("LC_ALL", "C");
        return env;
    }

    private static void exec(PgCluster db, String database, String... statements) throws Exception {
        try (Connection c = database == null ? db.connect() : db.connect(database); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static String one(PgCluster db, String database, String query) throws Exception {
        try (Connection c = database == null ? db.connect() : db.connect(database); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String count(PgCluster db, String database) throws Exception {
        return one(db, database, "SELECT count(*) FROM " + TABLE);
    }

    private static String nulls(PgCluster db, String database) throws Exception {
        return one(db, database, "SELECT count(*) FROM " + TABLE + " WHERE geom IS NULL");
    }

    /** The table's index definitions, names included, in name order. */
    private static String indexes(PgCluster db, String database) throws Exception {
        return one(db, database, "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes "
                + "WHERE schemaname = 'bench' AND tablename = 'feature'");
    }

    /** The 1, 5 and 15 minute load averages (other work on the machine skews the figures). */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long logMark(PgCluster db) throws IOException {
        return Files.size(db.logFile());
    }

    /** Statements logged by the server since {@code mark} (log_min_duration_statement): seconds and first line. */
    private static List<String> slowSince(PgCluster db, long mark) throws IOException {
        byte[] all = Files.readAllBytes(db.logFile());
        String text = new String(all, (int) Math.min(mark, all.length), (int) Math.max(0, all.length - mark),
                StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher m = DURATION.matcher(lines[i]);
            if (m.find()) {
                // The continuation lines of a statement are logged indented by a tab; pgjdbc sends each
                // statement of a script with pg_dump's comment block before it.
                List<String> parts = new ArrayList<>(List.of(m.group(2)));
                for (int j = i + 1; j < lines.length && lines[j].startsWith("\t"); j++) {
                    parts.add(lines[j]);
                }
                String statement = parts.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--"))
                        .collect(Collectors.joining(" "));
                // The log's time of day (log_line_prefix %m) when there is one: the statement's end.
                String at = lines[i].matches("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}.*")
                        ? lines[i].substring(11, 23) + " " : "";
                out.add(String.format("%s%6.3f  %s", at, Double.parseDouble(m.group(1)) / 1000,
                        statement.length() > 90 ? statement.substring(0, 90) + "..." : statement));
            }
        }
        return out;
    }

    private static long tableBytes(PgCluster db) throws Exception {
        return Long.parseLong(one(db, null, "SELECT pg_total_relation_size('" + TABLE + "')"));
    }

    private ManagedChannel channel(int port) {
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(ch);
        return ch;
    }

    private Path scratchFile(String prefix, String suffix) throws IOException {
        Path p = Files.createTempFile(prefix, suffix);
        scratch.add(p);
        return p;
    }

    private Path scratchDir(String prefix) throws IOException {
        Path p = Files.createTempDirectory(prefix);
        scratch.add(p);
        return p;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            });
        } catch (IOException ignored) {
            // idem
        }
    }
}
