package io.lizsync.gateway.ui;

import io.lizsync.gateway.auth.Credential;
import io.lizsync.gateway.auth.CredentialExchange;
import io.lizsync.gateway.auth.GatewayIdentityProvider;
import io.lizsync.gateway.auth.SessionCookies;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.LogoutRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** The dashboard's logout: closes the session at the registry (as {@code DELETE /api/v1/session}) and clears the cookies. */
@Path("/ui/logout")
public class LogoutPage {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    CredentialExchange exchange;

    @Inject
    SecurityIdentity identity;

    @Inject
    UiContext ui;

    @POST
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> logout(@FormParam(UiContext.FIELD) String csrf, @Context UriInfo uri) {
        ui.checkCsrf(csrf);
        boolean secure = "https".equals(uri.getRequestUri().getScheme());
        Response out = Html.seeOther(UiPaths.LOGIN, SessionCookies.close(secure));
        Credential credential = identity.getAttribute(GatewayIdentityProvider.CREDENTIAL);
        if (credential == null || credential.kind() != Credential.Kind.SESSION) {
            return Uni.createFrom().item(out);
        }
        exchange.forget(credential.secret());
        return registry.logout(LogoutRequest.newBuilder().setToken(credential.secret()).build()).map(r -> out)
                .onFailure().recoverWithItem(out);
    }

}
