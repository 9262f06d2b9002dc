package io.lizsync.sync.grpc;

import static io.lizsync.grpckit.auth.Roles.ADMINISTRATOR;
import static io.lizsync.grpckit.auth.Roles.FIELD;
import static io.lizsync.grpckit.auth.Roles.OPERATOR;
import static io.lizsync.grpckit.auth.Roles.SERVICE;

import io.lizsync.grpckit.auth.AccessPolicy;
import io.lizsync.grpckit.auth.LocalToken;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.DeviceSyncGrpc;
import io.lizsync.proto.sync.v1.ExchangeGrpc;
import io.lizsync.proto.sync.v1.SyncReviewGrpc;

/**
 * Who may call each RPC sync-service serves, in either role: the one table ({@link AccessCheck}
 * refuses what it does not name, and it does not build when an RPC is left out). The exchange is
 * the clones' and checks their per-clone credential itself.
 */
public final class SyncAccess {

    private static final String LOCAL = LocalToken.ROLE;

    private SyncAccess() {
    }

    /**
     * The table of a process serving {@code surfaces} only: the exchange (ExchangeGrpc), admin
     * (CentralAdmin, SyncReview, CloneAgent), or both; a method of another surface is refused
     * before any credential is looked at.
     */
    public static AccessPolicy policy(java.util.Set<io.lizsync.sync.config.SyncConfig.Surface> surfaces) {
        if (surfaces.containsAll(java.util.EnumSet.allOf(io.lizsync.sync.config.SyncConfig.Surface.class))) {
            return policy();
        }
        java.util.Set<String> served = new java.util.HashSet<>();
        if (surfaces.contains(io.lizsync.sync.config.SyncConfig.Surface.exchange)) {
            served.add(ExchangeGrpc.SERVICE_NAME);
            served.add(io.lizsync.proto.sync.v1.PackageRelayGrpc.SERVICE_NAME);
        }
        if (surfaces.contains(io.lizsync.sync.config.SyncConfig.Surface.admin)) {
            served.addAll(java.util.List.of(CentralAdminGrpc.SERVICE_NAME, SyncReviewGrpc.SERVICE_NAME,
                    CloneAgentGrpc.SERVICE_NAME, JobsGrpc.SERVICE_NAME, DeviceSyncGrpc.SERVICE_NAME));
        }
        String sorted = surfaces.stream().map(Enum::name).sorted().collect(java.util.stream.Collectors.joining(","));
        return policy().servingOnly(served, "this sync-service serves " + sorted + " only (lizsync.sync.serve,"
                + " LIZSYNC_SYNC_SERVE); ask the process that serves "
                + (surfaces.contains(io.lizsync.sync.config.SyncConfig.Surface.exchange) ? "admin" : "the exchange"));
    }

