package io.lizsync.sync.central.review;

import io.grpc.Status;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.proto.sync.v1.CloneState;
import io.lizsync.proto.sync.v1.Conflict;
import io.lizsync.proto.sync.v1.HistoryItem;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.ListCloneStatesResponse;
import io.lizsync.proto.sync.v1.ListConflictsRequest;
import io.lizsync.proto.sync.v1.ListConflictsResponse;
import io.lizsync.proto.sync.v1.ListHistoryRequest;
import io.lizsync.proto.sync.v1.ListHistoryResponse;
import io.lizsync.proto.sync.v1.ListTablePoliciesRequest;
import io.lizsync.proto.sync.v1.ListTablePoliciesResponse;
import io.lizsync.proto.sync.v1.PruneLogRequest;
import io.lizsync.proto.sync.v1.PruneLogResponse;
import io.lizsync.proto.sync.v1.ResolveConflictRequest;
import io.lizsync.proto.sync.v1.SetTablePolicyRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.lizsync.proto.sync.v1.TablePolicy;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.ConflictPolicy;
import io.lizsync.sync.engine.TableRef;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.wire.Wire;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;

/**
 * Review of the exchange on central: history, conflicts (and an administrator's decision on
 * them), per-table policies, clone states. Log pruning is issue 7/7.
 */
@GrpcService
public class ReviewGrpcService implements SyncReview {

    private final Pool pool;
    private final Calls calls;

