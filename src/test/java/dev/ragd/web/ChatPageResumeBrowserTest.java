package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.mock.MockLlmOptions;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page resumes by itself: reloaded in headless Chromium while an answer streams from a
 * slow model, it shows the question again and the whole answer, which is exactly what the chat log
 * keeps, completed, with one model call (the answer kept running, it was not asked again).
 */
class ChatPageResumeBrowserTest {

    @TempDir
    static Path profile;

    private static Vertx mockVertx;
    private static MockLlmServer mock;
    private static RunningApp app;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        driver = Chromium.start(profile);
        mockVertx = Vertx.vertx();
        mock = MockLlmServer.start(mockVertx, MockLlmOptions.defaults().withHost("127.0.0.1").withPort(0)
                .withEventLoops(1).withTtftMs(50).withTokenMs(20).withTokens(150)).await(10, TimeUnit.SECONDS);
        app = RunningApp.start(Map.of("RAGD_LLM", "openai", "OPENAI_BASE_URL", "http://127.0.0.1:" + mock.port() + "/v1",
                "OPENAI_API_KEY", "sk-browser-resume", "RAGD_QUERY_REWRITE", "false"));
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        Chromium.quit(driver, app, mockVertx == null ? null : () -> mockVertx.close().await(10, TimeUnit.SECONDS));
    }

    @Test
    void aReloadMidAnswerShowsTheWholeAnswerAsLogged() throws Exception {
        driver.get(app.baseUrl());
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "online"));
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys("What is the warranty of the Cinder Kettle?");
        box.sendKeys(Keys.ENTER);
        wait.until(d -> d.findElement(By.cssSelector(".turn .answer")).getText().split("\\s+").length >= 10);

        driver.navigate().refresh();

        WebElement question = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .question")));
        assertThat(question.getText()).isEqualTo("What is the warranty of the Cinder Kettle?");
        WebElement meta = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .meta")));
        assertThat(meta.getText()).doesNotStartWith("stopped");
        String shown = driver.findElement(By.cssSelector(".turn .answer")).getText();
        Await.untilPasses(() -> assertThat(app.app().chatLog().recent(10)).isNotEmpty());
        ChatRecord record = app.app().chatLog().recent(10).getFirst();
        assertThat(record.status()).isEqualTo(ChatRecord.Status.completed);
        assertThat(shown.strip()).isEqualTo(record.finalAnswer().strip());
        assertThat(driver.findElements(By.cssSelector(".turn"))).as("one turn, not a second question").hasSize(1);
        assertThat(driver.findElements(By.cssSelector(".turn .error"))).allSatisfy(e -> assertThat(e.isDisplayed()).isFalse());
        assertThat(mock.stats().requests()).as("one model call: the answer was resumed, not asked again").isEqualTo(1);
        assertThat(driver.executeScript("return sessionStorage.getItem('ragd.pending');"))
                .as("nothing left to resume").isNull();
    }
}
