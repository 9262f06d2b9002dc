package io.lizsync.sync.clone.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.PrivateDirs;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.sync.clone.central.CentralClient;
import io.lizsync.sync.clone.central.CentralClient.Outcome;
import io.lizsync.sync.clone.central.CentralLink;
import io.lizsync.sync.clone.repository.CloneStore;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.GrpcErrors;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.jboss.logging.Logger;

/**
 * Runs the deploys central assigned to this clone (ADR 0015), on the sync runner's thread and
 * lock, after the session sent the clone's edits to central ("Syncing first"; a failed push fails
 * the job unless forced): claims the assignment (central answers a single-use registration ticket
 * for this clone and the package), deploys through {@link DeployService} exactly as an operator's deploy by id with a
 * ticket (download through central's relay, signature, one clone transaction, every check, then
 * the registration), reports progress and the outcome, and stops before the deploy commits when a
 * cancellation was asked. What it started is kept in {@code <state dir>/assignment} (0600: it holds
 * the ticket) until central has the outcome, so a sidecar stopped mid-deploy reports at its next
 * contact what it can establish ({@link AssignmentRecovery}).
 */
@ApplicationScoped
public class AssignmentRunner {

    private static final Logger LOG = Logger.getLogger(AssignmentRunner.class);
    private static final String FILE = "assignment";
    /** Least time between two progress reports of one step (ms). */
    private static final long REPORT_EVERY_MS = 1000;

    private final SyncConfig config;
    private final CentralClient central;
    private final CentralLink link;
    private final CloneStore store;
    private final jakarta.enterprise.inject.Instance<DeployService> deployer;

    AssignmentRunner(SyncConfig config, CentralClient central, CentralLink link, CloneStore store,
            jakarta.enterprise.inject.Instance<DeployService> deployer) {
        this.config = config;
        this.central = central;
        this.link = link;
        this.store = store;
        this.deployer = deployer;
    }

    /** Thrown from the progress callback when central asked to cancel, before the deploy commits. */
    static final class CancelledHere extends RuntimeException {
        CancelledHere() {
            super("cancelled at an operator's request before the deploy committed: nothing was deployed");
        }
    }

    /**
     * Runs the assignment hello showed (already holding the sync runner's lock); returns a line
     * for the sync's answer. An assignment already claimed that this sidecar has no record of was
     * lost before its deploy began (the record is written before): reported as failed.
     */
    public String run(CentralClient.Assignment a) throws IOException {
        if (a.running()) {
            if (Files.isRegularFile(file())) {
                return null; // recovered and reported at this contact already, or central unreachable: next time
            }
            report(a.jobId(), "lost", Outcome.FAILED, "ABORTED", "the sidecar lost track of the claimed assignment"
                    + " before its deploy began (nothing was deployed); assign the package again");
            return "assignment " + a.jobId() + " reported as lost";
        }
        CentralClient.Claimed claimed;
        try {
            claimed = central.claim(a.jobId());
        } catch (StatusRuntimeException e) {
            LOG.infof("assignment %s not claimed: %s", a.jobId(), e.getStatus());
            return null;
        }
        return deploy(claimed);
    }

    /**
     * Runs the assignment hello showed after the session failed to send the clone's edits to
     * central first (ADR 0015, "Syncing first"). Without force the deploy does not run: the job is
     * claimed and failed with the reason ("could not send the clone's edits first: …"), the clone
     * untouched, its edits sent at a later sync. A forced deploy runs (its edits are discarded, as
     * force says). Null when the job could not be claimed (central out of reach: next time).
     */
    public String runAfterFailedPush(CentralClient.Assignment a, Exception pushFailure) throws IOException {
        if (a.force() || a.running()) {
            return run(a);
        }
        CentralClient.Claimed claimed;
        try {
            claimed = central.claim(a.jobId());
        } catch (StatusRuntimeException e) {
            LOG.infof("assignment %s not claimed: %s", a.jobId(), e.getStatus());
            return null;
        }
        StatusRuntimeException s = pushFailure instanceof StatusRuntimeException sre ? sre
                : GrpcErrors.toStatus(pushFailure);
        String reason = s.getStatus().getDescription() != null ? s.getStatus().getDescription()
                : pushFailure.getMessage() != null ? pushFailure.getMessage() : s.getStatus().getCode().name();
        String message = "could not send the clone's edits first: " + reason
                + "; nothing was deployed, the clone is as it was (assign again, or force to discard its edits)";
        LOG.infof("assignment %s failed: %s", claimed.jobId(), message);
        new Pending(claimed.jobId(), claimed.packageId(), "", link.credentialFingerprint(), "", "", "", "")
                .finished(Outcome.FAILED, s.getStatus().getCode().name(), message).save(file());
        flush();
        return "assignment " + claimed.jobId() + " failed: " + message;
    }