    ReviewGrpcService(Pool pool, NodeRoles roles) {
        this.pool = pool;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "sync review");
    }

    @Override
    public Uni<ListHistoryResponse> listHistory(ListHistoryRequest r) {
        return call(() -> {
            var out = ListHistoryResponse.newBuilder();
            for (Row row : Db.query(pool, """
                    SELECT sync_id::text, sync_time, server_from::text, server_to::text[], sync_type, sync_status,
                           change_count, conflict_count, clock_offset_ms, clock_uncertainty_ms
                    FROM lizsync.history
                    WHERE $1::text = '' OR server_from::text = $1 OR $1::text = ANY (server_to::text[])
                    ORDER BY sync_time DESC LIMIT $2""", r.getServerId(), limit(r.getLimit()))) {
                var item = HistoryItem.newBuilder().setSyncId(row.getString(0)).setSyncTime(ts(row.getOffsetDateTime(1)))
                        .setServerFrom(row.getString(2)).setSyncType(row.getString(4)).setSyncStatus(row.getString(5))
                        .setChangeCount(row.getLong(6)).setConflictCount(row.getLong(7));
                if (row.getLong(8) != null) {
                    item.setClockOffsetMs(row.getLong(8)).setClockUncertaintyMs(nz(row.getLong(9)));
                }
                for (String to : row.getArrayOfStrings(3)) {
                    item.addServerTo(to);
                }
                out.addItems(item);
            }
            return out.build();
        });
    }

    @Override
    public Uni<ListConflictsResponse> listConflicts(ListConflictsRequest r) {
        return call(() -> {
            var out = ListConflictsResponse.newBuilder();
            for (Row row : Db.query(pool, SELECT_CONFLICT + """
                     WHERE ($1 = false OR winner = 'pending') AND ($2::text = '' OR clone_id::text = $2)
                    ORDER BY id DESC LIMIT $3""", r.getPendingOnly(), r.getCloneId(), limit(r.getLimit()))) {
                out.addConflicts(conflict(row));
            }
            return out.build();
        });
    }

    /**
     * An administrator's decision. For a field conflict, the chosen value is written on central as
     * a new central edit, so that it reaches every node, the clone included. A whole-row conflict
     * (update against delete) cannot be re-decided here yet.
     */
    @Override
    public Uni<Conflict> resolveConflict(ResolveConflictRequest r) {
        return call(() -> {
            String winner = r.getWinner();
            if (!winner.equals("central") && !winner.equals("clone")) {
                throw new IllegalArgumentException("winner: central or clone, not '" + winner + "'");
            }
            if (r.getDecidedBy().isBlank()) {
                throw new IllegalArgumentException("decided_by: who decides is recorded with the decision");
            }
            return Db.inTransaction(pool, c -> {
                var rs = Db.query(c, SELECT_CONFLICT + " WHERE id = $1 FOR UPDATE", r.getId());
                if (rs.size() == 0) {
                    throw new ExchangeException(ExchangeException.Reason.NOT_FOUND, "no conflict " + r.getId());
                }
                Row row = rs.iterator().next();
                String field = row.getString(5);
                if (field == null) {
                    throw new ExchangeException(ExchangeException.Reason.PRECONDITION,
                            "conflict " + r.getId() + " is an update against a delete; it cannot be re-decided here yet");
                }
                TableRef table = new TableRef(row.getString(3), row.getString(4));
                Catalog.TableShape shape = Catalog.shape(c, table);
                if (!shape.writable(field)) {
                    throw new ExchangeException(ExchangeException.Reason.PRECONDITION, "column " + field + " of " + table
                            + " can no longer be written");
                }
                Object chosen = row.getValue(winner.equals("central") ? 9 : 12);
                String text = chosen == null ? null : (String) Json.decodeValue(chosen.toString());
                Db.query(c, "UPDATE " + table.quoted() + " SET " + io.lizsync.sql.Sql.ident(field) + " = CAST($1::text AS "
                        + shape.column(field).type() + ") WHERE uid = $2::uuid", text, row.getString(6));
                Db.query(c, "UPDATE lizsync.conflicts SET winner = $2, rule_applied = 'administrator', "
                        + "decided_by = $3, decided_at = now() WHERE id = $1", r.getId(), winner, r.getDecidedBy());
                return conflict(Db.query(c, SELECT_CONFLICT + " WHERE id = $1", r.getId()).iterator().next());
            });
        });
    }

    @Override
    public Uni<TablePolicy> setTablePolicy(SetTablePolicyRequest r) {
        return call(() -> {
            TablePolicy p = r.getPolicy();
            ConflictPolicy policy = ConflictPolicy.fromSql(p.getPolicy());
            Db.inTransaction(pool, c -> Db.query(c, """
                    INSERT INTO lizsync.table_policies (schema_name, table_name, policy) VALUES ($1, $2, $3)
                    ON CONFLICT (schema_name, table_name) DO UPDATE SET policy = EXCLUDED.policy""",
                    p.getSchemaName(), p.getTableName(), policy.sqlName));
            return p;
        });
    }

    @Override
    public Uni<ListTablePoliciesResponse> listTablePolicies(ListTablePoliciesRequest r) {
        return call(() -> {
            var out = ListTablePoliciesResponse.newBuilder();
            for (Row row : Db.query(pool, "SELECT schema_name, table_name, policy FROM lizsync.table_policies ORDER BY 1, 2")) {
                out.addPolicies(TablePolicy.newBuilder().setSchemaName(row.getString(0)).setTableName(row.getString(1))
                        .setPolicy(row.getString(2)));
            }
            return out.build();
        });
    }

    @Override
    public Uni<PruneLogResponse> pruneLog(PruneLogRequest r) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED
                .withDescription("log retention arrives with issue 7/7").asRuntimeException());
    }

    @Override
    public Uni<ListCloneStatesResponse> listCloneStates(ListCloneStatesRequest r) {
        return call(() -> {
            var out = ListCloneStatesResponse.newBuilder();
            for (Row row : Db.query(pool, """
                    SELECT s.clone_id::text, s.last_sync, s.redeploy_required,
                           (SELECT count(*) FROM audit.logged_actions l, lizsync.ticks k
                             WHERE k.tick_id = s.last_tick_id AND l.transaction_id >= pg_snapshot_xmin(k.tick_snapshot)
                               AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                               AND l.sync_data ->> 'origin' IS DISTINCT FROM s.clone_id::text),
                           (SELECT extract(epoch FROM now() - min(l.action_tstamp_tx))::bigint
                              FROM audit.logged_actions l, lizsync.ticks k
                             WHERE k.tick_id = s.last_tick_id AND l.transaction_id >= pg_snapshot_xmin(k.tick_snapshot)
                               AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot))
                    FROM lizsync.clone_state s ORDER BY s.clone_name""")) {
                var st = CloneState.newBuilder().setCloneId(row.getString(0)).setRedeployRequired(row.getBoolean(2))
                        .setPendingEvents(row.getLong(3)).setLagSeconds(row.getLong(4) == null ? 0 : row.getLong(4));
                if (row.getOffsetDateTime(1) != null) {
                    st.setLastSync(ts(row.getOffsetDateTime(1)));
                }
                out.addClones(st);
            }
            return out.build();
        });
    }

    private static final String SELECT_CONFLICT = """
            SELECT id, conflict_time, clone_id::text, schema_name, table_name, field_name, object_uid::text,
                   central_action::text, central_edited_at, central_value::text, clone_action::text, clone_edited_at,
                   clone_value::text, rule_applied, winner, clock_uncertainty_ms, within_clock_uncertainty
            FROM lizsync.conflicts""";

    private static Conflict conflict(Row row) {
        var b = Conflict.newBuilder().setId(row.getLong(0)).setConflictTime(ts(row.getOffsetDateTime(1)))
                .setCloneId(row.getString(2)).setSchemaName(row.getString(3)).setTableName(row.getString(4))
                .setFieldName(row.getString(5) == null ? "" : row.getString(5)).setUid(row.getString(6))
                .setCentralAction(action(row.getString(7))).setCentralValueJson(nz(row.getString(9)))
                .setCloneAction(action(row.getString(10))).setCloneValueJson(nz(row.getString(12)))
                .setRule(row.getString(13)).setWinner(row.getString(14))
                .setClockUncertaintyMs(nz(row.getLong(15))).setWithinClockUncertainty(row.getBoolean(16));
        if (row.getOffsetDateTime(8) != null) {
            b.setCentralEditedAt(ts(row.getOffsetDateTime(8)));
        }
        if (row.getOffsetDateTime(11) != null) {
            b.setCloneEditedAt(ts(row.getOffsetDateTime(11)));
        }
        return b.build();
    }

    private static ChangeAction action(String a) {
        return a == null ? ChangeAction.CHANGE_ACTION_UNSPECIFIED : switch (a) {
            case "I" -> ChangeAction.CHANGE_ACTION_INSERT;
            case "U" -> ChangeAction.CHANGE_ACTION_UPDATE;
            case "D" -> ChangeAction.CHANGE_ACTION_DELETE;
            default -> ChangeAction.CHANGE_ACTION_UNSPECIFIED;
        };
    }

    private static com.google.protobuf.Timestamp ts(OffsetDateTime t) {
        return Wire.timestamp(t.toInstant());
    }

    private static long nz(Long l) {
        return l == null ? 0 : l;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static int limit(int requested) {
        return requested <= 0 ? 100 : Math.min(requested, 1000);
    }

    private <T> Uni<T> call(Callable<T> work) {
        return calls.run(work);
    }
}
