package io.lizsync.gateway.ui;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.auth.SessionCookies;
import io.lizsync.gateway.error.ProblemMapper;
import io.lizsync.grpckit.MessageSizeErrors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The dashboard's failures as pages, not problem documents: without a session, a 303 to the login
 * page that comes back to the page asked for; a role missing (or a form without its CSRF token),
 * a 403 page ({@code data-page="forbidden"}); a service's refusal or absence, an error page with
 * the status the REST API would give (the same table, {@link ProblemMapper#httpStatus}).
 */
@ApplicationScoped
public class UiErrors {

    private static final Logger LOG = Logger.getLogger(UiErrors.class);

    @Inject
    UiContext ui;

    /** True for a request to a dashboard page (its failures are pages). */
    public static boolean isUi(String path) {
        return path != null && (path.equals("/ui") || path.startsWith("/ui/"));
    }

    /** No session, or one no longer valid: to the login page, and back here afterwards. */
    public Response toLogin(String pathAndQuery, boolean clearCookies, boolean secure) {
        return clearCookies ? Html.seeOther(UiPaths.loginFor(pathAndQuery), SessionCookies.close(secure))
                : Html.seeOther(UiPaths.loginFor(pathAndQuery));
    }

    /** The user's roles do not open this page, or the form lacked its CSRF token. */
    public Response forbidden(String message) {
        return Html.page(403, Pages.Templates.error(ui.chrome("forbidden", "Not allowed"), message));
    }

    /** The gateway's own refusal of a dashboard request (an unknown page, an invalid address): a page. */
    public Response failure(Throwable e) {
        Chrome chrome;
        try {
            chrome = ui.chrome("error", "Something went wrong");
        } catch (RuntimeException noIdentity) {
            chrome = Chrome.anonymous("error", "Something went wrong");
        }
        return page(chrome, e);
    }

    /** A service failed before the page ran (the registry, checking the session): a page for nobody in particular. */
    public Response beforeThePage(StatusRuntimeException e) {
        return page(Chrome.anonymous("error", "Something went wrong"), e);
    }

    /** A failure while making a page. */
    public Response page(Chrome chrome, Throwable e) {
        if (e instanceof UiContext.CsrfRefused c) {
            return forbidden(c.getMessage());
        }
        int status;
        String message;
        if (e instanceof StatusRuntimeException s) {
            Status.Code code = s.getStatus().getCode();
            if (code == Status.Code.UNAUTHENTICATED) {
                return Html.seeOther(UiPaths.LOGIN);
            }
            status = MessageSizeErrors.isSizeRefusal(s.getStatus()) ? 502 : ProblemMapper.httpStatus(code);
            String detail = s.getStatus().getDescription() == null ? "" : s.getStatus().getDescription();
            message = switch (code) {
                case PERMISSION_DENIED -> "Your roles do not allow this: " + detail;
                case NOT_FOUND -> "Not found: " + detail;
                case UNAVAILABLE -> "A service this page needs is not reachable now; try again in a moment.";
                case DEADLINE_EXCEEDED -> "A service took too long to answer; try again in a moment.";
                default -> status >= 500 ? "A service failed (" + code + "): " + detail : detail;
            };
            if (status >= 500) {
                LOG.warnf("dashboard page failed: %s %s", code, detail);
            }
            if (status == 403) {
                return forbidden(message);
            }
        } else if (e instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            status = w.getResponse().getStatus();
            message = status == 404 ? "There is no such page." : status == 405 ? "This page does not take that request." : w.getMessage();
        } else {
            String reference = UUID.randomUUID().toString();
            LOG.errorf(e, "dashboard page failed, reference %s", reference);
            status = 500;
            message = "The gateway failed; tell an administrator the reference " + reference + ".";
        }
        return Html.page(status, Pages.Templates.error(new Chrome("error", "Something went wrong", chrome.login(),
                chrome.admin(), chrome.ops(), chrome.field(), chrome.csrf()), message));
    }
}