    /**
     * After central refused the hello (a structure or tools version that differs: what a deploy
     * repairs), claims the clone's open assignment if it has one; null when it has none.
     */
    public String runOpen() throws IOException {
        CentralClient.Claimed claimed;
        try {
            claimed = central.claim("");
        } catch (StatusRuntimeException e) {
            LOG.debugf("no open assignment claimed after a refused hello: %s", e.getStatus());
            return null;
        }
        return deploy(claimed);
    }

    private String deploy(CentralClient.Claimed claimed) throws IOException {
        CloneStore.DeployMark mark = store.deployMark();
        Pending pending = new Pending(claimed.jobId(), claimed.packageId(), mark == null ? "" : mark.writtenBy(),
                link.credentialFingerprint(), claimed.ticket(), "", "", "");
        pending.save(file());
        LOG.infof("running assignment %s: deploy package %s%s", claimed.jobId(), claimed.packageId(),
                claimed.force() ? " (forced)" : "");
        Reporter reporter = new Reporter(claimed.jobId());
        Outcome outcome;
        String code = "";
        String message;
        try {
            DeployProgress last = deployer.get().deploy(DeployRequest.newBuilder().setPackageId(claimed.packageId())
                    .setForce(claimed.force()).setRegistrationTicket(claimed.ticket()).build(), reporter, null);
            if (config.testCrashPoint().filter("assignment-after-deploy"::equals).isPresent()) {
                LOG.warn("fault injection: halting after the assigned deploy, before its report");
                Runtime.getRuntime().halt(137);
            }
            outcome = Outcome.SUCCEEDED;
            message = last.getMessage();
        } catch (CancelledHere e) {
            outcome = Outcome.CANCELLED;
            message = e.getMessage();
        } catch (Exception e) {
            StatusRuntimeException s = e instanceof StatusRuntimeException sre ? sre : GrpcErrors.toStatus(e);
            outcome = Outcome.FAILED;
            code = s.getStatus().getCode().name();
            message = s.getStatus().getDescription() == null ? code : s.getStatus().getDescription();
        }
        LOG.infof("assignment %s %s: %s", claimed.jobId(), outcome.name().toLowerCase(java.util.Locale.ROOT), message);
        pending.finished(outcome, code, message).save(file());
        flush();
        return "assignment " + claimed.jobId() + " " + outcome.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
    }

    /**
     * At a contact, before the clone registers and says hello: a deploy this sidecar started and did
     * not finish is established from the clone database ({@link AssignmentRecovery}); a committed
     * deploy whose registration did not happen leaves its ticket for this contact's registration.
     */
    public void recover(SyncRunner runner) throws IOException {
        Pending p = Pending.load(file());
        if (p == null || !p.outcome().isEmpty()) {
            return;
        }
        CloneStore.DeployMark now = store.deployMark();
        var finding = AssignmentRecovery.establish(new AssignmentRecovery.Before(p.identityWrittenBy(),
                p.credentialFingerprint()), now == null ? null : now.writtenBy(), now == null ? null : now.packageId(),
                p.packageId(), link.credentialFingerprint());
        LOG.infof("assignment %s was cut short (the sidecar stopped): %s", p.jobId(), finding);
        Pending established = switch (finding) {
            case DEPLOYED -> p.finished(Outcome.SUCCEEDED, "", "package " + p.packageId()
                    + " deployed and registered (established by the sidecar after it restarted)");
            case DEPLOYED_NOT_REGISTERED -> {
                runner.registrationPending(p.ticket(), p.packageId());
                yield p.finished(Outcome.SUCCEEDED, "", "package " + p.packageId() + " deployed (established by the"
                        + " sidecar after it restarted); registered with central at the next contact");
            }
            case NOT_DEPLOYED -> p.finished(Outcome.FAILED, Status.Code.ABORTED.name(), "the sidecar stopped before"
                    + " the deploy committed: nothing was deployed, the clone is as it was; assign the package again");
        };
        established.save(file());
    }

