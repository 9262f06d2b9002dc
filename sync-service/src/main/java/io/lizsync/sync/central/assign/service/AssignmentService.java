package io.lizsync.sync.central.assign.service;

import io.lizsync.sync.central.assign.repository.AssignmentRepository;
import io.lizsync.sync.central.assign.repository.AssignmentRepository.Assignment;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.central.registry.CloneRegistry;
import io.lizsync.sync.central.relay.PackageRelayService;
import io.lizsync.sync.db.Db;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.grpckit.jobs.JobPages;
import java.time.ZoneOffset;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Deploys assigned to clones through central (ADR 0015): the operator's side (assign, read,
 * list, cancel) and the clone's (claim, report). Central keeps every assignment in its database
 * ({@link AssignmentRepository}); the decisions are {@link AssignmentRules}'.
 */
@ApplicationScoped
public class AssignmentService {

    private static final Logger LOG = Logger.getLogger(AssignmentService.class);

    /** The list of ListJobs, in page tokens. */

    private final Pool pool;
    private final AssignmentRepository repository;
    private final CloneRegistry registry;
    private final PackageRelayService packages;
    private final AssignmentWatch watch;

    AssignmentService(Pool pool, AssignmentRepository repository, CloneRegistry registry, PackageRelayService packages,
            AssignmentWatch watch) {
        this.watch = watch;
        this.pool = pool;
        this.repository = repository;
        this.registry = registry;
        this.packages = packages;
    }

    /** A clone as the read model knows it. */
    private record Clone(String id, String name) {
    }

    /** What a clone gets when it claims its assignment: the job, and the ticket of its deploy (never stored here). */
    public record Claimed(Assignment assignment, String ticket) {
    }

    /** What a report answers; {@code ended}: this report ended the job. */
    public record Reported(JobState state, boolean cancelRequested, boolean ended) {
    }

    /**
     * Assigns {@code packageId} to {@code cloneId}: the QUEUED job. NOT_FOUND for an unknown clone or
     * package, FAILED_PRECONDITION while the clone has an open assignment or for another central's
     * package.
     */
    public Assignment assign(String cloneId, String packageId, boolean force, String createdBy) throws Exception {
        String clone = uuid(cloneId, "clone_id");
        String pkg = uuid(packageId, "package_id");
        Clone known = clone(clone);
        var facts = packages.describe(pkg);
        UUID jobId = UUID.randomUUID();
        Db.inTransaction(pool, c -> {
            String central = Db.query(c, "SELECT server_id::text FROM lizsync.server_metadata LIMIT 1").iterator().next()
                    .getString(0);
            if (!facts.centralId().isEmpty() && !facts.centralId().equals(central)) {
                throw new ExchangeException(Reason.PRECONDITION, "package " + pkg + " comes from another central ("
                        + facts.centralId() + "): clone " + clone + " could not deploy it");
            }
            if (!AssignmentRepository.insert(c, jobId, clone, pkg, force, createdBy == null ? "unknown" : createdBy)) {
                throw openAlready(known, AssignmentRepository.lockOpen(c, clone));
            }
            return null;
        });
        LOG.infof("package %s assigned to clone %s (%s) as job %s%s", pkg, clone, known.name(),
                Jobs.id(jobId), force ? ", forced" : "");
        return repository.find(jobId);
    }

    private static ExchangeException openAlready(Clone clone, Assignment open) {
        String which = open == null ? "an open assignment" : "the open assignment "
                + Jobs.id(open.jobId()) + " (" + open.state().label() + ", package " + open.packageId() + ")";
        return new ExchangeException(Reason.PRECONDITION, "clone " + clone.id() + " (" + clone.name() + ") already has "
                + which + ": cancel it or wait for its end");
    }

    /** A clone of central's read model (not central itself); NOT_FOUND otherwise. */
    private Clone clone(String cloneId) {
        var rs = Db.query(pool, """
                SELECT clone_name FROM lizsync.clone_state
                WHERE clone_id = $1::uuid
                  AND clone_id IS DISTINCT FROM (SELECT m.server_id FROM lizsync.server_metadata m LIMIT 1)""", cloneId);
        if (rs.size() == 0) {
            throw new ExchangeException(Reason.NOT_FOUND, "unknown clone " + cloneId);
        }
        return new Clone(cloneId, rs.iterator().next().getString(0));
    }

