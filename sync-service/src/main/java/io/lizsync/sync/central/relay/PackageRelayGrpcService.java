package io.lizsync.sync.central.relay;

import io.grpc.stub.StreamObserver;
import io.lizsync.grpckit.FlowControlledSender;
import io.lizsync.grpckit.MessageLimits;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.sync.v1.PackageRelayGrpc;
import io.lizsync.proto.sync.v1.RelayDownloadRequest;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.grpc.GrpcErrors;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/**
 * gRPC transport of the package relay (central role, exchange surface). Written against the
 * grpc-java base class: the download follows the clone's flow control ({@link FlowControlledSender}).
 */
@GrpcService
@Blocking
public class PackageRelayGrpcService extends PackageRelayGrpc.PackageRelayImplBase {

    private final PackageRelayService relay;
    private final Calls calls;

    PackageRelayGrpcService(PackageRelayService relay, NodeRoles roles) {
        this.relay = relay;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "the package relay to deploying clones");
    }

    @Override
    public void downloadPackage(RelayDownloadRequest request, StreamObserver<PackageChunk> response) {
        try {
            calls.check();
            FlowControlledSender.start(response, relay.open(request.getRegistrationTicket(), request.getPackageId(),
                    request.getOffset(), request.getChunkSize()),
                    MessageLimits.CHUNK_CEILING + MessageLimits.CHUNK_OVERHEAD, GrpcErrors::toStatus);
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
        }
    }
}
