package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.grpckit.auth.Roles;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The overview ({@code /ui/}): central and every clone, with their state; live through the
 * shared poller ({@link OverviewFeed}). A field user's start page is their projects instead.
 */
@Path("/ui")
public class OverviewPage {

    @Inject
    UiContext ui;

    @Inject
    Downstream downstream;

    @Inject
    OverviewSource source;

    @Inject
    OverviewFeed feed;

    @Inject
    UiErrors errors;

    @GET
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> overview() {
        if (!ui.ops()) {
            return Uni.createFrom().item(Html.seeOther(UiPaths.PROJECTS));
        }
        Chrome chrome = ui.chrome("overview", "Overview");
        return source.load(downstream.caller()).map(o -> Html.ok(Pages.Templates.overview(chrome, o)))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @GET
    @Path("/events/overview")
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<OverviewFeed.Update> events() {
        return feed.watch(downstream.caller());
    }
}
