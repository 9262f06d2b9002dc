package io.lizsync.sync.clone.service;

import java.util.Objects;

/**
 * What a sidecar that stopped in the middle of an assigned deploy can establish at its next start
 * or contact (ADR 0015), as plain functions: whether the deploy committed (every deploy writes the
 * clone's identity anew in its one transaction, so the writing transaction of that row changed and
 * the package is the assigned one) and whether the clone registered with the deploy's ticket (its
 * credential changed).
 */
public final class AssignmentRecovery {

    private AssignmentRecovery() {
    }

    /** What the sidecar recorded before it started the deploy, and what it finds now. */
    public record Before(String identityWrittenBy, String credentialFingerprint) {
    }

    /** What was established. */
    public enum Finding {
        /** The deploy committed and the clone registered with its ticket. */
        DEPLOYED,
        /** The deploy committed; the registration has not happened: the ticket registers at this contact. */
        DEPLOYED_NOT_REGISTERED,
        /** The deploy did not commit: the clone is as it was. */
        NOT_DEPLOYED
    }

    public static Finding establish(Before before, String identityWrittenByNow, String packageNow, String assignedPackage,
            String credentialFingerprintNow) {
        boolean committed = identityWrittenByNow != null && !identityWrittenByNow.equals(before.identityWrittenBy())
                && Objects.equals(packageNow, assignedPackage);
        if (!committed) {
            return Finding.NOT_DEPLOYED;
        }
        return Objects.equals(before.credentialFingerprint(), credentialFingerprintNow) ? Finding.DEPLOYED_NOT_REGISTERED
                : Finding.DEPLOYED;
    }
}
