package dev.ragd.llm.openai;

import static dev.ragd.llm.openai.FakeUpstream.answer;
import static dev.ragd.llm.openai.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The API key must never reach an exception message or a log line, even when the upstream echoes it. */
class SecretHygieneTest {

    private static final String AZURE_KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f";

    /** Everything a log line could show: message, key/values, throwable messages. */
    private static final class Capture extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            StringBuilder b = new StringBuilder(e.getFormattedMessage());
            if (e.getKeyValuePairs() != null) {
                e.getKeyValuePairs().forEach(kv -> b.append(' ').append(kv.key).append('=').append(kv.value));
            }
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
            }
            lines.add(b.toString());
        }
    }

    private final Capture capture = new Capture();
    private Logger root;
    private Level rootLevel;
    private FakeUpstream upstream;
    private GeneratorHarness harness;

    @BeforeEach
    void setUp() throws Exception {
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        upstream = new FakeUpstream(answer(0, "fine"));
        harness = new GeneratorHarness(upstream);
    }

    @AfterEach
    void tearDown() throws Exception {
        root.detachAppender(capture);
        root.setLevel(rootLevel);
        harness.close();
        upstream.close();
    }

    private static String everything(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append('\n');
        }
        return b.toString();
    }

    @Test
    void openai_auth_failure_is_not_retried_and_the_key_appears_nowhere() throws Exception {
        String key = GeneratorHarness.OPENAI_KEY;
        upstream.fallback(status(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + key
                + ". You can find your API key at https://platform.openai.com/account/api-keys.\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        var generator = harness.generator(harness.openAiEnv());

        UpstreamException e = harness.start(generator).error();

        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.retryable()).isFalse();
        assertThat(upstream.requests).hasSize(1);
        assertThat(e.getMessage()).contains("Incorrect API key provided");
        assertThat(everything(e)).doesNotContain(key).doesNotContain("4f9a2b7c");
        assertThat(capture.lines).isNotEmpty();
        assertThat(String.join("\n", capture.lines)).doesNotContain(key).doesNotContain("4f9a2b7c");
        assertThat(generator.toString() + generator.health().name()).doesNotContain(key);
    }

    @Test
    void azure_key_echoed_in_retried_errors_appears_nowhere() throws Exception {
        upstream.then(status(429, "{\"error\":{\"message\":\"Too many requests for key " + AZURE_KEY + "\"}}",
                        "retry-after-ms", "10"),
                status(403, "{\"error\":{\"message\":\"Access denied for key " + AZURE_KEY + "\"}}"));
        var generator = harness.generator(Map.of("RAGD_LLM", "azure-openai", "AZURE_OPENAI_ENDPOINT", upstream.baseUrl(),
                "AZURE_OPENAI_API_KEY", AZURE_KEY, "AZURE_OPENAI_DEPLOYMENT", "chat"));

        UpstreamException e = harness.start(generator).error();

        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(upstream.requests).hasSize(2);
        assertThat(upstream.requests.getFirst().headers().get("api-key")).isEqualTo(AZURE_KEY);
        assertThat(everything(e)).contains("Access denied").doesNotContain(AZURE_KEY);
        assertThat(String.join("\n", capture.lines)).contains("llm upstream retry").doesNotContain(AZURE_KEY);
    }
}
