package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .env.example} is what a deployer copies: every variable ragd reads, each after a comment
 * saying what it does, secrets without a value, and the values it shows are ragd's real defaults.
 */
class EnvExampleTest {

    private static final Pattern ENTRY = Pattern.compile("^# ([A-Z][A-Z0-9_]+)=(.*)$");

    @TempDir
    Path dir;

    private static Map<String, String> entries(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = ENTRY.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    @Test
    void everyVariableIsListedOnceAfterAComment() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(".env.example"));
        Map<String, String> entries = entries(lines);

        assertThat(entries.keySet()).containsAll(RagdConfig.defaults().describe().keySet());
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = ENTRY.matcher(lines.get(i));
            if (m.matches()) {
                assertThat(lines.get(i - 1)).as("the comment above " + m.group(1)).startsWith("# ")
                        .doesNotMatch(ENTRY.pattern());
                assertThat(lines.stream().filter(l -> l.startsWith("# " + m.group(1) + "="))).as(m.group(1)).hasSize(1);
            }
        }
        assertThat(lines).as("every line is a comment or blank: copying the file changes nothing")
                .allSatisfy(l -> assertThat(l.isEmpty() || l.startsWith("#")).as(l).isTrue());
    }

    @Test
    void secretsHaveNoValue() throws IOException {
        Map<String, String> entries = entries(Files.readAllLines(Path.of(".env.example")));

        assertThat(RagdConfig.SECRETS).allSatisfy(k -> assertThat(entries.get(k)).as(k).isEmpty());
    }

    @Test
    void theValuesShownAreTheDefaults() throws IOException {
        Map<String, String> shown = new LinkedHashMap<>(entries(Files.readAllLines(Path.of(".env.example"))));
        shown.values().removeIf(String::isEmpty);
        Map<String, String> defaults = RagdConfig.from(Env.load(Map.of(), dir)).describe();

        RagdConfig config = RagdConfig.from(Env.load(shown, dir)); // every value shown is valid
        // (the OpenTelemetry SDK reads its OTEL_* variables itself; ragd's own record does not hold them)
        shown.keySet().stream().filter(defaults::containsKey)
                .forEach(k -> assertThat(config.describe().get(k)).as(k).isEqualTo(defaults.get(k)));
        assertThat(shown.keySet().stream().filter(defaults::containsKey)).as("values checked").hasSizeGreaterThan(40);
    }
}
