package io.lizsync.gateway.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** After the login the browser goes back only to a dashboard page of this gateway. */
class UiPathsTest {

    @Test
    void aLocalDashboardPageIsKept() {
        assertEquals("/ui/conflicts", UiPaths.safeNext("/ui/conflicts"));
        assertEquals("/ui/history?clone=6f1c2d7e-0000-4000-8000-000000000001&direction=to_clone",
                UiPaths.safeNext("/ui/history?clone=6f1c2d7e-0000-4000-8000-000000000001&direction=to_clone"));
        assertEquals("/ui/", UiPaths.safeNext("/ui/"));
    }

    @Test
    void anythingElseIsTheOverview() {
        for (String bad : new String[] {null, "", "https://evil.example/ui/", "//evil.example/ui/", "/\\evil.example",
            "/ui//evil", "/ui/../api/v1/tokens", "/ui/%2e%2e/api", "/ui/%2F%2Fevil", "/api/v1/clones", "ui/", "/uix",
            "/ui/login", "/ui/login?next=https://evil.example", "/ui/a b", "/ui/a\r\nSet-Cookie: x", "/ui/\u00e9",
            "javascript:alert(1)", "/ui/#frag"}) {
            assertEquals("/ui/", UiPaths.safeNext(bad), String.valueOf(bad));
        }
    }

    @Test
    void theLoginPageCarriesThePageAskedFor() {
        assertEquals("/ui/login?next=/ui/clones/x", UiPaths.loginFor("/ui/clones/x"));
        assertEquals("/ui/login?next=/ui/history%3Fdirection%3Dto_clone", UiPaths.loginFor("/ui/history?direction=to_clone"));
        assertEquals("/ui/login?next=/ui/", UiPaths.loginFor("https://evil.example/"));
    }
}
