package io.lizsync.gateway.ui;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.auth.SessionCookies;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.proto.registry.v1.AuthenticateRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.time.Instant;

/**
 * The dashboard's login, on the REST API's sessions: it asks the registry ({@code Authenticate},
 * as {@code POST /api/v1/session} does) and sets the same cookies ({@link SessionCookies}), then
 * sends the browser to the page it asked for (a local dashboard page only, {@link UiPaths}).
 */
@Path("/ui/login")
public class LoginPage {

    static final String WRONG = "Wrong login or password.";

    @GrpcClient("registry")
    RegistryService registry;

    @GET
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public Response form(@QueryParam("next") String next) {
        return Html.ok(page(UiPaths.safeNext(next), null, null));
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> login(@FormParam("login") String login, @FormParam("password") String password,
            @FormParam("next") String next, @Context UriInfo uri) {
        String target = UiPaths.safeNext(next);
        if (login == null || login.isBlank() || password == null || password.isEmpty() || login.length() > 200
                || password.length() > 1024) {
            return Uni.createFrom().item(Html.page(401, page(target, login, WRONG)));
        }
        boolean secure = "https".equals(uri.getRequestUri().getScheme());
        return registry.authenticate(AuthenticateRequest.newBuilder().setLogin(login.strip()).setPassword(password).build())
                .map(r -> {
                    Duration ttl = Duration.between(Instant.now(), Protos.time(r.getExpiresAt()));
                    return Html.seeOther(target, SessionCookies.open(r.getToken(), ttl, secure));
                })
                .onFailure(StatusRuntimeException.class).recoverWithItem(e -> refused(target, login, (StatusRuntimeException) e));
    }

    private Response refused(String next, String login, StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        return switch (code) {
            case UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, INVALID_ARGUMENT -> Html.page(401, page(next, login, WRONG));
            case RESOURCE_EXHAUSTED -> Html.page(429, page(next, login, "Too many attempts: "
                    + (e.getStatus().getDescription() == null ? "wait a little and try again." : e.getStatus().getDescription())));
            default -> Html.page(503, page(next, login, "The login service is not reachable now; try again in a moment."));
        };
    }

    private static io.quarkus.qute.TemplateInstance page(String next, String login, String error) {
        return Pages.Templates.login(Chrome.anonymous("login", "Log in"), next, login, error);
    }
}
