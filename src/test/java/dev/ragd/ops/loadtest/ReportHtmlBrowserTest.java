package dev.ragd.ops.loadtest;

import static dev.ragd.ops.loadtest.Steps.cpu;
import static dev.ragd.ops.loadtest.Steps.errors;
import static dev.ragd.ops.loadtest.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * report.html in headless Chromium, opened from disk: the five charts are drawn by the inlined
 * uPlot and the console stays free of errors. A screenshot is kept as {@code target/loadtest-report.png}.
 */
class ReportHtmlBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void theChartsAreDrawnOfflineWithoutConsoleErrors() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver are needed for the browser test: apt-get install chromium chromium-driver");
        List<StepResult> steps = List.of(step(10, 350), errors(step(100, 800), Map.of("busy", 4L, "<b>x</b>", 1L)),
                cpu(step(1_000, 2_600), 1.9));
        List<StepResult> direct = List.of(step(10, 300), step(100, 320), step(1_000, 340));
        LoadTestReport.write(dir.resolve("report"), new ReportHtml.Run("ragd load test", Map.of("profile", "fast")),
                steps, direct, Optional.of(new Baseline("one replica", List.of(step(10, 320), step(100, 1_400)))),
                Target.DEFAULT, 2, 1);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
        try {
            driver.manage().window().setSize(new Dimension(1100, 2600));
            driver.get(dir.resolve("report/report.html").toUri().toString());
            new WebDriverWait(driver, Duration.ofSeconds(20))
                    .until(d -> d.findElements(By.cssSelector(".chart .uplot canvas")).size() == 5);

            assertThat(driver.findElements(By.cssSelector(".chart .u-title")))
                    .extracting(e -> e.getText()).contains("Throughput", "Errors");
            List<LogEntry> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
            assertThat(problems).isEmpty();
            File png = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), Path.of("target/loadtest-report.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            driver.quit();
        }
    }
}
