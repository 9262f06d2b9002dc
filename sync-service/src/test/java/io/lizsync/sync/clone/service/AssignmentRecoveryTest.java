package io.lizsync.sync.clone.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lizsync.sync.clone.service.AssignmentRecovery.Before;
import io.lizsync.sync.clone.service.AssignmentRecovery.Finding;
import org.junit.jupiter.api.Test;

/** What a sidecar stopped mid-deploy establishes at its next contact, without a database. */
class AssignmentRecoveryTest {

    private static final String P = "7b0c3c1e-0000-4000-8000-000000000001";
    private static final String OLD = "7b0c3c1e-0000-4000-8000-000000000000";

    @Test
    void aNewIdentityOfTheAssignedPackageIsACommittedDeploy() {
        Before before = new Before("1000", "cred-a");
        assertEquals(Finding.DEPLOYED, AssignmentRecovery.establish(before, "1042", P, P, "cred-b"));
        assertEquals(Finding.DEPLOYED_NOT_REGISTERED, AssignmentRecovery.establish(before, "1042", P, P, "cred-a"));
    }

    @Test
    void theSameIdentityOrAnotherPackageIsNoDeploy() {
        Before before = new Before("1000", "cred-a");
        assertEquals(Finding.NOT_DEPLOYED, AssignmentRecovery.establish(before, "1000", OLD, P, "cred-a"));
        // a redeploy of the package the clone already had: only a new identity row says it committed
        assertEquals(Finding.NOT_DEPLOYED, AssignmentRecovery.establish(new Before("1000", "c"), "1000", P, P, "c"));
        assertEquals(Finding.NOT_DEPLOYED, AssignmentRecovery.establish(before, "1042", OLD, P, "cred-b"));
        assertEquals(Finding.NOT_DEPLOYED, AssignmentRecovery.establish(before, null, null, P, ""));
        // a database that was no clone before the deploy
        assertEquals(Finding.DEPLOYED, AssignmentRecovery.establish(new Before("", ""), "7", P, P, "cred-b"));
    }
}
