package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.SharedApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page against a server with {@code RAGD_AUTH=api-key}, in real Chromium: it asks for a
 * key, says so when the key is wrong, and with the right one opens its socket with a single-use
 * ticket and gets answers recorded under the key's user, never putting the key in a URL.
 */
class ChatPageSignInBrowserTest {

    static final String KEY = "sk-alice-4f1e9c2b7d0a8e3f";

    @RegisterExtension
    static final SharedApp APP = SharedApp.with(Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS", "alice=" + KEY));

    @TempDir
    static Path profile;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void startBrowser() {
        driver = Chromium.start(profile);
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    private static void signIn(String key) {
        WebElement field = wait.until(d -> {
            WebElement f = d.findElement(By.id("credential"));
            return f.isDisplayed() ? f : null;
        });
        field.sendKeys(key);
        driver.findElement(By.id("signin-button")).click();
    }

    @Test
    void thePageAsksForAKeyRefusesAWrongOneAndAnswersAsTheKeysUser() throws Exception {
        driver.get(APP.get().baseUrl());
        wait.until(d -> d.findElement(By.id("signin")).isDisplayed());
        assertThat(driver.findElement(By.id("connection-text")).getText()).contains("Sign in");

        signIn("sk-wrong-00000000000000");
        wait.until(d -> d.findElement(By.id("credential-error")).isDisplayed());
        assertThat(driver.findElement(By.id("credential-error")).getText()).contains("not valid");

        signIn(KEY);
        wait.until(d -> "online".equals(d.findElement(By.id("connection")).getDomAttribute("data-state")));
        assertThat(driver.findElement(By.id("signin")).isDisplayed()).isFalse();
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys("What is the warranty of the Cinder Kettle?");
        box.sendKeys(Keys.ENTER);
        WebElement turn = wait.until(d -> {
            List<WebElement> turns = d.findElements(By.cssSelector(".turn"));
            return !turns.isEmpty() && turns.getFirst().findElement(By.cssSelector(".meta")).isDisplayed()
                    ? turns.getFirst() : null;
        });
        String answer = turn.findElement(By.cssSelector(".answer")).getText();
        assertThat(answer).contains("Cinder Kettle");
        Await.until(() -> APP.get().app().chatLog().recent(10).stream().anyMatch(r -> answer.equals(r.finalAnswer())));
        ChatRecord record = APP.get().app().chatLog().recent(10).stream().filter(r -> answer.equals(r.finalAnswer()))
                .findFirst().orElseThrow();
        assertThat(record.userEmail()).isEqualTo("alice");
        assertThat(driver.getCurrentUrl()).doesNotContain(KEY);

        driver.navigate().refresh(); // the key is kept for the tab: no second sign-in
        wait.until(d -> "online".equals(d.findElement(By.id("connection")).getDomAttribute("data-state")));
        assertThat(driver.findElement(By.id("signin")).isDisplayed()).isFalse();
    }
}
