package io.lizsync.sync.central.review.service;

import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.review.repository.ReviewRepository;
import io.lizsync.sync.central.review.repository.ReviewRepository.CloneStateRecord;
import io.lizsync.sync.central.review.repository.ReviewRepository.ConflictRecord;
import io.lizsync.sync.central.review.repository.ReviewRepository.HistoryItem;
import io.lizsync.sync.central.review.repository.ReviewRepository.TablePolicyRecord;
import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.engine.ConflictPolicy;
import io.lizsync.sync.engine.TableRef;
import io.vertx.core.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The review of the exchange on central: history, conflicts and an administrator's decision on
 * them, per-table policies, clone states. Checks the arguments and decides; the SQL is in
 * {@link ReviewRepository}.
 */
@ApplicationScoped
public class ReviewService {

    private final ReviewRepository repository;

    ReviewService(ReviewRepository repository) {
        this.repository = repository;
    }

    /** History items, newest first; {@code serverId} empty for all. */
    public List<HistoryItem> listHistory(String serverId, int limit) {
        return repository.history(serverId, limit);
    }

    /** Conflicts, newest first; {@code cloneId} empty for all. */
    public List<ConflictRecord> listConflicts(boolean pendingOnly, String cloneId, int limit) {
        return repository.conflicts(pendingOnly, cloneId, limit);
    }

    /**
     * An administrator's decision. For a field conflict, the chosen value is written on central as
     * a new central edit, so that it reaches every node, the clone included. A whole-row conflict
     * (update against delete) cannot be re-decided here yet.
     */
    public ConflictRecord resolveConflict(long id, String winner, String decidedBy) throws Exception {
        if (!winner.equals("central") && !winner.equals("clone")) {
            throw new IllegalArgumentException("winner: central or clone, not '" + winner + "'");
        }
        if (decidedBy.isBlank()) {
            throw new IllegalArgumentException("decided_by: who decides is recorded with the decision");
        }
        return repository.inTransaction(c -> {
            ConflictRecord conflict = repository.lockConflict(c, id).orElseThrow(
                    () -> new ExchangeException(ExchangeException.Reason.NOT_FOUND, "no conflict " + id));
            String field = conflict.fieldName();
            if (field == null) {
                throw new ExchangeException(ExchangeException.Reason.PRECONDITION,
                        "conflict " + id + " is an update against a delete; it cannot be re-decided here yet");
            }
            TableRef table = new TableRef(conflict.schemaName(), conflict.tableName());
            Catalog.TableShape shape = repository.shape(c, table);
            if (!shape.writable(field)) {
                throw new ExchangeException(ExchangeException.Reason.PRECONDITION, "column " + field + " of " + table
                        + " can no longer be written");
            }
            String chosen = winner.equals("central") ? conflict.centralValueJson() : conflict.cloneValueJson();
            String text = chosen == null ? null : (String) Json.decodeValue(chosen);
            repository.writeField(c, table, shape, field, text, conflict.uid());
            repository.recordDecision(c, id, winner, decidedBy);
            return repository.conflict(c, id);
        });
    }

    /** Sets a table's conflict policy; refuses a policy name {@link ConflictPolicy} does not know. */
    public void setTablePolicy(String schemaName, String tableName, String policyName) throws Exception {
        ConflictPolicy policy = ConflictPolicy.fromSql(policyName);
        repository.upsertTablePolicy(schemaName, tableName, policy.sqlName);
    }

    /** Every stored table policy. */
    public List<TablePolicyRecord> listTablePolicies() {
        return repository.tablePolicies();
    }

    /** Every clone's state. */
    public List<CloneStateRecord> listCloneStates() {
        return repository.cloneStates();
    }
}
