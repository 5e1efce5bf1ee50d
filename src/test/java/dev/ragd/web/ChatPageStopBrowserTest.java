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
 * The chat page's Stop button in headless Chromium, against ragd streaming from a slow model
 * ({@code ragd mock-llm}): Stop appears while an answer streams, stops it, the partial answer stays
 * on the page marked stopped, and it is exactly what the chat log keeps (status {@code stopped}).
 */
class ChatPageStopBrowserTest {

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
                .withEventLoops(1).withTtftMs(50).withTokenMs(60).withTokens(400)).await(10, TimeUnit.SECONDS);
        app = RunningApp.start(Map.of("RAGD_LLM", "openai", "OPENAI_BASE_URL", "http://127.0.0.1:" + mock.port() + "/v1",
                "OPENAI_API_KEY", "sk-browser-stop", "RAGD_QUERY_REWRITE", "false"));
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stop() throws Exception {
        Chromium.quit(driver, app, mockVertx == null ? null : () -> mockVertx.close().await(10, TimeUnit.SECONDS));
    }

    @Test
    void stopEndsTheStreamingAnswerAndThePartialAnswerShownIsTheOneLogged() throws Exception {
        driver.get(app.baseUrl());
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "online"));
        WebElement stop = driver.findElement(By.id("stop"));
        assertThat(stop.isDisplayed()).as("no Stop while nothing is answered").isFalse();

        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys("What is the warranty of the Cinder Kettle?");
        box.sendKeys(Keys.ENTER);
        WebElement answer = wait.until(d -> {
            WebElement a = d.findElement(By.cssSelector(".turn .answer"));
            return a.getText().split("\\s+").length >= 5 && !a.getText().contains("Searching") ? a : null;
        });
        assertThat(stop.isDisplayed()).isTrue();
        stop.click();

        WebElement meta = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .meta")));
        assertThat(meta.getText()).startsWith("stopped");
        assertThat(stop.isDisplayed()).as("Stop hides when nothing is answered").isFalse();
        assertThat(driver.findElement(By.id("send")).isEnabled()).isTrue();
        String shown = answer.getText();
        Await.untilPasses(() -> assertThat(app.app().chatLog().recent(10)).isNotEmpty());
        ChatRecord record = app.app().chatLog().recent(10).getFirst();
        assertThat(record.status()).isEqualTo(ChatRecord.Status.stopped);
        assertThat(record.finalAnswer().strip()).isEqualTo(shown.strip());
        assertThat(shown.split("\\s+").length).as("stopped well before the model's 400 tokens").isLessThan(200);
        assertThat(driver.findElement(By.id("notice")).isDisplayed()).isFalse();
    }
}
