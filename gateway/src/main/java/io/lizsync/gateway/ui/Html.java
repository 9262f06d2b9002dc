package io.lizsync.gateway.ui;

import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * The dashboard's answers: a rendered page (HTML, never cached, framed by nobody, scripts and
 * styles only from the gateway itself), or a 303 to another page.
 */
public final class Html {

    static final String TYPE = "text/html;charset=UTF-8";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private Html() {
    }

    public static Response page(int status, TemplateInstance page, NewCookie... cookies) {
        return Response.status(status).type(TYPE).entity(page.render()).cookie(cookies)
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin")
                .header("Cache-Control", "no-store").build();
    }

    public static Response ok(TemplateInstance page) {
        return page(200, page);
    }

    /** 303 See Other to a local path (the browser asks it with GET). */
    public static Response seeOther(String path, NewCookie... cookies) {
        return Response.status(303).location(URI.create(path)).cookie(cookies).header("Cache-Control", "no-store").build();
    }
}
