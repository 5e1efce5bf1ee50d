package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.SharedApp;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives the chat page in headless Chromium against the real ragd server (whole object graph,
 * bundled sample corpus). Network failure is made real with a {@link CuttableProxy} in front of it.
 */
class ChatPageBrowserTest {

    private static final String WARRANTY_QUESTION = "What is the warranty of the Cinder Kettle?";

    @RegisterExtension
    static final SharedApp APP = SharedApp.standard();
    @RegisterExtension
    static final SharedApp TEST_MODE_APP = SharedApp.with(Map.of("RAGD_TEST_MODE", "true"));

    @TempDir
    static Path profile;

    private static CuttableProxy proxy;
    private static String proxyUrl;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void startBrowserAndProxy() throws Exception {
        driver = Chromium.start(profile);
        proxy = new CuttableProxy(APP.get().clientVertx(), APP.get().port());
        proxyUrl = proxy.start();
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stopBrowserAndProxy() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @BeforeEach
    void openPage() {
        open(APP.get().baseUrl());
    }

    @Test
    void questionSentWithEnterStreamsACitedAnswerWhoseCitationRevealsTheSource() throws IOException {
        driver.findElement(By.id("email")).sendKeys("ada@example.com");

        ask(WARRANTY_QUESTION);
        WebElement turn = waitForFinishedTurn(1);

        String answer = turn.findElement(By.cssSelector(".answer")).getText();
        assertThat(answer).contains("Cinder Kettle", "5 years [1]");
        assertThat(turn.findElement(By.cssSelector(".meta")).getText())
                .contains("offline extractive answerer — not a language model");
        WebElement citation = turn.findElement(By.cssSelector(".answer a.cite"));
        assertThat(citation.getText()).isEqualTo("[1]");
        ChatRecord record = recordOf(APP.get(), citation);
        assertThat(record.userEmail()).isEqualTo("ada@example.com");
        assertThat(record.userQuestion()).isEqualTo(WARRANTY_QUESTION);
        assertThat(record.finalAnswer()).isEqualTo(answer);

        WebElement source = driver.findElement(By.id(citation.getDomAttribute("href").substring(1)));
        assertThat(source.isDisplayed()).as("source hidden until its citation is clicked").isFalse();
        citation.click();
        wait.until(ExpectedConditions.visibilityOf(source));
        assertThat(source.getText()).contains("[1]", "Cinder Kettle", "5 years").containsPattern("score \\d\\.\\d{3}");
        assertThat(source.getDomAttribute("class")).contains("highlight");

        ask("What is the price of the Cinder Kettle?");
        WebElement followUp = waitForFinishedTurn(2);
        assertThat(followUp.findElement(By.cssSelector(".answer")).getText()).contains("89", "[1]");

        screenshot("chat.png");
        driver.navigate().refresh();
        waitUntilConnected();
        assertThat(driver.findElement(By.id("email")).getDomProperty("value")).isEqualTo("ada@example.com");
    }

    @Test
    void theEmptyPagesExampleQuestionIsAnsweredFromTheSampleCorpus() {
        String hint = driver.findElement(By.id("empty")).getText();
        String example = hint.substring(hint.indexOf('“') + 1, hint.indexOf('”'));

        ask(example);
        WebElement turn = waitForFinishedTurn(1);

        List<WebElement> citations = turn.findElements(By.cssSelector(".answer a.cite"));
        assertThat(citations).as("the example «%s» gets a cited answer: %s", example,
                turn.findElement(By.cssSelector(".answer")).getText()).isNotEmpty();
        String product = example.replaceFirst("(?i).*\\bthe ([A-Z][a-z]+ [A-Z][a-z]+)\\?$", "$1");
        assertThat(citations.getFirst().getDomAttribute("aria-label")).contains(product);
    }

    @Test
    void overLongQuestionShowsTheServersErrorVisibly() throws IOException {
        WebElement box = driver.findElement(By.id("question"));
        driver.executeScript("arguments[0].value = arguments[1];", box, "Why? ".repeat(250));
        box.sendKeys(Keys.ENTER);

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .error")));

        assertThat(error.getText()).contains("Sorry, your question is too long.", "(question_too_long)");
        assertThat(error.findElements(By.cssSelector("button.retry"))).as("not retryable").isEmpty();
        assertThat(driver.findElement(By.id("send")).isEnabled()).isTrue();
        screenshot("chat-error.png");
        driver.manage().window().setSize(new Dimension(420, 860));
        try {
            driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", error);
            screenshot("chat-narrow.png");
        } finally {
            driver.manage().window().setSize(new Dimension(1000, 860));
        }
    }

    @Test
    void droppedConnectionIsReportedAndTryAgainAsksAgainOnceReconnected() throws Exception {
        open(proxyUrl);
        proxy.hold();
        ask(WARRANTY_QUESTION);
        Await.until(() -> proxy.heldBytes() > 0);
        proxy.cutAll();

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .error")));
        assertThat(error.getText()).contains("connection to the server was lost", "You can try again.");
        waitUntilConnected();
        error.findElement(By.cssSelector("button.retry")).click();

        WebElement retried = waitForFinishedTurn(2);
        assertThat(retried.findElement(By.cssSelector(".answer")).getText()).contains("5 years [1]");
        assertThat(recordOf(APP.get(), retried.findElement(By.cssSelector(".answer a.cite"))).status())
                .isEqualTo(ChatRecord.Status.completed);
    }

    @Test
    void testModeWholeAnswerFrameIsShownWithItsCitations() {
        open(TEST_MODE_APP.get().baseUrl());

        ask(WARRANTY_QUESTION);
        WebElement turn = waitForFinishedTurn(1);

        assertThat(turn.findElement(By.cssSelector(".answer")).getText()).contains("5 years [1]");
        WebElement citation = turn.findElement(By.cssSelector(".answer a.cite"));
        citation.click();
        WebElement source = driver.findElement(By.id(citation.getDomAttribute("href").substring(1)));
        wait.until(ExpectedConditions.visibilityOf(source));
        assertThat(source.getText()).contains("Cinder Kettle");
    }

    /** The chat-log record of the turn a citation belongs to (its link is {@code #src-<request id>-<n>}). */
    private static ChatRecord recordOf(RunningApp app, WebElement citation) {
        String href = citation.getDomAttribute("href");
        String id = href.substring("#src-".length(), href.lastIndexOf('-'));
        return app.record(id).orElseThrow(() -> new AssertionError("no chat-log record " + id));
    }

    private static void open(String url) {
        // Each test is a new visitor: the tab would otherwise show (and continue or resume) the last
        // test's conversation. Cleared from a page of the same origin that runs no script of ours.
        driver.get(url + "healthz");
        driver.executeScript("sessionStorage.clear();");
        driver.get(url);
        waitUntilConnected();
    }

    private static void ask(String question) {
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys(question);
        box.sendKeys(Keys.ENTER);
    }

    private static WebElement waitForFinishedTurn(int count) {
        return wait.until(d -> {
            List<WebElement> turns = d.findElements(By.cssSelector(".turn"));
            return turns.size() >= count && turns.get(count - 1).findElement(By.cssSelector(".meta")).isDisplayed()
                    ? turns.get(count - 1) : null;
        });
    }

    private static void waitUntilConnected() {
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "online"));
    }

    private static void screenshot(String name) throws IOException {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
