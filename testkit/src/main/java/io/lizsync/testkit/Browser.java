package io.lizsync.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium from the system's packages ({@code chromium}, {@code chromium-driver}, which
 * {@code scripts/setup.sh} installs), driven by Selenium through the system's chromedriver: the
 * driver's executable and the browser's binary are named explicitly, so Selenium Manager never
 * looks for (or downloads) anything. For the dashboard's browser tests: pages opened against a base
 * URL, waits, screenshots under {@code target/screenshots/}, a phone-sized window. Closing always
 * quits the browser and stops the driver, also when the test failed.
 */
public final class Browser implements AutoCloseable {

    /** Debian's chromedriver (package {@code chromium-driver}). */
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Debian's Chromium (package {@code chromium}). */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The desktop window the browser opens with. */
    public static final Dimension DESKTOP = new Dimension(1280, 900);
    /** A phone held upright (CSS pixels). */
    public static final Dimension PHONE = new Dimension(390, 844);
    /** How long a wait waits unless told otherwise. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final String baseUrl;
    private final Path screenshots;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Browser(String baseUrl, Path screenshots, ChromeDriverService service, ChromeDriver driver) {
        this.baseUrl = baseUrl;
        this.screenshots = screenshots;
        this.service = service;
        this.driver = driver;
    }

    /**
     * Starts chromedriver and a headless Chromium with a desktop window.
     *
     * @param baseUrl     what {@link #open(String)} puts before a path, e.g. {@code http://127.0.0.1:8080}
     * @param screenshots the folder {@link #screenshot(String)} writes to (created when missing)
     */
    public static Browser start(String baseUrl, Path screenshots) {
        for (Path p : List.of(DRIVER, CHROMIUM)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: scripts/setup.sh installs chromium and chromium-driver");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--lang=en-US",
                "--window-size=" + DESKTOP.getWidth() + "," + DESKTOP.getHeight());
        if ("root".equals(System.getProperty("user.name"))) {
            options.addArguments("--no-sandbox"); // Chromium refuses to run its sandbox as root
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeDriver driver = null;
        try {
            driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            Files.createDirectories(screenshots);
            Browser browser = new Browser(stripSlash(baseUrl), screenshots, service, driver);
            browser.desktopWidth();
            return browser;
        } catch (IOException e) {
            quietly(driver, service);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            quietly(driver, service);
            throw e;
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The driver itself, for what these helpers do not cover. */
    public WebDriver driver() {
        return driver;
    }

    /** Opens {@code path} (starting with "/") on the base URL and waits until the document is loaded. */
    public Browser open(String path) {
        driver.get(url(path));
        waitUntil(d -> "complete".equals(js("return document.readyState")));
        return this;
    }

    /** The absolute URL of {@code path} on the base URL. */
    public String url(String path) {
        return baseUrl + path;
    }

    /** The path (and query) of the page shown, without the base URL. */
    public String path() {
        java.net.URI uri = java.net.URI.create(driver.getCurrentUrl());
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** The one element {@code by} finds once it is present (or fails after {@link #WAIT}). */
    public WebElement waitFor(By by) {
        return waitUntil(ExpectedConditions.presenceOfElementLocated(by));
    }

    /** The element {@code by} finds once it is visible. */
    public WebElement waitVisible(By by) {
        return waitUntil(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the element {@code by} finds has exactly this text (trimmed); returns it. */
    public WebElement waitForText(By by, String text) {
        waitUntil(d -> {
            List<WebElement> found = d.findElements(by);
            return !found.isEmpty() && text.equals(found.get(0).getText().strip());
        });
        return driver.findElement(by);
    }

    /** Waits until {@code condition} answers something neither null nor false (at most {@link #WAIT}); returns that. */
    public <T> T waitUntil(Function<? super WebDriver, T> condition) {
        return waitUntil(condition, WAIT);
    }

    /**
     * Like {@link #waitUntil(Function)} with its own time limit. An element replaced while the
     * condition reads it (a live page redrawing a part) counts as "not yet", as a missing one does.
     */
    public <T> T waitUntil(Function<? super WebDriver, T> condition, Duration timeout) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(200))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** Every element {@code by} finds now (no wait). */
    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    /** The element {@code by} finds now (no wait; fails when there is none). */
    public WebElement one(By by) {
        return driver.findElement(by);
    }

    /** Types {@code text} into the field {@code by} finds, after clearing it. */
    public Browser type(By by, String text) {
        WebElement field = waitVisible(by);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    /** Clicks the element {@code by} finds once it is clickable. */
    public Browser click(By by) {
        waitUntil(ExpectedConditions.elementToBeClickable(by)).click();
        return this;
    }

    /** Runs a script in the page; returns what it returns. */
    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The whole visible text of the page. */
    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** The page's markup as the browser holds it now (after scripts). */
    public String html() {
        return Objects.toString(js("return document.documentElement.outerHTML"), "");
    }

    /** The value of a cookie of the current site, or null. */
    public String cookie(String name) {
        Cookie c = driver.manage().getCookieNamed(name);
        return c == null ? null : c.getValue();
    }

    /**
     * Presses Tab once from the top of the page (focus dropped, the page scrolled to the start) and
     * answers the element that has the focus then.
     */
    public WebElement tabFromTop() {
        js("if (document.activeElement) { document.activeElement.blur(); } window.scrollTo(0, 0);"
                + "document.body.setAttribute('tabindex', '-1'); document.body.focus();"
                + "document.body.removeAttribute('tabindex');");
        new Actions(driver).sendKeys(Keys.TAB).perform();
        return driver.switchTo().activeElement();
    }

    /**
     * Saves the whole page (the window's width, the document's full height, as Chromium's DevTools
     * capture it beyond the viewport) as {@code target/screenshots/<name>.png} (or the folder
     * given); returns the file.
     */
    public Path screenshot(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a screenshot name is letters, digits, '.', '_' and '-': " + name);
        }
        Path file = screenshots.resolve(name + ".png");
        try {
            Files.write(file, wholePage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private byte[] wholePage() {
        Number width = (Number) js("return window.innerWidth");
        Number height = (Number) js("return Math.max(window.innerHeight, document.documentElement.scrollHeight)");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width.doubleValue(),
                        "height", height.doubleValue(), "scale", 1)));
        Object data = shot.get("data");
        return data instanceof String base64 ? Base64.getDecoder().decode(base64)
                : ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    }

    /** A phone-sized window (390×844). */
    public Browser phoneWidth() {
        return windowSize(PHONE);
    }

    /** The desktop window (1280×900) again. */
    public Browser desktopWidth() {
        return windowSize(DESKTOP);
    }

    /**
     * Sets the viewport (what the page sees as its width and height), whatever the window's
     * decorations take, so that a screenshot is exactly this size.
     */
    public Browser windowSize(Dimension size) {
        driver.manage().window().setSize(size);
        Number innerW = (Number) js("return window.innerWidth");
        Number innerH = (Number) js("return window.innerHeight");
        if (innerW.intValue() != size.getWidth() || innerH.intValue() != size.getHeight()) {
            driver.manage().window().setSize(new Dimension(2 * size.getWidth() - innerW.intValue(),
                    2 * size.getHeight() - innerH.intValue()));
        }
        return this;
    }

    /** Quits the browser and stops chromedriver; each step runs even when the one before failed. */
    @Override
    public void close() {
        quietly(driver, service);
    }

    private static void quietly(WebDriver driver, ChromeDriverService service) {
        try {
            if (driver != null) {
                driver.quit();
            }
        } catch (RuntimeException ignored) {
            // the driver is stopped below all the same
        } finally {
            if (service != null && service.isRunning()) {
                service.stop();
            }
        }
    }
}
