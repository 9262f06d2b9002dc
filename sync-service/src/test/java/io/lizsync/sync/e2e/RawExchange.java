package io.lizsync.sync.e2e;

import io.grpc.CallCredentials;
import io.grpc.stub.StreamObserver;
import io.lizsync.proto.sync.v1.ChangeBatch;
import io.lizsync.proto.sync.v1.ClockReading;
import io.lizsync.proto.sync.v1.ClockSample;
import io.lizsync.proto.sync.v1.ExchangeGrpc;
import io.lizsync.proto.sync.v1.HelloRequest;
import io.lizsync.proto.sync.v1.HelloResponse;
import io.lizsync.proto.sync.v1.PushProgress;
import io.lizsync.proto.sync.v1.PushResult;
import io.lizsync.proto.sync.v1.TableFingerprint;
import io.lizsync.sync.wire.Wire;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The exchange spoken by a test in a clone's name (with its credential), step by step: to send
 * what a real sidecar would not (a forged offset, a push without a clock measurement).
 */
final class RawExchange {

    private final Mesh mesh;
    private final String clone;
    private final ExchangeGrpc.ExchangeBlockingStub blocking;
    private final ExchangeGrpc.ExchangeStub async;

    RawExchange(Mesh mesh, String clone) {
        this.mesh = mesh;
        this.clone = clone;
        var channel = mesh.channel(mesh.central.port);
        CallCredentials bearer = bearer(mesh.credential(clone));
        this.blocking = ExchangeGrpc.newBlockingStub(channel).withCallCredentials(bearer)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        this.async = ExchangeGrpc.newStub(channel).withCallCredentials(bearer);
    }

    static CallCredentials bearer(String credential) {
        return io.lizsync.grpckit.auth.BearerCredentials.of(credential);
    }

    /** Opens a session as the clone, with its real fingerprints and cursor. */
    HelloResponse hello(List<String[]> tables) throws Exception {
        var b = HelloRequest.newBuilder().setCloneId(mesh.cloneId(clone))
                .setToolsVersion(mesh.one(clone, "SELECT lizsync.tools_version()"))
                .setCursor(mesh.one(clone, "SELECT coalesce(last_tick_id::text, '') FROM lizsync.clone_state"))
                .setNothingToPush(false);
        try (Connection c = mesh.db(clone).connect()) {
            for (String[] t : tables) {
                List<String> columns = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("""
                        SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                        JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                        WHERE n.nspname = ? AND r.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                        ORDER BY a.attnum""")) {
                    st.setString(1, t[0]);
                    st.setString(2, t[1]);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            columns.add(rs.getString(1));
                        }
                    }
                }
                b.addTables(TableFingerprint.newBuilder().setSchemaName(t[0]).setTableName(t[1])
                        .setFingerprint(io.lizsync.sql.pkg.TableShapes.fingerprint(columns)).addAllColumns(columns));
            }
        }
        return blocking.hello(b.build());
    }

    /** The clone database's clock. */
    Instant cloneNow() throws Exception {
        return java.time.OffsetDateTime.parse(mesh.one(clone,
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")).toInstant();
    }

    /** A clock measurement as the sidecar makes it (the clone database's times), {@code samples} samples. */
    ClockReading measureClock(String session, int samples) throws Exception {
        var answers = new io.lizsync.grpckit.AnswerQueue<ClockReading>("central");
        StreamObserver<ClockSample> out = async.measureClock(answers);
        Instant previous = null;
        for (int i = 0; i < samples; i++) {
            var sample = ClockSample.newBuilder().setSessionId(session).setCloneSent(Wire.timestamp(cloneNow()));
            if (previous != null) {
                sample.setPreviousReceived(Wire.timestamp(previous));
            }
            out.onNext(sample.build());
            answers.take(60);
            previous = cloneNow();
        }
        out.onNext(ClockSample.newBuilder().setSessionId(session).setPreviousReceived(Wire.timestamp(previous))
                .setLast(true).build());
        ClockReading r = answers.take(60);
        out.onCompleted();
        return r;
    }

    /** Sends the batches as one push and returns central's result (or throws its refusal). */
    PushResult push(List<ChangeBatch> batches) throws Exception {
        var answers = new io.lizsync.grpckit.AnswerQueue<PushProgress>("central");
        StreamObserver<ChangeBatch> out = async.push(answers);
        for (ChangeBatch b : batches) {
            out.onNext(b);
        }
        out.onCompleted();
        while (true) {
            PushProgress p = answers.take(60);
            if (p.hasResult()) {
                return p.getResult();
            }
        }
    }
}
