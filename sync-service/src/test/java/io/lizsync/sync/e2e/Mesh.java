package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lizsync.proto.sync.v1.AttachRequest;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.SynchronizeRequest;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import io.lizsync.proto.sync.v1.TableName;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.PgClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A central and two clones, each its own PostgreSQL/PostGIS server, with a central sync-service
 * and one sidecar per clone, each its own process, talking real gRPC. The same DDL is run on all
 * three; central is installed and prepared, the clones are registered and attached.
 */
final class Mesh implements AutoCloseable {

    /** The tests call the services as an administrator (a token signed with the test keys). */
    static final io.grpc.CallCredentials ADMIN = io.lizsync.testkit.TestKeys.get().administrator();

    final PgClusters dbs;
    final ServiceProcess central;
    /** registry-service on central's database: the owner of the clones' identities. */
    final ServiceProcess registry;
    final Map<String, ServiceProcess> sidecars = new LinkedHashMap<>();
    private final Map<String, String> cloneIds = new HashMap<>();
    /** Each clone's sidecar state directory (its exchange credential, its local token). */
    final Map<String, Path> stateDirs = new HashMap<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<String[]> tables;
    /** Central serves TLS only (testkit's certificates); its sidecars and this mesh's channels verify it. */
    final boolean tls;

    private Mesh(PgClusters dbs, ServiceProcess registry, ServiceProcess central, List<String[]> tables, boolean tls) {
        this.dbs = dbs;
        this.registry = registry;
        this.central = central;
        this.tables = tables;
        this.tls = tls;
    }

    /** Like {@link #start(String, String, List, String...)} with central serving TLS only. */
    static Mesh startTls(String ddl, String schema, List<String[]> tables, String... clones) throws Exception {
        return start(ddl, schema, tables, (clone, port) -> port, true, clones);
    }

    /** With a proxy in between ({@code centralPort}), central serving TLS only when {@code tls}. */
    static Mesh start(String ddl, String schema, List<String[]> tables,
            java.util.function.BiFunction<String, Integer, Integer> centralPort, boolean tls, String... clones)
            throws Exception {
        Map<String, String> parentOf = new LinkedHashMap<>();
        for (String clone : clones) {
            parentOf.put(clone, "central");
        }
        return start(ddl, schema, tables, centralPort, Map.of(), Map.of(), parentOf, tls);
    }

    static Mesh start(String ddl, String schema, List<String[]> tables, String... clones) throws Exception {
        return start(ddl, schema, tables, (clone, port) -> port, clones);
    }

    /** @param centralPort the central port a clone's sidecar dials (to put a proxy in between) */
    static Mesh start(String ddl, String schema, List<String[]> tables,
            java.util.function.BiFunction<String, Integer, Integer> centralPort, String... clones) throws Exception {
        return start(ddl, schema, tables, centralPort, Map.of(), Map.of(), clones);
    }

    /**
     * Like {@link #start(String, String, List, java.util.function.BiFunction, String...)} with nodes
     * whose clock is wrong.
     *
     * @param clusters      by node name ("central" or a clone): customises that node's cluster options,
     *                      e.g. {@code o -> o.clockOffset(Duration.ofMinutes(10))}; unnamed nodes: defaults
     * @param sidecarClocks by clone name: the wall-clock offset of that clone's sidecar JVM
     *                      ({@link ServiceProcess#start(String, Map, java.time.Duration)}); unnamed: the machine's
     */
    static Mesh start(String ddl, String schema, List<String[]> tables,
            java.util.function.BiFunction<String, Integer, Integer> centralPort,
            Map<String, java.util.function.UnaryOperator<PgCluster.Options>> clusters,
            Map<String, java.time.Duration> sidecarClocks, String... clones) throws Exception {
        Map<String, String> parentOf = new LinkedHashMap<>();
        for (String clone : clones) {
            parentOf.put(clone, "central");
        }
        return start(ddl, schema, tables, centralPort, clusters, sidecarClocks, parentOf, false);
    }

