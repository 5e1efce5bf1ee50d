package dev.ragd.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build refuses a version that is not pinned: the project's own pom with one dependency turned
 * into a range, or one plugin left without a version, fails Maven's validate phase (the enforcer
 * rules in {@code pom.xml}) naming the rule, and the real pom passes it.
 */
class PinnedVersionsTest {

    @TempDir
    Path dir;

    private record Run(int exit, String output) {}

    private Run validate(String pom) throws IOException, InterruptedException {
        Path file = dir.resolve("pom-" + Math.abs(pom.hashCode()) + ".xml");
        Files.writeString(file, pom, StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of("mvnw").toAbsolutePath().toString(), "-o", "-B",
                "-q", "validate", "-f", file.toString())).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void theProjectsPomPassesAndARangeOrAnUnpinnedPluginFails() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        String pinned = "<artifactId>caffeine</artifactId><version>3.2.2</version>";
        assertThat(pom).contains(pinned);

        Run real = validate(pom);
        assertThat(real.exit()).as(real.output()).isZero();

        Run range = validate(pom.replace(pinned, "<artifactId>caffeine</artifactId><version>[3.2.2]</version>"));
        assertThat(range.exit()).as(range.output()).isNotZero();
        assertThat(range.output()).contains("BanDynamicVersions").contains("caffeine");

        String plugin = "<artifactId>maven-jar-plugin</artifactId>\n        <version>3.4.2</version>";
        assertThat(pom).contains(plugin);
        Run unpinned = validate(pom.replace(plugin, "<artifactId>maven-jar-plugin</artifactId>"));
        assertThat(unpinned.exit()).as(unpinned.output()).isNotZero();
        assertThat(unpinned.output()).contains("RequirePluginVersions").contains("maven-jar-plugin");
    }
}
