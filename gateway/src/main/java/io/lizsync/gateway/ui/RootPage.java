package io.lizsync.gateway.ui;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** The gateway's root: a browser that opens it goes to the dashboard. */
@Path("/")
public class RootPage {

    @GET
    @PermitAll
    public Response root() {
        return Html.seeOther(UiPaths.HOME);
    }
}
