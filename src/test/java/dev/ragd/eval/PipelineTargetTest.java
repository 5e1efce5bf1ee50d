package dev.ragd.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.NoChatLog;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.Pipelines;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The in-process target against a real pipeline with a fake model: every question answered, in order. */
class PipelineTargetTest {

    @Test
    void questionsOverThePipelinesCapAreRetriedUntilAnsweredNotScoredAsBusy() throws Exception {
        Vertx vertx = Vertx.vertx();
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_MAX_CONCURRENT_GENERATIONS", "1")));
        FakeGenerator model = FakeGenerator.words(5, 5);
        try (PipelineTarget target = new PipelineTarget(vertx,
                Pipelines.create(vertx, config, new FakeRetriever(), model, new NoChatLog()), () -> vertx.close())) {
            List<EvalQuestion> set = IntStream.range(0, 12).mapToObj(i -> new EvalQuestion("q" + i, "k",
                    "When does the library open " + i + "?", List.of(), List.of("faq-1"), List.of(), false)).toList();

            List<QuestionResult> results = new Evaluation(target, new Scorer(Refusals.standard()), null, 6,
                    Duration.ofSeconds(30)).run(set, done -> { });

            assertThat(results).extracting(QuestionResult::id).containsExactlyElementsOf(set.stream().map(EvalQuestion::id).toList());
            assertThat(results).allSatisfy(r -> {
                assertThat(r.error()).isNull();
                assertThat(r.sourceDocs()).first().isEqualTo("faq-1");
                assertThat(r.metrics()).containsEntry(Metrics.RECALL_AT_1, 1.0);
            });
            assertThat(model.streams).as("each question generated once").hasValue(12);
        }
    }

    @Test
    void aQuestionGivenUpStopsItsGeneration() throws Exception {
        Vertx vertx = Vertx.vertx();
        RagdConfig config = RagdConfig.from(new Env(Map.of()));
        FakeGenerator slow = FakeGenerator.words(10_000, 20);
        try (PipelineTarget target = new PipelineTarget(vertx,
                Pipelines.create(vertx, config, new FakeRetriever(), slow, new NoChatLog()), () -> vertx.close())) {
            var answer = target.ask(new EvalQuestion("slow", "k", "When does the library open?", List.of(), List.of(),
                    List.of(), false));
            dev.ragd.testsupport.Await.until(() -> slow.streams.get() == 1);

            answer.cancel(false);

            dev.ragd.testsupport.Await.until(() -> slow.cancels.get() == 1);
            assertThat(slow.streams).as("not asked again").hasValue(1);
        }
    }

    @Test
    void aQuestionThePipelineRefusesScoresAsAFailureNamingTheError() throws Exception {
        Vertx vertx = Vertx.vertx();
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_MAX_QUESTION_CHARS", "20")));
        try (PipelineTarget target = new PipelineTarget(vertx,
                Pipelines.create(vertx, config, new FakeRetriever(), FakeGenerator.words(3, 0), new NoChatLog()),
                () -> vertx.close())) {
            EvalAnswer a = target.ask(new EvalQuestion("long", "k", "x".repeat(50) + "?", List.of(), List.of(), List.of(),
                    false)).get();
            assertThat(a.failed()).isTrue();
            assertThat(a.error()).isEqualTo("question_too_long");
        }
    }
}
