package io.lizsync.packaging.grpc;

import static io.lizsync.grpckit.auth.Roles.ADMINISTRATOR;
import static io.lizsync.grpckit.auth.Roles.OPERATOR;
import static io.lizsync.grpckit.auth.Roles.SERVICE;

import io.lizsync.grpckit.auth.AccessPolicy;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;

/**
 * Who may call each RPC of packaging-service: the one table ({@link AccessCheck} refuses what it
 * does not name; it does not build when an RPC is left out). A package is a full copy of the
 * tables it holds, and its additional SQL runs on every clone that deploys it: building,
 * downloading and deleting are an operator's. A sidecar downloads and records a deploy with the
 * token of the operator who deploys.
 */
public final class PackagingAccess {

    private PackagingAccess() {
    }

    public static AccessPolicy policy() {
        return AccessPolicy.builder()
                .services(PackagingServiceGrpc.getServiceDescriptor(), JobsGrpc.getServiceDescriptor())
                .openService("grpc.health.v1.Health")
                .roles(PackagingServiceGrpc.getBuildPackageMethod(), ADMINISTRATOR, OPERATOR)
                .roles(PackagingServiceGrpc.getStartBuildMethod(), ADMINISTRATOR, OPERATOR)
                // Build jobs (build-<uuid>): the gateway follows them with the caller's token.
                .roles(JobsGrpc.getGetJobMethod(), ADMINISTRATOR, OPERATOR)
                .roles(JobsGrpc.getListJobsMethod(), ADMINISTRATOR, OPERATOR)
                .roles(JobsGrpc.getWatchJobMethod(), ADMINISTRATOR, OPERATOR)
                .roles(JobsGrpc.getCancelJobMethod(), ADMINISTRATOR, OPERATOR)
                .roles(PackagingServiceGrpc.getListPackagesMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(PackagingServiceGrpc.getGetPackageMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                // SERVICE: central's exchange relays a package to the clone deploying it (ADR 0013)
                .roles(PackagingServiceGrpc.getDownloadPackageMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(PackagingServiceGrpc.getDeletePackageMethod(), ADMINISTRATOR, OPERATOR)
                .roles(PackagingServiceGrpc.getRecordDeploymentMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .roles(PackagingServiceGrpc.getListDeploymentsMethod(), ADMINISTRATOR, OPERATOR, SERVICE)
                .build();
    }
}
