package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.Feedback;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
 * The chat page's thumbs in headless Chromium against the real server: a finished answer gets a
 * rating bar; "Not helpful" is kept at once and offers a reason, which replaces it; "Helpful" then
 * replaces that. Each step is checked in the chat log, and the page says the rating was saved.
 */
class ChatPageFeedbackBrowserTest {

    @TempDir
    static Path profile;

    private static RunningApp app;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() {
        driver = Chromium.start(profile);
        app = RunningApp.start(Map.of());
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stop() throws Exception {
        Chromium.quit(driver, app);
    }

    private Feedback kept(String logId) {
        return app.app().chatLog().get(logId).map(ChatRecord::feedback).orElse(null);
    }

    @Test
    void thumbsAndAReasonAreKeptOnTheAnswersRecordAndTheLastOneWins() throws Exception {
        driver.get(app.baseUrl());
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "online"));
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys("What is the warranty of the Cinder Kettle?");
        box.sendKeys(Keys.ENTER);

        WebElement bar = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".turn .feedback")));
        String logId = app.app().chatLog().recent(1).getFirst().id();
        WebElement status = bar.findElement(By.cssSelector(".feedback-status"));
        WebElement down = bar.findElement(By.cssSelector("button[aria-label='Not helpful']"));
        WebElement up = bar.findElement(By.cssSelector("button[aria-label='Helpful']"));

        down.click();
        wait.until(ExpectedConditions.textToBePresentInElement(status, "saved"));
        assertThat(down.getAttribute("aria-pressed")).isEqualTo("true");
        Await.untilPasses(() -> assertThat(kept(logId).rating()).isEqualTo(Feedback.Rating.down));

        WebElement reason = bar.findElement(By.cssSelector(".feedback-reason textarea"));
        assertThat(reason.isDisplayed()).isTrue();
        reason.sendKeys("It gives the kettle's price, not its warranty <b>twice</b>");
        bar.findElement(By.cssSelector(".feedback-reason button[type=submit]")).click();
        Await.untilPasses(() -> assertThat(kept(logId).reason())
                .isEqualTo("It gives the kettle's price, not its warranty <b>twice</b>"));
        assertThat(reason.isDisplayed()).as("the reason box closes once sent").isFalse();

        up.click();
        Await.untilPasses(() -> assertThat(kept(logId).rating()).isEqualTo(Feedback.Rating.up));
        assertThat(kept(logId).reason()).isNull();
        assertThat(up.getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(down.getAttribute("aria-pressed")).isEqualTo("false");
        wait.until(ExpectedConditions.textToBePresentInElement(status, "saved"));
        assertThat(driver.findElement(By.id("notice")).isDisplayed()).isFalse();
    }
}