    /** One job; NOT_FOUND when unknown. */
    public Assignment get(String jobId) {
        UUID id = Jobs.uuid(jobId);
        Assignment a = repository.find(id);
        if (a == null) {
            throw new ExchangeException(Reason.NOT_FOUND, "unknown job " + jobId);
        }
        return a;
    }

    /** A page of jobs, newest first, and the next page's token (empty on the last). */
    public record Page(List<Assignment> jobs, String nextToken) {
    }

    /**
     * Jobs newest first; {@code kind} empty or "package-deploy"; {@code subject} empty or
     * "clone:&lt;uuid&gt;". Any other kind or subject has no job here: an empty page.
     */
    public Page list(String kind, String subject, int pageSize, String pageToken) {
        int size = JobPages.pageSize(pageSize);
        JobPages.Key after = pageToken.isEmpty() ? null : JobPages.Key.parse(pageToken, Jobs.PREFIX);
        if (!kind.isEmpty() && !kind.equals(Jobs.KIND)) {
            return new Page(List.of(), "");
        }
        String clone = null;
        if (!subject.isEmpty()) {
            if (!subject.startsWith(Jobs.SUBJECT_PREFIX)) {
                return new Page(List.of(), "");
            }
            clone = uuid(subject.substring(Jobs.SUBJECT_PREFIX.length()), "subject");
        }
        OffsetDateTime afterCreated = after == null ? null : OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC);
        UUID afterId = after == null ? null : Jobs.uuid(after.id());
        List<Assignment> rows = repository.list(clone, afterCreated, afterId, size + 1);
        if (rows.size() <= size) {
            return new Page(rows, "");
        }
        List<Assignment> page = rows.subList(0, size);
        Assignment last = page.get(size - 1);
        return new Page(page, new JobPages.Key(last.createdAt().toInstant(), Jobs.id(last.jobId())).token());
    }

    /** CancelJob: a queued job is cancelled at once, a running one asked to stop; a finished one refused. */
    public Assignment cancel(String jobId, String by) throws Exception {
        UUID id = Jobs.uuid(jobId);
        Db.inTransaction(pool, c -> {
            Assignment a = AssignmentRepository.lock(c, id);
            if (a == null) {
                throw new ExchangeException(Reason.NOT_FOUND, "unknown job " + jobId);
            }
            switch (AssignmentRules.cancel(a.state(), a.cancelRequested())) {
                case NOW -> AssignmentRepository.finish(c, id, JobState.CANCELLED, "cancelled",
                        "", "cancelled by " + by + " before the clone's next contact: the clone does not deploy it", "");
                case ASK -> AssignmentRepository.askCancel(c, id);
                case ALREADY_ASKED -> {
                }
                case REFUSE -> throw new ExchangeException(Reason.PRECONDITION, "job " + jobId + " is finished ("
                        + a.state().label() + "): nothing to cancel");
            }
            return null;
        });
        watch.watch().changed();
        LOG.infof("cancellation of job %s asked by %s", jobId, by);
        return repository.find(id);
    }

    /**
     * The clone claims its open assignment ({@code jobId}, or whichever is open for an empty id):
     * it starts (RUNNING) and the clone gets a single-use registration ticket for itself and the
     * package, asked of registry-service now with central's service token (never stored here).
     */
    public Claimed claim(String cloneId, String jobId) throws Exception {
        UUID wanted = jobId == null || jobId.isBlank() ? null : Jobs.uuid(jobId);
        String[] ticket = {null};
        Assignment claimed = Db.inTransaction(pool, c -> {
            Assignment a = wanted == null ? AssignmentRepository.lockOpen(c, cloneId) : AssignmentRepository.lock(c, wanted);
            if (a == null || !a.cloneId().equals(cloneId)) {
                // another clone's job is not this clone's business: unknown, as a job that does not exist
                throw new ExchangeException(Reason.NOT_FOUND, wanted == null ? "clone " + cloneId + " has no open"
                        + " assignment" : "no assignment " + jobId + " for clone " + cloneId);
            }
            String refusal = AssignmentRules.claimRefusal(a.state());
            if (refusal != null) {
                throw new ExchangeException(Reason.PRECONDITION, "assignment " + Jobs.id(a.jobId())
                        + " cannot be claimed: " + refusal);
            }
            Row clone = Db.query(c, "SELECT clone_name FROM lizsync.clone_state WHERE clone_id = $1::uuid", cloneId)
                    .iterator().next();
            var facts = packages.describe(a.packageId());
            ticket[0] = registry.issueTicket(cloneId, clone.getString(0), facts.tables(), a.packageId(),
                    facts.historySyncId());
            AssignmentRepository.start(c, a.jobId());
            return a;
        });
        watch.watch().changed();
        LOG.infof("clone %s claimed assignment %s (package %s)", cloneId, Jobs.id(claimed.jobId()),
                claimed.packageId());
        return new Claimed(repository.find(claimed.jobId()), ticket[0]);
    }

    /** A clone's report on its assignment; answers the job's state and whether a cancellation was asked. */
    public Reported report(String cloneId, String jobId, String step, long done, long total, String unit,
            int percent, AssignmentRules.Outcome outcome, String errorCode, String message) throws Exception {
        UUID id = Jobs.uuid(jobId);
        Reported reported = Db.inTransaction(pool, c -> {
            Assignment a = AssignmentRepository.lock(c, id);
            if (a == null || !a.cloneId().equals(cloneId)) {
                throw new ExchangeException(Reason.NOT_FOUND, "no assignment " + jobId + " for clone " + cloneId);
            }
            var decision = AssignmentRules.report(a.state(), a.cancelRequested(), outcome);
            if (decision.refusal() != null) {
                throw new ExchangeException(Reason.PRECONDITION, "assignment " + jobId + ": " + decision.refusal());
            }
            if (!decision.apply()) {
                if (outcome != AssignmentRules.Outcome.PROGRESS) {
                    LOG.infof("clone %s reported %s for job %s, already %s: kept", cloneId, outcome, jobId,
                            a.state().label());
                }
                return new Reported(a.state(), a.cancelRequested(), false);
            }
            String text = message == null ? "" : message;
            switch (decision.next()) {
                case RUNNING -> AssignmentRepository.progress(c, id, step, done, total, unit,
                        AssignmentRules.percent(percent, done, total));
                case SUCCEEDED -> AssignmentRepository.finish(c, id, JobState.SUCCEEDED, "deployed",
                        "package:" + a.packageId(), text, "");
                case FAILED -> AssignmentRepository.finish(c, id, JobState.FAILED, step.isEmpty() ? "failed" : step, "",
                        text, errorCode == null || errorCode.isBlank() ? "UNKNOWN" : errorCode);
                case CANCELLED -> AssignmentRepository.finish(c, id, JobState.CANCELLED, "cancelled", "", text, "");
                default -> throw new IllegalStateException("no report leads to " + decision.next());
            }
            if (decision.next().isTerminal()) {
                LOG.infof("assignment %s on clone %s ended %s: %s", jobId, cloneId, decision.next().label(), text);
            }
            return new Reported(decision.next(), a.cancelRequested(), decision.next().isTerminal());
        });
        watch.watch().changed();
        if (reported.ended() && reported.state() == JobState.SUCCEEDED) {
            recordDeployment(repository.find(id));
        }
        return reported;
    }

    /** packaging-service's deployment list learns of a deploy that succeeded (best effort: the job is what counts). */
    private void recordDeployment(Assignment a) {
        try {
            var name = Db.query(pool, "SELECT clone_name FROM lizsync.clone_state WHERE clone_id = $1::uuid", a.cloneId());
            packages.recordDeployment(a.packageId(), a.cloneId(), name.size() == 0 ? "" : name.iterator().next().getString(0),
                    a.finishedAt().toInstant());
        } catch (RuntimeException e) {
            LOG.warnf("packaging-service did not record the deployment of package %s on clone %s: %s", a.packageId(),
                    a.cloneId(), e.getMessage());
        }
    }

    /** The clone's open assignment for its hello, or null. */
    public Assignment open(String cloneId) {
        return repository.open(cloneId);
    }

    static String uuid(String s, String what) {
        try {
            return UUID.fromString(s).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(what + ": not a uuid: '" + (s == null ? "" : s) + "'");
        }
    }

    /** The job contract's names for a deploy. */
    public static final class Jobs {
        public static final String KIND = "package-deploy";
        public static final String SUBJECT_PREFIX = "clone:";
        /** Job ids "deploy-&lt;uuid&gt;" (grpc-kit {@link JobId}), which the gateway routes here. */
        public static final String PREFIX = "deploy";

        /** The job id of an assignment. */
        public static String id(UUID assignment) {
            return new JobId(PREFIX, assignment).toString();
        }

        /** The assignment of a job id; IllegalArgumentException (INVALID_ARGUMENT) for anything but one of ours. */
        public static UUID uuid(String jobId) {
            return JobId.parse(PREFIX, jobId).uuid();
        }

        private Jobs() {
        }
    }
}
