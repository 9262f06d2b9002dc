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

    /** One page of a list and the token of the next (null on the last page). */
    public record Page<T>(List<T> items, String nextPageToken) {
    }

    /**
     * History items, newest first; {@code serverId} empty for all, {@code direction} "",
     * "to_central" or "to_clone", {@code since}/{@code until} null for open.
     */
    public Page<HistoryItem> listHistory(String serverId, String direction, java.time.Instant since, java.time.Instant until,
            String pageToken, int limit) {
        ReviewPages.Direction d = ReviewPages.Direction.parse(direction);
        ReviewPages.HistoryPosition after = ReviewPages.history(pageToken);
        List<HistoryItem> rows = repository.history(serverId, d == ReviewPages.Direction.ANY ? null : d == ReviewPages.Direction.TO_CLONE,
                utc(since), utc(until), after == null ? null : utc(after.syncTime()), after == null ? null : after.syncId(), limit + 1);
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        HistoryItem last = rows.get(limit - 1);
        return new Page<>(rows.subList(0, limit), ReviewPages.historyToken(last.syncTime().toInstant(), last.syncId()));
    }

    /** Conflicts, newest first; {@code cloneId} empty for all, {@code onlyId} 0 for all. */
    public Page<ConflictRecord> listConflicts(boolean pendingOnly, String cloneId, java.time.Instant since,
            java.time.Instant until, String pageToken, long onlyId, int limit) {
        List<ConflictRecord> rows = repository.conflicts(pendingOnly, cloneId, utc(since), utc(until),
                ReviewPages.conflicts(pageToken), onlyId, limit + 1);
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        return new Page<>(rows.subList(0, limit), ReviewPages.conflictToken(rows.get(limit - 1).id()));
    }

    private static java.time.OffsetDateTime utc(java.time.Instant i) {
        return i == null ? null : java.time.OffsetDateTime.ofInstant(i, java.time.ZoneOffset.UTC);
    }

    /**
     * An administrator's decision. For a field conflict, the chosen value is written on central as
     * a new central edit, so that it reaches every node, the clone included. A whole-row conflict
     * (update against delete) cannot be re-decided here yet.
     */
    public ConflictRecord resolveConflict(long id, String winner, String decidedBy) throws Exception {
        return resolveConflict(id, winner, decidedBy, null);
    }

    /**
     * As {@link #resolveConflict(long, String, String)}, or, with a {@code typedValue} (not null),
     * an administrator's own value instead of either side's: written on central the same way (cast
     * to the column's type; a value that does not cast is refused), recorded with winner central.
     */
    public ConflictRecord resolveConflict(long id, String winner, String decidedBy, String typedValue) throws Exception {
        if (typedValue != null) {
            winner = "central";
        }
        if (!winner.equals("central") && !winner.equals("clone")) {
            throw new IllegalArgumentException("winner: central or clone, not '" + winner + "'");
        }
        if (decidedBy.isBlank()) {
            throw new IllegalArgumentException("decided_by: who decides is recorded with the decision");
        }
        String decision = winner;
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
            String text;
            if (typedValue != null) {
                text = typedValue;
            } else {
                String chosen = decision.equals("central") ? conflict.centralValueJson() : conflict.cloneValueJson();
                text = chosen == null ? null : (String) Json.decodeValue(chosen);
            }
            try {
                repository.writeField(c, table, shape, field, text, conflict.uid());
            } catch (io.vertx.pgclient.PgException e) {
                if (typedValue != null && e.getSqlState() != null && e.getSqlState().startsWith("22")) {
                    throw new IllegalArgumentException("value: not a value of column " + field + " ("
                            + shape.column(field).type() + "): " + e.getErrorMessage());
                }
                throw e;
            }
            repository.recordDecision(c, id, decision, decidedBy);
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
    /** A page of clone states (by name then id) and the next page's token (empty on the last). */
    public record ClonePage(List<CloneStateRecord> clones, String nextToken) {
    }

    /** Clone states by name then id, keyset paged (default 100, at most 500 a page). */
    public ClonePage listCloneStates(int pageSize, String pageToken) {
        int size = io.lizsync.grpckit.PageToken.size(pageSize, 100, 500);
        List<String> after = io.lizsync.grpckit.PageToken.decode("clone-states", pageToken, 2);
        if (after != null) {
            try {
                java.util.UUID.fromString(after.get(1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("page_token: not a page token of this list");
            }
        }
        List<CloneStateRecord> rows = repository.cloneStates(null, after == null ? null : after.get(0),
                after == null ? null : after.get(1), size + 1);
        if (rows.size() <= size) {
            return new ClonePage(rows, "");
        }
        List<CloneStateRecord> page = rows.subList(0, size);
        CloneStateRecord last = page.get(size - 1);
        return new ClonePage(page, io.lizsync.grpckit.PageToken.encode("clone-states", last.name(), last.cloneId()));
    }

    /** One clone's state; NOT_FOUND when central does not know it. */
    public CloneStateRecord getCloneState(String cloneId) {
        String id;
        try {
            id = java.util.UUID.fromString(cloneId).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("clone_id: not a uuid: '" + cloneId + "'");
        }
        List<CloneStateRecord> rows = repository.cloneStates(id, null, null, 1);
        if (rows.isEmpty()) {
            throw new io.lizsync.sync.central.exchange.service.ExchangeException(
                    io.lizsync.sync.central.exchange.service.ExchangeException.Reason.NOT_FOUND, "unknown clone " + id);
        }
        return rows.get(0);
    }
}
