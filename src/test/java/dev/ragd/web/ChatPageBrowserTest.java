package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Drives the chat page in headless Chromium against a server speaking the native WebSocket protocol. */
class ChatPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String WARRANTY_QUESTION = "What is the warranty of the Hasty Pants?";

    @TempDir
    static Path profile;

    private static CannedChatServer server;
    private static String baseUrl;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    /** The one place a server is started; swap the body for the real ragd server when it exists. */
    private static String startServer() {
        server = new CannedChatServer();
        return server.start();
    }

    @BeforeAll
    static void startBrowserAndServer() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver are needed for the browser test: apt-get install chromium chromium-driver");
        baseUrl = startServer();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1000, 860));
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stopBrowserAndServer() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openPage() {
        driver.get(baseUrl);
        waitUntilConnected();
    }

    @Test
    void questionSentWithEnterStreamsACitedAnswerWhoseCitationRevealsTheSource() throws IOException {
        driver.findElement(By.id("email")).sendKeys("ada@example.com");
        int framesBefore = server.received.size();

        ask(WARRANTY_QUESTION);
        WebElement turn = waitForFinishedTurn(1);

        assertThat(turn.findElement(By.cssSelector(".answer")).getText())
                .isEqualTo("Hasty Pants — Warranty: 2 years [1]");
        assertThat(turn.findElement(By.cssSelector(".meta")).getText())
                .contains("offline extractive answerer — not a language model");
        JsonObject sent = server.received.get(framesBefore);
        assertThat(sent.getString("user_email")).isEqualTo("ada@example.com");
        assertThat(sent.getBoolean("stream")).isTrue();
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getMap())
                .containsEntry("role", "user").containsEntry("content", WARRANTY_QUESTION);

        WebElement citation = turn.findElement(By.cssSelector(".answer a.cite"));
        assertThat(citation.getText()).isEqualTo("[1]");
        WebElement source = driver.findElement(By.id(citation.getDomAttribute("href").substring(1)));
        assertThat(source.isDisplayed()).as("source hidden until its citation is clicked").isFalse();
        citation.click();
        wait.until(ExpectedConditions.visibilityOf(source));
        assertThat(source.getText()).contains("Hasty Pants", "Warranty: 2 years", "score 0.910");
        assertThat(source.getDomAttribute("class")).contains("highlight");
        assertThat(source.findElement(By.cssSelector("a.source-title")).getDomAttribute("href"))
                .isEqualTo("https://shop.example.com/p2");

        ask("And the price?");
        WebElement followUp = waitForFinishedTurn(2);
        assertThat(followUp.findElement(By.cssSelector(".answer")).getText())
                .isEqualTo("Hasty Pants — Price: 49 EUR [1]");
        assertThat(server.received.getLast().getJsonArray("messages")).hasSize(3);

        screenshot("chat.png");
        driver.navigate().refresh();
        waitUntilConnected();
        assertThat(driver.findElement(By.id("email")).getDomProperty("value")).isEqualTo("ada@example.com");
    }

    @Test
    void errorFrameIsShownVisiblyWithARetryHint() throws IOException {
        ask("Please fail this one");

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .error")));

        assertThat(error.getText()).contains("The server is busy answering other questions.", "(overloaded)",
                "try again in 2 s");
        assertThat(error.findElement(By.cssSelector("button.retry")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("send")).isEnabled()).isTrue();
        screenshot("chat-error.png");
        driver.manage().window().setSize(new Dimension(420, 860));
        try {
            screenshot("chat-narrow.png");
        } finally {
            driver.manage().window().setSize(new Dimension(1000, 860));
        }
    }

    @Test
    void droppedConnectionIsReportedAndThePageReconnectsForTheNextQuestion() {
        ask("Please drop the line");

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .error")));
        assertThat(error.getText()).contains("connection to the server was lost");

        waitUntilConnected();
        ask(WARRANTY_QUESTION);
        WebElement turn = waitForFinishedTurn(2);
        assertThat(turn.findElement(By.cssSelector(".answer")).getText()).contains("Warranty: 2 years [1]");
    }

    private void ask(String question) {
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys(question);
        box.sendKeys(Keys.ENTER);
    }

    private WebElement waitForFinishedTurn(int count) {
        return wait.until(d -> {
            List<WebElement> turns = d.findElements(By.cssSelector(".turn"));
            return turns.size() >= count && turns.get(count - 1).findElement(By.cssSelector(".meta")).isDisplayed()
                    ? turns.get(count - 1) : null;
        });
    }

    private void waitUntilConnected() {
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "online"));
    }

    private static void screenshot(String name) throws IOException {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