    /**
     * A tree of nodes: each clone's parent is "central" or a clone named before it; a clone that
     * is the parent of another holds both roles in one process (a tier: the clone of its parent,
     * the central of its children). Each node is registered with its parent and attached.
     */
    static Mesh startTree(String ddl, String schema, List<String[]> tables, LinkedHashMap<String, String> parentOf)
            throws Exception {
        return start(ddl, schema, tables, (clone, port) -> port, Map.of(), Map.of(), parentOf, false);
    }

    private static Mesh start(String ddl, String schema, List<String[]> tables,
            java.util.function.BiFunction<String, Integer, Integer> centralPort,
            Map<String, java.util.function.UnaryOperator<PgCluster.Options>> clusters,
            Map<String, java.time.Duration> sidecarClocks, Map<String, String> parentOf, boolean tls) throws Exception {
        String[] clones = parentOf.keySet().toArray(new String[0]);
        java.util.Set<String> tiers = new java.util.HashSet<>(parentOf.values());
        tiers.remove("central");
        List<String> names = new ArrayList<>(List.of("central"));
        names.addAll(List.of(clones));
        PgClusters dbs = PgClusters.start(names.stream().map(n -> clusters
                .getOrDefault(n, java.util.function.UnaryOperator.identity()).apply(PgCluster.options(n))).toList());
        ServiceProcess registry = null;
        ServiceProcess central = null;
        Mesh mesh = null;
        try {
            for (PgCluster db : dbs) {
                db.execute(ddl);
            }
            registry = RegistryProcess.start("registry", dbs.get("central"));
            Map<String, String> centralEnv = dbEnv(dbs.get("central"), "central");
            centralEnv.putAll(RegistryProcess.centralEnv(registry));
            if (tls) {
                centralEnv.putAll(io.lizsync.testkit.TestCertificates.get().serverEnvironment());
            }
            central = ServiceProcess.start("central", centralEnv);
            mesh = new Mesh(dbs, registry, central, tables, tls);
            var admin = mesh.admin();
            assertEquals(1, admin.install(InstallRequest.getDefaultInstance()).getStatus());
            var prepared = admin.prepare(PrepareRequest.newBuilder().setAddServerId(true).setAddUidColumns(true)
                    .setAddAuditTriggers(true).addSchemas(schema).build());
            assertEquals(1, prepared.getStatus(), prepared.getMessage());
            for (String clone : clones) {
                String parent = parentOf.get(clone);
                int parentPort = parent.equals("central") ? central.port : mesh.sidecars.get(parent).port;
                mesh.addClone(clone, parent, centralPort.apply(clone, parentPort), sidecarClocks.get(clone),
                        tiers.contains(clone));
            }
            return mesh;
        } catch (Exception | Error e) {
            if (mesh != null) {
                mesh.close();
            } else {
                if (central != null) {
                    central.close();
                }
                if (registry != null) {
                    registry.close();
                }
                dbs.close();
            }
            throw e;
        }
    }

    private void addClone(String clone, String parent, int centralPort, java.time.Duration sidecarClock, boolean tier)
            throws Exception {
        Map<String, String> env = dbEnv(dbs.get(clone), tier ? "central,clone" : "clone");
        if (tier) {
            env.putAll(RegistryProcess.centralEnv(registry));
        }
        env.put("LIZSYNC_SYNC_CENTRAL_HOST", "127.0.0.1");
        env.put("LIZSYNC_SYNC_CENTRAL_PORT", Integer.toString(centralPort));
        Path state = Files.createTempDirectory("lizsync-sidecar-" + clone);
        stateDirs.put(clone, state);
        env.put("LIZSYNC_SYNC_STATE_DIR", state.toString());
        env.put("LIZSYNC_SYNC_SQL_REQUEST_POLL", "0.1s");
        if (tls && parent.equals("central")) {
            env.put("LIZSYNC_SYNC_CENTRAL_CA_FILE", io.lizsync.testkit.TestCertificates.get().caCertificate().toString());
        }
        ServiceProcess p = ServiceProcess.start("sidecar-" + clone, env, sidecarClock);
        sidecars.put(clone, p);
        var attach = AttachRequest.newBuilder().setRegistrationTicket(ticket(clone)).setCloneName(clone);
        tables.forEach(t -> attach.addTables(TableName.newBuilder().setSchemaName(t[0]).setTableName(t[1])));
        var attached = agent(clone).attach(attach.build());
        assertEquals(1, attached.getStatus(), attached.getMessage());
        cloneIds.put(clone, one(clone, "SELECT server_id::text FROM lizsync.server_metadata"));
    }

