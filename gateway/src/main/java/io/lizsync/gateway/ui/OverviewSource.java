package io.lizsync.gateway.ui;

import io.lizsync.gateway.config.GatewayConfig;
import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.proto.sync.v1.CentralAdmin;
import io.lizsync.proto.sync.v1.CloneState;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.lizsync.proto.sync.v1.ToolsStatus;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the overview from central on a caller's behalf (their access token, central checks their
 * roles again): every clone state, page by page, and central's tools status (the overview still
 * shows the clones when that one fails).
 */
@ApplicationScoped
public class OverviewSource {

    static final int PAGE = 500;
    /** 20 pages of 500 clones: far beyond a mesh the overview is meant for, and a bound on one load. */
    static final int MAX_PAGES = 20;

    @GrpcClient("sync")
    SyncReview review;

    @GrpcClient("sync")
    CentralAdmin admin;

    @Inject
    GatewayConfig config;

    /** The overview now, as {@code caller} may see it. */
    public Uni<OverviewModel.Overview> load(Caller caller) {
        SyncReview r = Downstream.as(caller, review);
        Uni<List<CloneState>> states = pages(r, "", new ArrayList<>(), 0);
        Uni<ToolsStatus> tools = Downstream.as(caller, admin).getToolsStatus(GetToolsStatusRequest.getDefaultInstance())
                .onFailure().recoverWithNull();
        return Uni.combine().all().unis(states, tools).asTuple()
                .map(t -> OverviewModel.of(t.getItem1(), t.getItem2(), thresholds(), Instant.now()));
    }

    /** The state thresholds of the settings. */
    public CloneHealth.Thresholds thresholds() {
        return new CloneHealth.Thresholds(config.dashboard().silentAfter(), config.dashboard().behindAfter());
    }

    private static Uni<List<CloneState>> pages(SyncReview r, String token, List<CloneState> into, int page) {
        return r.listCloneStates(ListCloneStatesRequest.newBuilder().setPageSize(PAGE).setPageToken(token).build())
                .flatMap(res -> {
                    into.addAll(res.getClonesList());
                    if (res.getNextPageToken().isEmpty() || page + 1 >= MAX_PAGES) {
                        return Uni.createFrom().item(into);
                    }
                    return pages(r, res.getNextPageToken(), into, page + 1);
                });
    }
}
