package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.testkit.Browser;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.Set;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard's pages as a person uses them in the browser, by the page contract's ids and
 * names: logging in, reading (and waiting on) a clone's live overview row, deciding a conflict in
 * the inbox, filling the package build form, reading the package list. For {@link DashboardIT}.
 */
final class DashboardForms {

    private DashboardForms() {
    }

    /** Logs in through the login page (any session before is dropped); answers the page reached ({@code data-page}). */
    static String logIn(Browser b, String login, String password) {
        b.driver().manage().deleteAllCookies();
        b.open("/ui/login");
        b.type(By.id("login"), login).type(By.id("password"), password).click(By.id("login-submit"));
        b.waitUntil(d -> !b.path().startsWith("/ui/login"));
        return b.waitFor(By.cssSelector("main#main[data-page]")).getAttribute("data-page");
    }

    /**
     * Checks one conflict in the inbox, types {@code value} (unless null), presses the button of
     * {@code action} and waits for the flash that says what was done.
     */
    static void decide(Browser b, long conflictId, String action, String value) {
        b.open("/ui/conflicts");
        WebElement box = b.waitFor(By.cssSelector("#conflicts tr[data-conflict-id='" + conflictId
                + "'] input[type=checkbox][name=conflict]"));
        assertEquals(Long.toString(conflictId), box.getAttribute("value"));
        if (!box.isSelected()) {
            box.click();
        }
        if (value != null) {
            b.type(By.id("typed-value"), value);
        }
        b.click(By.cssSelector("#conflicts-form button[name=action][value='" + action + "']"));
        WebElement flash = b.waitVisible(By.cssSelector("p#flash[role=status]"));
        assertFalse(flash.getText().isBlank(), "the flash says what was done");
        assertTrue(b.path().startsWith("/ui/conflicts"), b.path());
    }

    /**
     * A clone's overview row as it is now, read in one script (the live table's body is redrawn
     * under the test): its {@code data-state}, its cells by {@code data-field}, and its {@code text};
     * null when there is no such row.
     */
    @SuppressWarnings("unchecked")
    static Map<String, String> overviewRow(Browser b, String clone) {
        return (Map<String, String>) b.js("""
                const row = Array.from(document.querySelectorAll('#clones tr[data-clone-name]'))
                    .find(r => r.getAttribute('data-clone-name') === arguments[0]);
                if (!row) return null;
                const out = { 'data-state': row.getAttribute('data-state'), text: row.innerText };
                for (const td of row.querySelectorAll('td[data-field]')) out[td.getAttribute('data-field')] = td.innerText.trim();
                return out;""", clone);
    }

    /**
     * Waits (same page, no reload) until the clone's overview row is in {@code state} with a
     * to-clone count {@code toClone} accepts; on time out, fails saying what the row and
     * {@code otherSource} (say, the REST API) showed, with a screenshot.
     */
    static Map<String, String> waitForOverviewRow(Browser b, String clone, String state, IntPredicate toClone,
            Supplier<String> otherSource) {
        try {
            return b.waitUntil(d -> {
                Map<String, String> row = overviewRow(b, clone);
                return row != null && state.equals(row.get("data-state")) && toClone.test(Integer.parseInt(row.get("to-clone")))
                        ? row : null;
            }, Duration.ofSeconds(30));
        } catch (TimeoutException e) {
            b.screenshot("failed-overview-" + clone + "-not-" + state);
            throw new AssertionError(clone + "'s overview row is not " + state + " after 30 s: " + overviewRow(b, clone)
                    + "; elsewhere: " + otherSource.get(), e);
        }
    }

    /** The ids of the packages listed on the packages page shown (read in one script: the list is redrawn live). */
    @SuppressWarnings("unchecked")
    static Set<String> packageIds(Browser b) {
        return new LinkedHashSet<>((List<String>) b.js("return Array.from(document.querySelectorAll("
                + "'#packages tr[data-package-id]')).map(r => r.getAttribute('data-package-id'));"));
    }

    /** The build form's choices, whatever controls it offers: the schema {@code schema} (and a description). */
    static void fillBuildForm(Browser b, String schema) {
        for (WebElement el : b.all(By.cssSelector("#build-form input, #build-form select, #build-form textarea"))) {
            String type = String.valueOf(el.getAttribute("type"));
            if (!el.isDisplayed() || type.equals("hidden") || type.equals("submit")) {
                continue;
            }
            if (el.getTagName().equals("select")) {
                Select select = new Select(el);
                if (select.getOptions().stream().anyMatch(o -> schema.equals(o.getAttribute("value")))) {
                    select.selectByValue(schema);
                }
            } else if (type.equals("checkbox")) {
                if (schema.equals(el.getAttribute("value")) && !el.isSelected()) {
                    el.click();
                }
            } else if (el.getAttribute("value").isEmpty()) {
                String name = String.valueOf(el.getAttribute("name"));
                if (name.startsWith("schema")) {
                    el.sendKeys(schema);
                } else if (name.equals("description")) {
                    el.sendKeys("built in the browser");
                }
            }
        }
    }
}
