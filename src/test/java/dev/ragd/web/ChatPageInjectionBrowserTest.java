package dev.ragd.web;

import static dev.ragd.testsupport.HostileCorpus.BOLD;
import static dev.ragd.testsupport.HostileCorpus.IMG;
import static dev.ragd.testsupport.HostileCorpus.LINK;
import static dev.ragd.testsupport.HostileCorpus.SCRIPT;
import static dev.ragd.testsupport.HostileCorpus.TITLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.HostileCorpus;
import dev.ragd.testsupport.RunningApp;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A passage carrying HTML, script and a {@code javascript:} link ({@link HostileCorpus}) is quoted by
 * the offline answerer and listed in the sources; in headless Chromium the page shows all of it as
 * text, creates no element from it, runs none of it, and the page's Content-Security-Policy forbids
 * inline script (and is enforced: the one inline handler this test plants itself is blocked).
 */
class ChatPageInjectionBrowserTest {

    /**
     * Runs before the page's own script in every document (DevTools, so the CSP does not apply to
     * it): records every CSP violation the document reports.
     */
    private static final String WATCH_CSP = """
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
                e.effectiveDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));
            """;

    @TempDir
    static Path work;

    private static RunningApp app;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void startAppAndBrowser() throws Exception {
        driver = Chromium.start(work.resolve("profile"));
        app = RunningApp.start(HostileCorpus.env(HostileCorpus.ingest(work.resolve("corpus"))));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCH_CSP));
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stopAppAndBrowser() throws Exception {
        Chromium.quit(driver, app);
    }

    @BeforeEach
    void openPage() {
        driver.get(app.baseUrl());
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "online"));
    }

    @Test
    void htmlAndScriptInAPassageAreShownAsTextInTheAnswerAndTheSourcesAndNeverRun() throws IOException {
        ask(HostileCorpus.QUESTION);
        WebElement turn = waitForFinishedTurn();
        WebElement answer = turn.findElement(By.cssSelector(".answer"));
        WebElement sources = turn.findElement(By.cssSelector(".sources"));

        String answerText = textContent(answer);
        assertThat(answerText).as("the extractive answer quotes the sentence, markup and all")
                .contains(IMG, SCRIPT, BOLD, "[1]");
        assertThat(answer.getText()).as("rendered as visible text, not as markup").contains(IMG, SCRIPT, BOLD);
        assertThat(answer.findElements(By.cssSelector("*"))).as("only citation links are made inside the answer")
                .isNotEmpty().allSatisfy(e -> {
                    assertThat(e.getTagName()).isEqualTo("a");
                    assertThat(e.getDomAttribute("class")).isEqualTo("cite");
                });

        answer.findElement(By.cssSelector("a.cite")).click();
        WebElement source = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".sources li.source")));
        assertThat(textContent(source.findElement(By.cssSelector(".source-snippet"))))
                .as("the snippet keeps the raw passage text, the Markdown link included").contains(IMG, SCRIPT, BOLD, LINK);
        assertThat(source.findElement(By.cssSelector(".source-snippet")).getText()).contains(IMG, LINK);
        assertThat(textContent(source.findElement(By.cssSelector(".source-title")))).isEqualTo(TITLE);
        assertThat(textContent(sources.findElement(By.tagName("summary")))).contains(TITLE);
        assertThat(answer.findElement(By.cssSelector("a.cite")).getDomAttribute("aria-label")).contains(TITLE);
        screenshot("chat-injection.png");

        assertThat(turn.findElements(By.cssSelector("img, script, b, iframe, object, embed, svg, style")))
                .as("no element was created from the passage").isEmpty();
        assertThat(source.findElement(By.cssSelector(".source-title")).getTagName())
                .as("a document without an http(s) URL gets no link").isEqualTo("span");
        assertThat(driver.findElements(By.cssSelector("a[href^='javascript' i]"))).isEmpty();
        assertThat(driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(driver.executeScript("return Array.from(document.scripts, s => s.src);"))
                .as("the page's own scripts, nothing added")
                .isEqualTo(List.of(app.baseUrl() + "feedback.js", app.baseUrl() + "conversations.js", app.baseUrl() + "app.js"));
        assertThat(driver.executeScript("return typeof window.__pwned;")).isEqualTo("undefined");
        assertThat(driver.executeScript("return window.__cspViolations;"))
                .as("no inline script was even attempted, so the CSP had nothing to block").isEqualTo(List.of());
    }

    @Test
    void theContentSecurityPolicyForbidsInlineScriptAndTheBrowserEnforcesIt() throws Exception {
        for (String path : List.of("", "index.html")) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            Map<String, List<String>> csp = directives(page.headers().firstValue("content-security-policy")
                    .orElseThrow(() -> new AssertionError("no Content-Security-Policy on /" + path)));
            List<String> scriptSrc = csp.containsKey("script-src") ? csp.get("script-src") : csp.get("default-src");
            assertThat(scriptSrc).as("script-src (or default-src) of %s", csp).isNotNull()
                    .doesNotContain("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:");
            assertThat(csp).doesNotContainKeys("script-src-attr", "script-src-elem");
            assertThat(page.body()).as("the page itself has no inline script or handler")
                    .doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>").doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
        }

        // The control: an inline handler planted with innerHTML (what the page never does) is blocked and reported.
        driver.executeScript("const d = document.createElement('div'); d.id = 'planted';"
                + " d.innerHTML = '<img src=\"data:,\" onerror=\"window.__planted=1\" onload=\"window.__planted=1\">';"
                + " document.body.append(d);");
        wait.until(d -> !((List<?>) driver.executeScript("return window.__cspViolations;")).isEmpty());
        assertThat(driver.executeScript("return typeof window.__planted;")).isEqualTo("undefined");
        assertThat((List<?>) driver.executeScript("return window.__cspViolations;"))
                .anySatisfy(v -> assertThat(v.toString()).startsWith("script-src-attr"));
    }

    /** The directives of a policy, each name lower-cased, to its source list. */
    private static Map<String, List<String>> directives(String policy) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String directive : policy.split(";")) {
            List<String> parts = Arrays.stream(directive.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            if (!parts.isEmpty()) {
                out.putIfAbsent(parts.getFirst().toLowerCase(Locale.ROOT), parts.subList(1, parts.size()));
            }
        }
        return out;
    }

    private static String textContent(WebElement element) {
        return (String) driver.executeScript("return arguments[0].textContent;", element);
    }

    private static void ask(String question) {
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys(question);
        box.sendKeys(Keys.ENTER);
    }

    private static WebElement waitForFinishedTurn() {
        return wait.until(d -> {
            List<WebElement> turns = d.findElements(By.cssSelector(".turn"));
            return !turns.isEmpty() && turns.getFirst().findElement(By.cssSelector(".meta")).isDisplayed()
                    ? turns.getFirst() : null;
        });
    }

    private static void screenshot(String name) throws IOException {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
