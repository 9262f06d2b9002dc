package io.lizsync.gateway.ui;

import io.quarkus.qute.TemplateData;

/**
 * What every dashboard page shows around its content: the page's name ({@code data-page}) and
 * title, who is logged in, which navigation links their roles open, and the session's CSRF token
 * for the page's forms (empty for a caller without a session cookie, who needs none).
 */
@TemplateData
public record Chrome(String page, String title, String login, boolean admin, boolean ops, boolean field, String csrf) {

    /** The chrome of a page shown to nobody logged in (the login page). */
    public static Chrome anonymous(String page, String title) {
        return new Chrome(page, title, null, false, false, false, "");
    }
}