    /** Reports an outcome central does not have yet (kept until it does). */
    public void flush() {
        try {
            Pending p = Pending.load(file());
            if (p == null || p.outcome().isEmpty()) {
                return;
            }
            report(p.jobId(), p.outcome().equals(Outcome.SUCCEEDED.name()) ? "deployed" : "ended",
                    Outcome.valueOf(p.outcome()), p.errorCode(), p.message());
            Files.deleteIfExists(file());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("the outcome of an assignment is not reported yet (kept for the next contact): %s", e.getMessage());
        }
    }

    private void report(String jobId, String step, Outcome outcome, String code, String message) throws IOException {
        central.report(jobId, step, 0, 0, "", outcome == Outcome.SUCCEEDED ? 100 : -1, outcome, code, message);
    }

    private Path file() {
        return Path.of(config.stateDir(), FILE);
    }

    /** Reports progress to central (throttled), and stops the deploy before it commits when central asks. */
    private final class Reporter implements java.util.function.Consumer<DeployProgress> {
        private final String jobId;
        private String lastStep = "";
        private long lastAt;

        Reporter(String jobId) {
            this.jobId = jobId;
        }

        @Override
        public void accept(DeployProgress p) {
            String step = p.getStep();
            String kind = step.contains(":") ? step.substring(0, step.indexOf(':')) : step;
            // "done" is said after the deploy transaction committed: too late to stop
            boolean committed = kind.equals("done");
            long now = System.currentTimeMillis();
            if (kind.equals(lastStep) && now - lastAt < REPORT_EVERY_MS) {
                return;
            }
            lastStep = kind;
            lastAt = now;
            try {
                var answer = central.report(jobId, step, p.getPercent(), 100, "percent", p.getPercent(),
                        Outcome.PROGRESS, "", "");
                if ((answer.cancelRequested() || answer.finalThere()) && !committed) {
                    throw new CancelledHere();
                }
                pauseForTests();
            } catch (IOException | StatusRuntimeException e) {
                // central out of reach mid-deploy: the deploy goes on, the outcome is reported later
                LOG.debugf("progress of assignment %s not reported: %s", jobId, e.getMessage());
            }
        }
    }

    private void pauseForTests() {
        var pause = config.testAssignmentPause();
        if (pause.isPresent()) {
            LOG.warnf("fault injection: pausing %s after a progress report", pause.get());
            try {
                Thread.sleep(pause.get().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What {@code <state dir>/assignment} keeps (the ticket is a secret: toString leaves it out). */
    record Pending(String jobId, String packageId, String identityWrittenBy, String credentialFingerprint,
            String ticket, String outcome, String errorCode, String message) {

        Pending finished(Outcome o, String code, String text) {
            return new Pending(jobId, packageId, identityWrittenBy, credentialFingerprint, ticket, o.name(), code, text);
        }

        @Override
        public String toString() {
            return "Pending[" + jobId + ", package " + packageId + ", " + (outcome.isEmpty() ? "running" : outcome) + "]";
        }

        void save(Path file) throws IOException {
            Properties p = new Properties();
            p.setProperty("job", jobId);
            p.setProperty("package", packageId);
            p.setProperty("identity-written-by", identityWrittenBy);
            p.setProperty("credential-sha256", credentialFingerprint);
            p.setProperty("ticket", ticket);
            p.setProperty("outcome", outcome);
            p.setProperty("error-code", errorCode);
            p.setProperty("message", message);
            StringWriter w = new StringWriter();
            p.store(w, null);
            PrivateDirs.writeSecret(file.getParent(), file.getFileName().toString(), w.toString());
        }

        static Pending load(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file)));
            return new Pending(p.getProperty("job", ""), p.getProperty("package", ""),
                    p.getProperty("identity-written-by", ""), p.getProperty("credential-sha256", ""),
                    p.getProperty("ticket", ""), p.getProperty("outcome", ""), p.getProperty("error-code", ""),
                    p.getProperty("message", ""));
        }
    }
}
