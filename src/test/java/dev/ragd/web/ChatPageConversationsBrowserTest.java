package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * The chat page's past conversations in headless Chromium against the real server: each answered
 * question lands in the page's conversation (checked on the records), "New conversation" starts
 * another, opening a past one shows its turns and continues it, a reload shows the current one
 * again, and deleting one removes it from the list and from the chat log.
 */
class ChatPageConversationsBrowserTest {

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

    /** Asks on the page and waits for the answer's rating bar (the answer ended); returns its record. */
    private ChatRecord ask(String question) throws InterruptedException {
        int before = driver.findElements(By.cssSelector(".turn .feedback")).size();
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys(question);
        box.sendKeys(Keys.ENTER);
        wait.until(d -> d.findElements(By.cssSelector(".turn .feedback")).size() > before);
        return Await.untilPresent(() -> app.app().chatLog().find(ChatLogQuery.all(50)).stream()
                .filter(r -> r.userQuestion().equals(question)).findFirst());
    }

    /** Texts read in one script: the list is re-rendered as it refreshes, so elements found earlier go stale. */
    @SuppressWarnings("unchecked")
    private List<String> texts(String selector) {
        return (List<String>) driver.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0]), e => e.textContent);", selector);
    }

    private List<String> listed() {
        return texts("#past-list .past-open");
    }

    private List<String> shownQuestions() {
        return texts(".turn .question");
    }

    @Test
    void aConversationIsKeptListedReopenedContinuedAfterAReloadAndDeleted() throws Exception {
        driver.get(app.baseUrl());
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "online"));

        ChatRecord first = ask("What is the warranty of the Cinder Kettle?");
        ChatRecord second = ask("Does it cover the lid?");
        assertThat(first.conversationId()).isEqualTo(first.id());
        assertThat(second.conversationId()).as("continued by the page").isEqualTo(first.id());
        wait.until(d -> listed().equals(List.of("What is the warranty of the Cinder Kettle?")));

        driver.findElement(By.id("new-conversation")).click();
        assertThat(shownQuestions()).isEmpty();
        ChatRecord other = ask("How do I descale the kettle?");
        assertThat(other.conversationId()).isEqualTo(other.id());
        wait.until(d -> listed().equals(List.of("How do I descale the kettle?", "What is the warranty of the Cinder Kettle?")));

        driver.findElement(By.cssSelector("#past-list .past-open[data-conversation='" + first.id() + "']")).click();
        wait.until(d -> shownQuestions().equals(List.of("What is the warranty of the Cinder Kettle?", "Does it cover the lid?")));
        assertThat(driver.findElements(By.cssSelector(".turn .answer")).get(1).getText()).isEqualTo(second.finalAnswer());
        ChatRecord third = ask("And the base?");
        assertThat(third.conversationId()).isEqualTo(first.id());

        driver.navigate().refresh();
        wait.until(d -> shownQuestions().equals(List.of("What is the warranty of the Cinder Kettle?",
                "Does it cover the lid?", "And the base?")));
        assertThat(driver.findElement(By.cssSelector("#past-list [aria-current='true'] .past-open")).getText())
                .isEqualTo("What is the warranty of the Cinder Kettle?");

        driver.executeScript("window.confirm = () => true;");
        driver.findElement(By.cssSelector("#past-list .past-item:first-child .past-delete")).click();
        wait.until(d -> listed().equals(List.of("What is the warranty of the Cinder Kettle?")));
        assertThat(app.app().chatLog().get(other.id())).isEmpty();
        assertThat(app.app().chatLog().get(first.id())).isPresent();
        assertThat(driver.findElement(By.id("notice")).isDisplayed()).isFalse();

        // Deleted elsewhere (another tab): the next question says so, and "Try again" asks in a new one.
        java.net.http.HttpResponse<String> deleted = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.baseUrl() + "v1/conversations/" + first.id()))
                        .DELETE().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        WebElement box = driver.findElement(By.id("question"));
        box.sendKeys("Is the lid dishwasher safe?");
        box.sendKeys(Keys.ENTER);
        WebElement retry = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".turn .error button.retry")));
        assertThat(retry.findElement(By.xpath("..")).getText()).contains("no longer available");
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", retry);
        retry.click();
        ChatRecord fresh = Await.untilPresent(() -> app.app().chatLog().find(ChatLogQuery.all(50)).stream()
                .filter(r -> r.userQuestion().equals("Is the lid dishwasher safe?")).findFirst());
        assertThat(fresh.conversationId()).isEqualTo(fresh.id());
        wait.until(d -> listed().equals(List.of("Is the lid dishwasher safe?")));
    }
}
