package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RagdConfigTest {

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        RagdConfig c = RagdConfig.defaults();

        assertThat(c.port()).isEqualTo(8000);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.topK()).isEqualTo(3);
        assertThat(c.historyMessages()).isEqualTo(4);
        assertThat(c.maxQuestionChars()).isEqualTo(1000);
        assertThat(c.chatLog().backend()).isEqualTo("file");
        assertThat(c.llm().provider()).isEqualTo("extractive");
        assertThat(c.testMode()).isFalse();
        assertThat(c.logContent()).isFalse();
    }

    @Test
    void booksTestEnvironmentFlagTurnsOnTestMode() {
        assertThat(RagdConfig.from(new Env(Map.of("test_environment", "True"))).testMode()).isTrue();
        assertThat(RagdConfig.from(new Env(Map.of("RAGD_TEST_MODE", "true"))).testMode()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PORT|abc|PORT='abc' must be a whole number from 0 to 65535",
        "PORT|70000|PORT=70000 must be from 0 to 65535",
        "RAGD_TOP_K|0|RAGD_TOP_K=0 must be from 1 to 50",
        "RAGD_CHATLOG|mongo|RAGD_CHATLOG='mongo' must be one of [cosmos, file, none, postgres]",
        "RAGD_TEST_MODE|maybe|RAGD_TEST_MODE='maybe' must be true or false",
        "RAGD_LOG_LEVEL|loud|RAGD_LOG_LEVEL='loud' must be one of [debug, error, info, trace, warn]",
        "RAGD_LLM|gpt|RAGD_LLM='gpt' must be one of [azure-openai, extractive, openai]",
        "RAGD_HEARTBEAT_MS|50|RAGD_HEARTBEAT_MS=50 must be 0 (no heartbeats) or at least 100",
        "RAGD_HEARTBEAT_MS|-1|RAGD_HEARTBEAT_MS=-1 must be from 0 to 3600000",
    })
    void badValueFailsWithMessageNamingTheVariableAndRule(String name, String value, String message) {
        assertThatThrownBy(() -> RagdConfig.from(new Env(Map.of(name, value))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void overlapNotSmallerThanChunkSizeIsRejected() {
        assertThatThrownBy(() -> RagdConfig.from(new Env(Map.of("RAGD_CHUNK_CHARS", "200", "RAGD_CHUNK_OVERLAP", "200"))))
                .hasMessageContaining("RAGD_CHUNK_OVERLAP=200 must be smaller than RAGD_CHUNK_CHARS=200");
    }

    @Test
    void dotEnvFileFillsInButRealEnvironmentWins(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(".env"), """
                # comment
                export RAGD_TOP_K=7
                PORT="9001"
                RAGD_HOST='127.0.0.1'
                """);

        Env env = Env.load(Map.of("PORT", "9100"), dir);
        RagdConfig c = RagdConfig.from(env);

        assertThat(c.topK()).isEqualTo(7);
        assertThat(c.port()).isEqualTo(9100);
        assertThat(c.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void malformedDotEnvLineIsReportedWithItsLineNumber(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(".env"), "RAGD_TOP_K=3\nthis is not an assignment\n");

        assertThatThrownBy(() -> Env.load(Map.of(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(".env line 2: expected NAME=value");
    }

    @Test
    void describeListsEveryVariableInTableOrder() {
        assertThat(RagdConfig.defaults().describe().keySet())
                .startsWith("RAGD_HOST", "PORT", "RAGD_DATA_DIR")
                .contains("RAGD_LOG_FORMAT", "RAGD_LOG_LEVEL");
    }
}
