package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.testkit.Browser;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * What every dashboard page must have, checked in the browser on the page shown: the page
 * contract's frame (language, one heading, the main element naming the page, the skip link, the
 * main navigation, who is logged in, the logout form), its form posts carrying the CSRF token,
 * and its accessibility floor (every visible
 * form control named by a label or an aria-label; Tab from the top reaches the skip link first).
 */
final class PageChecks {

    /** Finds the visible form controls that no label, aria-label or aria-labelledby names. */
    private static final String UNLABELLED = """
            const out = [];
            for (const el of document.querySelectorAll('input, select, textarea')) {
              if (el.type === 'hidden') continue;
              const style = getComputedStyle(el);
              if (style.display === 'none' || style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
              const aria = (el.getAttribute('aria-label') || '').trim();
              const byId = el.getAttribute('aria-labelledby');
              const labelled = aria.length > 0
                  || (byId && byId.split(/\\s+/).some(id => { const l = document.getElementById(id); return l && l.textContent.trim(); }))
                  || Array.from(el.labels || []).some(l => l.textContent.trim().length > 0);
              if (!labelled) out.push(el.outerHTML.substring(0, 160));
            }
            return out;""";

    private PageChecks() {
    }

    /**
     * Checks the frame and the accessibility floor of the page shown, which must be the page
     * {@code name} ({@code main[data-page]}; null: any), for the user {@code login} (null: nobody
     * logged in, so no navigation, no {@code #whoami} and no logout form are required).
     */
    static void check(Browser b, String name, String login) {
        b.waitFor(By.cssSelector("main#main[data-page]"));
        String where = b.one(By.id("main")).getAttribute("data-page") + " (" + b.path() + ")";
        if (name != null) {
            assertEquals(name, b.one(By.id("main")).getAttribute("data-page"), where);
        }
        String lang = b.one(By.tagName("html")).getAttribute("lang");
        assertTrue(lang != null && !lang.isBlank(), where + ": html[lang] is missing");
        assertEquals(1, b.all(By.tagName("h1")).size(), where + ": exactly one h1");
        assertFalse(b.one(By.tagName("h1")).getText().isBlank(), where + ": the h1 says something");
        assertEquals(1, b.all(By.cssSelector("a.skip[href='#main']")).size(), where + ": one skip link to #main");
        if (login != null) {
            assertEquals(1, b.all(By.cssSelector("nav[aria-label='Main']")).size(), where + ": the main navigation");
            assertEquals(login, b.one(By.id("whoami")).getText().strip(), where + ": #whoami");
            assertNotNull(b.one(By.cssSelector("form#logout-form[method=post][action='/ui/logout'] button#logout")), where);
        }
        @SuppressWarnings("unchecked")
        List<String> withoutCsrf = (List<String>) b.js("return Array.from(document.forms).filter(f => f.method === 'post'"
                + " && f.id !== 'login-form' && !Array.from(f.querySelectorAll('input[type=hidden][name=csrf]'))"
                + ".some(i => i.value.length > 0)).map(f => f.outerHTML.substring(0, 160));");
        assertTrue(withoutCsrf.isEmpty(), where + ": form posts without the session's CSRF token: " + withoutCsrf);
        List<String> unlabelled = unlabelled(b);
        assertTrue(unlabelled.isEmpty(), where + ": form controls without a label or aria-label: " + unlabelled);
        WebElement first = b.tabFromTop();
        assertEquals("a", first.getTagName(), where + ": Tab from the top focuses " + first.getAttribute("outerHTML"));
        assertTrue(first.getAttribute("class").contains("skip") && first.getAttribute("href").endsWith("#main"),
                where + ": Tab from the top focuses " + first.getAttribute("outerHTML") + ", not the skip link");
        b.js("document.activeElement.blur();"); // screenshots without the skip link shown
    }

    /** The visible form controls of the page shown that nothing names (their markup, shortened). */
    @SuppressWarnings("unchecked")
    static List<String> unlabelled(Browser b) {
        return (List<String>) b.js(UNLABELLED);
    }

    /** The data-nav names of the main navigation's links. */
    static List<String> navLinks(Browser b) {
        return b.all(By.cssSelector("nav[aria-label='Main'] a[data-nav]")).stream().map(a -> a.getAttribute("data-nav")).toList();
    }
}
