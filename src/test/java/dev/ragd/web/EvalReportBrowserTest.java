package dev.ragd.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.eval.Comparison;
import dev.ragd.eval.HtmlReport;
import dev.ragd.eval.Metrics;
import dev.ragd.eval.QuestionResult;
import dev.ragd.eval.Summary;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * {@code ragd eval}'s HTML report opened from disk in headless Chromium: text from the run that
 * looks like markup (a question, an answer, a judge's reason, an about line) is shown as text,
 * creates no element, runs nothing and does not break the tables; the tables hold what the run had.
 */
class EvalReportBrowserTest {

    private static final String SCRIPT_QUESTION = "<script>window.pwned=1</script>";
    private static final String IMG_ANSWER = "<img src=x onerror=\"window.pwned=2\">";
    private static final String TABLE_REASON = "judge call failed: </td></table><p id=\"forged\">x</p>";
    private static final String ABOUT = "about <b>x</b>";

    @TempDir
    static Path work;

    private static ChromeDriver driver;
    private static List<QuestionResult> results;

    @BeforeAll
    static void renderAndOpen() throws IOException {
        driver = Chromium.start(work.resolve("profile"));
        List<QuestionResult> baseline = List.of(
                result("q1", "old question", "Water basil in the morning [1].", Map.of(Metrics.FACT_MATCH, 1.0), Map.of()),
                result("q2", "Do tomatoes need sun?", "Yes [1].", Map.of(Metrics.FACT_MATCH, 1.0), Map.of()));
        results = List.of(
                result("q1", SCRIPT_QUESTION, IMG_ANSWER, Map.of(Metrics.FACT_MATCH, 0.0, Metrics.RELEVANCE, 4.0),
                        Map.of(Metrics.GROUNDEDNESS, TABLE_REASON, Metrics.RELEVANCE, "on topic")),
                result("q2", "Do tomatoes need sun?", "Yes [1].", Map.of(Metrics.FACT_MATCH, 1.0), Map.of()),
                result("q3", "Only in this run?", "New [1].", Map.of(Metrics.FACT_MATCH, 1.0), Map.of()));
        String html = HtmlReport.render(results, Summary.of(results), Comparison.of(baseline, results), List.of(ABOUT));
        Path report = work.resolve("report.html");
        Files.writeString(report, html, StandardCharsets.UTF_8);
        driver.get(report.toUri().toString());
    }

    @AfterAll
    static void quit() throws Exception {
        Chromium.quit(driver);
    }

    private static QuestionResult result(String id, String question, String answer, Map<String, Double> metrics,
            Map<String, String> reasons) {
        return new QuestionResult(id, "attribute", question, List.of("basil"), List.of("morning"), false, answer,
                List.of("basil", "tomato"), List.of(1), false, null, metrics, reasons, 120L, 40L, 300, 20);
    }

    @Test
    void markupFromTheRunIsShownAsTextAndNeverRuns() throws IOException {
        screenshot("eval-report.png");

        assertThat(driver.executeScript("return typeof window.pwned;")).isEqualTo("undefined");
        assertThat(driver.findElements(By.cssSelector("script, img, p#forged"))).as("no element made from the run")
                .isEmpty();
        WebElement hostile = questionRows().get(1);
        List<WebElement> cells = hostile.findElements(By.tagName("td"));
        assertThat(cells).hasSize(7);
        assertThat(textContent(cells.get(0))).isEqualTo("q1");
        assertThat(textContent(cells.get(2))).isEqualTo(SCRIPT_QUESTION);
        assertThat(cells.get(2).getText()).as("visible, not just in the DOM").isEqualTo(SCRIPT_QUESTION);
        assertThat(textContent(cells.get(4))).isEqualTo(IMG_ANSWER);
        assertThat(cells.get(6).getText()).contains("groundedness n/a " + TABLE_REASON, "relevance 4.000 on topic");
        WebElement about = driver.findElement(By.cssSelector("ul > li"));
        assertThat(about.getText()).isEqualTo(ABOUT);
        assertThat(about.findElements(By.cssSelector("*"))).isEmpty();
    }

    @Test
    void theQuestionsTableHasAHeaderAndOneRowPerResultInOrder() {
        List<WebElement> rows = questionRows();

        assertThat(rows).hasSize(results.size() + 1);
        assertThat(rows.getFirst().findElements(By.tagName("th"))).extracting(WebElement::getText)
                .containsExactly("id", "kind", "question", "expected", "answer", "sources", "scores");
        assertThat(rows.subList(1, rows.size())).extracting(r -> textContent(r.findElement(By.tagName("td"))))
                .containsExactly("q1", "q2", "q3");
        assertThat(driver.findElements(By.tagName("table"))).as("summary, worse, questions: nothing split them")
                .hasSize(3);
        assertThat(rows.get(2).findElements(By.tagName("td")).get(5).getText())
                .as("the expected document is marked").isEqualTo("[1] basil\n[2] tomato");
        assertThat(rows.get(2).findElements(By.cssSelector("td b"))).extracting(WebElement::getText)
                .containsExactly("basil");
    }

    @Test
    void theWorseTableListsOnlyTheQuestionWhoseMetricFell() {
        List<WebElement> rows = driver.findElements(By.cssSelector("#worse tr"));

        assertThat(driver.findElement(By.xpath("//h2[starts-with(., 'Worse')]")).getText())
                .isEqualTo("Worse than the baseline (1)");
        assertThat(rows).hasSize(2);
        List<WebElement> cells = rows.get(1).findElements(By.tagName("td"));
        assertThat(cells).extracting(EvalReportBrowserTest::textContent).containsExactly("q1", SCRIPT_QUESTION,
                "fact_match 1.000->0.000", "Water basil in the morning [1].", IMG_ANSWER);
    }

    @Test
    void theSummaryShowsNotApplicableForGroundednessWhenNoResultHasIt() {
        Map<String, List<String>> summary = new java.util.LinkedHashMap<>();
        for (WebElement row : driver.findElements(By.cssSelector("#summary tr"))) {
            List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
            if (!cells.isEmpty()) {
                summary.put(cells.getFirst(), cells.subList(1, cells.size()));
            }
        }

        assertThat(summary.keySet()).containsExactlyElementsOf(Metrics.all());
        // value, questions, baseline, now on the questions both runs have (q1, q2), delta
        assertThat(summary.get(Metrics.GROUNDEDNESS)).containsExactly("n/a", "0", "n/a", "n/a", "n/a");
        assertThat(summary.get(Metrics.RELEVANCE)).containsExactly("4.000", "1", "n/a", "4.000", "n/a");
        assertThat(summary.get(Metrics.FACT_MATCH)).containsExactly("0.667", "3", "1.000", "0.500", "-0.500");
        assertThat(driver.findElement(By.xpath("//table[@id='summary']//tr[td[1]='fact_match']/td[6]"))
                .getDomAttribute("class")).as("a fall is marked bad").isEqualTo("num bad");
    }

    private static List<WebElement> questionRows() {
        return driver.findElements(By.cssSelector("#questions tr"));
    }

    private static String textContent(WebElement element) {
        return (String) driver.executeScript("return arguments[0].textContent;", element);
    }

    private static void screenshot(String name) throws IOException {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
