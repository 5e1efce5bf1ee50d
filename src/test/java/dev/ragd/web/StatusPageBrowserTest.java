package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.RunningApp;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in headless Chromium against a fresh ragd (its own app, so the counters start at
 * zero): it shows an idle replica, then the chats made while it is open, draws its charts, logs no
 * error, loads nothing from anywhere but its own origin, and its CSP blocks what it does not allow.
 * A screenshot is kept as {@code target/status-page.png}.
 */
class StatusPageBrowserTest {


    @TempDir
    static Path profile;

    private static RunningApp app;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() {
        driver = Chromium.start(profile, options -> options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL")));
        app = RunningApp.start(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "5"));
        driver.manage().window().setSize(new Dimension(1280, 1800));
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        Chromium.quit(driver, app);
    }

    @Test
    void theIdlePageShowsZerosThenCountsTheChatsDrawsItsChartsAndStaysWithinItsOrigin() throws Exception {
        driver.get(app.baseUrl() + "status");
        wait.until(d -> "ok".equals(d.findElement(By.id("updated")).getDomAttribute("data-state")));

        // idle: zeros, and no percentile to show
        assertThat(text("1m-ended")).isEqualTo("0");
        assertThat(text("total-ended")).isEqualTo("0");
        assertThat(text("1m-ttft_p50")).isEqualTo("—");
        assertThat(text("15m-answer_p99")).isEqualTo("—");
        assertThat(text("g-active")).isEqualTo("0");
        assertThat(text("g-max")).matches("\\d+");
        assertThat(text("g-rate")).isEqualTo("0.00");
        assertThat(points("chart-ttft")).isZero();
        assertThat(driver.findElements(By.cssSelector("#chart-ttft text"))).as("axes drawn").isNotEmpty();

        for (String id : List.of("b-1", "b-2")) {
            assertThat(chat(id)).isEqualTo(200);
        }
        assertThat(chat("b-long", "why ".repeat(300))).isEqualTo(400);

        wait.until(d -> "2".equals(text("1m-completed")) && "2".equals(text("total-completed")));
        wait.until(d -> points("chart-ttft") >= 2 && points("chart-answer") >= 2 && points("chart-requests") >= 1);
        assertThat(text("1m-ttft_p50")).matches("\\d+ ms|\\d+\\.\\d+ s");
        assertThat(text("1m-answer_p95")).matches("\\d+ ms|\\d+\\.\\d+ s");
        assertThat(text("1m-rejected")).isEqualTo("1");
        assertThat(driver.findElement(By.id("kinds-body")).getText()).contains("refused: question_too_long");
        assertThat(driver.findElements(By.cssSelector("#chart-ttft path.p95, #chart-ttft circle.dot"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#chart-requests rect.bar"))).isNotEmpty();
        assertThat(driver.findElement(By.id("upstreams-body")).getText()).contains("none yet");
        Thread.sleep(2_500); // another poll or two: redrawing must not fail either

        List<LogEntry> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(problems).as("console warnings and errors").isEmpty();
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) driver.executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                        + ".concat(performance.getEntriesByType('navigation').map(e => e.name));");
        String origin = app.baseUrl().replaceAll("/$", "");
        assertThat(loaded).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(origin + "/"));
        assertThat(loaded).anySatisfy(url -> assertThat(url).isEqualTo(origin + "/status/data"));

        screenshot();

        // The policy is enforced: an image from elsewhere and an injected inline script are both refused.
        assertThat(violation("const i = new Image(); i.src = 'http://198.51.100.7/x.png'; document.body.append(i);"))
                .startsWith("img-src").contains("198.51.100.7");
        assertThat(violation("const s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
                + " document.body.append(s);")).startsWith("script-src");
        assertThat(driver.executeScript("return window.pwned === undefined")).isEqualTo(true);
    }

    /** What the page's CSP reports after {@code js} runs: the violated directive and the blocked URI. */
    private static String violation(String js) {
        return (String) driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "document.addEventListener('securitypolicyviolation',"
                + " e => done(e.effectiveDirective + ' ' + e.blockedURI), {once: true});"
                + "setTimeout(() => done('no violation'), 3000);" + js);
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    private static int points(String chart) {
        return Integer.parseInt(driver.findElement(By.id(chart)).getDomAttribute("data-points"));
    }

    private static int chat(String id) throws Exception {
        return chat(id, "What is the warranty of the Cinder Kettle?");
    }

    private static int chat(String id, String question) throws Exception {
        JsonObject body = new JsonObject().put("id", id).put("stream", false).put("messages",
                new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", question)));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat"))
                        .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static void screenshot() throws Exception {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "status-page.png");
        Files.createDirectories(target.getParent());
        Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
