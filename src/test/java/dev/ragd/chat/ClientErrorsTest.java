package dev.ragd.chat;

import static dev.ragd.chat.PipelineHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import dev.ragd.rewrite.NoRewrite;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Vertx;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClientErrorsTest {

    private static final Map<Kind, String> CODES = new EnumMap<>(Map.of(
            Kind.RATE_LIMITED, "rate_limited", Kind.UNAVAILABLE, "upstream_unavailable",
            Kind.TIMEOUT, "upstream_timeout", Kind.STALLED, "upstream_timeout",
            Kind.CIRCUIT_OPEN, "circuit_open", Kind.BUSY, "busy", Kind.CUT, "answer_cut",
            Kind.AUTH, "upstream_auth", Kind.BAD_REQUEST, "upstream_bad_request"));

    private static UpstreamException upstream(Kind kind, Long retryAfterMs) {
        return new UpstreamException(kind, "HTTP body from upstream with sk-secret details", 503, retryAfterMs, null);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void beforeTheFirstTokenEachKindHasItsOwnCodeAndNoUpstreamDetail(Kind kind) {
        ChatError e = ClientErrors.toChatError(upstream(kind, 2500L), false);

        assertThat(e.code()).isEqualTo(CODES.get(kind));
        assertThat(e.retryable()).isEqualTo(kind.retryable());
        assertThat(e.message()).isNotBlank().doesNotContain("upstream with").doesNotContain("sk-secret")
                .doesNotContain("503");
        if (kind.retryable()) {
            assertThat(e.retryAfterMs()).isEqualTo(2500L);
        } else {
            assertThat(e.retryAfterMs()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void afterTheFirstTokenEveryFailureSaysTheAnswerWasCut(Kind kind) {
        ChatError e = ClientErrors.toChatError(upstream(kind, null), true);

        assertThat(e.code()).isEqualTo(ErrorCodes.ANSWER_CUT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.message()).contains("cut off");
    }

    @Test
    void busyWithoutAHintSuggestsRetryingInASecond() {
        assertThat(ClientErrors.toChatError(upstream(Kind.BUSY, null), false).retryAfterMs()).isEqualTo(1000L);
    }

    @Test
    void anUnclassifiedFailureIsAGenerationFailure() {
        ChatError e = ClientErrors.toChatError(new IllegalStateException("bug"), false);

        assertThat(e.code()).isEqualTo(ErrorCodes.GENERATION_FAILED);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void thePipelineReportsAnUpstreamFailureBeforeAnyTokenAndLogsAFailedRecord() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            FakeGenerator generator = FakeGenerator.text("never sent", 0)
                    .failingAfter(0, upstream(Kind.RATE_LIMITED, 3000L));
            RecordingEvents events = new RecordingEvents();
            InMemoryChatLog log = new InMemoryChatLog(events.journal);
            ChatPipeline p = PipelineHarness.pipeline(vertx, Map.of(), new FakeRetriever(), generator, log, new NoRewrite());

            PipelineHarness.run(vertx, p, ask("u1", List.of(), "When?"), events);
            ChatError error = events.failed.get(10, TimeUnit.SECONDS);

            assertThat(error).isEqualTo(new ChatError("rate_limited", error.message(), true, 3000L));
            assertThat(events.journal).doesNotContain("token");
            ChatRecord r = log.await("u1", rec -> true, java.time.Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(ChatRecord.Status.failed);
            assertThat(r.finalAnswer()).isEmpty();
            assertThat(r.model()).isEqualTo("fake-words");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void thePipelineSaysTheAnswerWasCutWhenTheUpstreamBreaksMidAnswer() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            FakeGenerator generator = FakeGenerator.text("The library opens at nine.", 0)
                    .failingAfter(3, upstream(Kind.UNAVAILABLE, null));
            RecordingEvents events = new RecordingEvents();
            InMemoryChatLog log = new InMemoryChatLog(events.journal);
            ChatPipeline p = PipelineHarness.pipeline(vertx, Map.of(), new FakeRetriever(), generator, log, new NoRewrite());

            PipelineHarness.run(vertx, p, ask("u2", List.of(), "When?"), events);
            ChatError error = events.failed.get(10, TimeUnit.SECONDS);

            assertThat(error.code()).isEqualTo("answer_cut");
            assertThat(error.retryable()).isTrue();
            ChatRecord r = log.await("u2", rec -> true, java.time.Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(ChatRecord.Status.failed);
            assertThat(r.finalAnswer()).isEqualTo("The library opens").isEqualTo(events.answer.toString());
        } finally {
            vertx.close().await();
        }
    }
}