    /** An operator's single-use registration ticket for attaching {@code clone} with the mesh's tables. */
    String ticket(String clone) {
        return RegistryProcess.ticket(registry, clone, tables);
    }

    /** The clone's server id. */
    String cloneId(String clone) {
        return cloneIds.get(clone);
    }

    /** Every clone's server id, by clone name. */
    Map<String, String> cloneIds() {
        return java.util.Collections.unmodifiableMap(cloneIds);
    }

    /** The clone's exchange credential, as its sidecar keeps it in its state directory. */
    String credential(String clone) {
        try {
            return Files.readString(stateDirs.get(clone).resolve("credential")).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Central's server id. */
    String centralId() throws Exception {
        return one("central", "SELECT server_id::text FROM lizsync.server_metadata");
    }

    static Map<String, String> dbEnv(PgCluster db, String role) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", db.reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", db.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
        env.put("LIZSYNC_SYNC_ROLES", role);
        return env;
    }

    ManagedChannel channel(int port) {
        var security = new io.lizsync.grpckit.tls.LinkSecurity(tls && port == central.port
                ? java.util.Optional.of(io.lizsync.testkit.TestCertificates.get().caCertificate())
                : java.util.Optional.empty(), false);
        ManagedChannel ch = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                security.credentials("127.0.0.1", "a test service")).build();
        channels.add(ch);
        return ch;
    }

    CentralAdminGrpc.CentralAdminBlockingStub admin() {
        return admin("central");
    }

    /** The tools administration of a node holding the central role ("central" or a tier). */
    CentralAdminGrpc.CentralAdminBlockingStub admin(String node) {
        int port = node.equals("central") ? central.port : sidecars.get(node).port;
        return CentralAdminGrpc.newBlockingStub(channel(port)).withCallCredentials(ADMIN)
                .withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    CloneAgentGrpc.CloneAgentBlockingStub agent(String clone) {
        return CloneAgentGrpc.newBlockingStub(channel(sidecars.get(clone).port)).withCallCredentials(ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS);
    }

    SynchronizeResponse sync(String clone) {
        return agent(clone).synchronize(SynchronizeRequest.getDefaultInstance());
    }

    PgCluster db(String name) {
        return dbs.get(name);
    }

    void sql(String node, String... statements) throws Exception {
        try (Connection c = db(node).connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    String one(String node, String query) throws Exception {
        try (Connection c = db(node).connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every row of a table by uid, without its local primary key: what must be equal everywhere. */
    Map<String, String> rows(String node, String table) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        String localKey = "(SELECT coalesce(array_agg(a.attname::text), '{}') FROM pg_index i JOIN pg_attribute a "
                + "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = '"
                + table.replace("'", "''") + "'::regclass AND i.indisprimary AND a.attname <> 'uid')";
        try (Connection c = db(node).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT uid::text, (hstore(lizsync_row.*) - " + localKey + ")::text FROM "
                        + table + " lizsync_row ORDER BY uid")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Asserts that every node holds the same rows in every synchronised table. */
    void assertConverged() throws Exception {
        for (String[] t : tables) {
            String table = io.lizsync.sql.Sql.qualified(t[0], t[1]);
            Map<String, String> reference = rows("central", table);
            for (String clone : sidecars.keySet()) {
                assertEquals(reference, rows(clone, table), "table " + table + " on " + clone + " differs from central");
            }
        }
    }


    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        sidecars.values().forEach(ServiceProcess::close);
        central.close();
        registry.close();
        dbs.close();
    }
}