    public static AccessPolicy policy() {
        return AccessPolicy.builder()
                .services(CentralAdminGrpc.getServiceDescriptor(), SyncReviewGrpc.getServiceDescriptor(),
                        ExchangeGrpc.getServiceDescriptor(), CloneAgentGrpc.getServiceDescriptor(),
                        io.lizsync.proto.sync.v1.PackageRelayGrpc.getServiceDescriptor(), JobsGrpc.getServiceDescriptor(),
                        DeviceSyncGrpc.getServiceDescriptor())
                .openService("grpc.health.v1.Health")
                // central: the tools
                .roles(CentralAdminGrpc.getInstallMethod(), ADMINISTRATOR)
                .roles(CentralAdminGrpc.getUpgradeMethod(), ADMINISTRATOR)
                .roles(CentralAdminGrpc.getPrepareMethod(), ADMINISTRATOR)
                // ids and versions; a deploying sidecar reads it with its operator's token
                .roles(CentralAdminGrpc.getGetToolsStatusMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                // central: history, conflicts, policies
                .roles(SyncReviewGrpc.getListHistoryMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(SyncReviewGrpc.getListConflictsMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(SyncReviewGrpc.getResolveConflictMethod(), ADMINISTRATOR, OPERATOR)
                .roles(SyncReviewGrpc.getSetTablePolicyMethod(), ADMINISTRATOR)
                .roles(SyncReviewGrpc.getListTablePoliciesMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(SyncReviewGrpc.getPruneLogMethod(), ADMINISTRATOR)
                .roles(SyncReviewGrpc.getListCloneStatesMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(SyncReviewGrpc.getGetCloneStateMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                // central: deploys assigned to clones (ADR 0015), the operator's surface
                .roles(SyncReviewGrpc.getAssignPackageMethod(), ADMINISTRATOR, OPERATOR)
                // central: syncs requested of clones (ADR 0019), queued until their next contact
                .roles(SyncReviewGrpc.getRequestSyncMethod(), ADMINISTRATOR, OPERATOR)
                .roles(JobsGrpc.getGetJobMethod(), ADMINISTRATOR, OPERATOR)
                .roles(JobsGrpc.getListJobsMethod(), ADMINISTRATOR, OPERATOR)
                .roles(JobsGrpc.getWatchJobMethod(), ADMINISTRATOR, OPERATOR)
                .roles(JobsGrpc.getCancelJobMethod(), ADMINISTRATOR, OPERATOR)
                // central: mobile devices (ADR 0020), called by the gateway with the user's token
                .roles(DeviceSyncGrpc.getDescribeLayerMethod(), ADMINISTRATOR, OPERATOR, FIELD)
                .roles(DeviceSyncGrpc.getDownloadMethod(), ADMINISTRATOR, OPERATOR, FIELD)
                .roles(DeviceSyncGrpc.getConfirmMethod(), ADMINISTRATOR, OPERATOR, FIELD)
                .roles(DeviceSyncGrpc.getUploadMethod(), ADMINISTRATOR, OPERATOR, FIELD)
                // an administrator forgets a device (registry-service, through the gateway)
                .roles(DeviceSyncGrpc.getForgetDeviceMethod(), ADMINISTRATOR, SERVICE)
                // central: the clones' exchange, by their own credential
                .cloneCredential(ExchangeGrpc.getHelloMethod())
                .cloneCredential(ExchangeGrpc.getMeasureClockMethod())
                .cloneCredential(ExchangeGrpc.getPushMethod())
                .cloneCredential(ExchangeGrpc.getPullMethod())
                .cloneCredential(ExchangeGrpc.getAcknowledgeMethod())
                // an assigned deploy: the clone claims it and reports on it as itself (after the
                // deploy, with the credential its registration gave it)
                .cloneCredential(ExchangeGrpc.getClaimAssignmentMethod())
                .cloneCredential(ExchangeGrpc.getReportAssignmentMethod())
                // a clone not registered yet: its single-use registration ticket, in the request,
                // is checked by registry-service when central redeems it (ADR 0013)
                .anyone(ExchangeGrpc.getRegisterCloneMethod())
                // the package of a deploy, for the holder of a registration ticket issued for it
                // (checked at registry-service, not spent)
                .anyone(io.lizsync.proto.sync.v1.PackageRelayGrpc.getDownloadPackageMethod())
                // clone sidecar; LOCAL: the holder of its local token (a 0600 file on the clone's
                // machine); registering with central takes a ticket in the request as well
                .roles(CloneAgentGrpc.getSynchronizeMethod(), ADMINISTRATOR, OPERATOR, FIELD, LOCAL)
                .roles(CloneAgentGrpc.getDeployMethod(), ADMINISTRATOR, OPERATOR, LOCAL)
                .roles(CloneAgentGrpc.getGetCloneStatusMethod(), ADMINISTRATOR, OPERATOR, FIELD, SERVICE, LOCAL)
                .roles(CloneAgentGrpc.getAttachMethod(), ADMINISTRATOR, OPERATOR)
                .build();
    }
}
