package dev.ragd.llm.extractive;

import dev.ragd.llm.Usage;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.GenerationRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererStreamTest {

    private static final GenerationRequest QUESTION = new GenerationRequest(
            "How fast do orders ship and how quickly does support answer email?", List.of(),
            ExtractiveAnswererTest.HANDBOOK);

    private Vertx vertx;
    private Context context;
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Usage> ended = new CompletableFuture<>();
    private final AtomicInteger endCalls = new AtomicInteger();
    private final AtomicInteger offContextCalls = new AtomicInteger();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private TokenStream prepare(int delayMs) {
        TokenStream stream = new ExtractiveAnswerer(vertx, delayMs).stream(QUESTION, context);
        stream.handler(t -> {
            checkContext();
            tokens.add(t);
        });
        stream.endHandler(u -> {
            checkContext();
            endCalls.incrementAndGet();
            ended.complete(u);
        });
        stream.exceptionHandler(ended::completeExceptionally);
        return stream;
    }

    private void checkContext() {
        if (Vertx.currentContext() != context) {
            offContextCalls.incrementAndGet();
        }
    }

    @Test
    void streamedTokensAreWordsWithLeadingSpaceThatConcatenateToTheAnswer() throws Exception {
        String expected = new ExtractiveAnswerer(vertx, 0).answer(QUESTION);

        prepare(0).start();
        Usage usage = ended.get(10, TimeUnit.SECONDS);

        assertThat(String.join("", tokens)).isEqualTo(expected);
        assertThat(tokens.getFirst()).doesNotStartWith(" ");
        assertThat(tokens.subList(1, tokens.size())).allSatisfy(t -> assertThat(t).matches(" \\S+"));
        assertThat(usage.completionTokens()).isEqualTo(tokens.size());
        assertThat(usage.promptTokens()).isEqualTo(ExtractiveAnswerer.promptTokens(QUESTION)).isGreaterThan(30);
        Thread.sleep(50);
        assertThat(endCalls).hasValue(1);
        assertThat(offContextCalls).hasValue(0);
    }

    @Test
    void tokensArriveInOrderAtLeastTheDelayApart() throws Exception {
        int delayMs = 15;
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        TokenStream stream = prepare(delayMs);
        stream.handler(t -> {
            checkContext();
            arrivals.add(System.nanoTime());
            tokens.add(t);
        });

        stream.start();
        ended.get(10, TimeUnit.SECONDS);

        assertThat(String.join("", tokens)).isEqualTo(new ExtractiveAnswerer(vertx, 0).answer(QUESTION));
        for (int i = 1; i < arrivals.size(); i++) {
            long gapMs = TimeUnit.NANOSECONDS.toMillis(arrivals.get(i) - arrivals.get(i - 1));
            assertThat(gapMs).as("gap before token %d", i).isGreaterThanOrEqualTo(delayMs - 2);
        }
        assertThat(offContextCalls).hasValue(0);
    }

    @Test
    void pauseStopsDeliveryAndResumeDeliversTheRest() throws Exception {
        TokenStream stream = prepare(0);
        CompletableFuture<Void> pausedAfterTwo = new CompletableFuture<>();
        stream.handler(t -> {
            tokens.add(t);
            if (tokens.size() == 2) {
                stream.pause();
                pausedAfterTwo.complete(null);
            }
        });

        stream.start();
        pausedAfterTwo.get(10, TimeUnit.SECONDS);
        Thread.sleep(200);

        assertThat(tokens).hasSize(2);
        assertThat(ended).isNotDone();

        stream.resume();
        ended.get(10, TimeUnit.SECONDS);
        assertThat(String.join("", tokens)).isEqualTo(new ExtractiveAnswerer(vertx, 0).answer(QUESTION));
        assertThat(endCalls).hasValue(1);
    }

    @Test
    void cancelStopsDeliveryAndNoHandlerRunsAfterwards() throws Exception {
        TokenStream stream = prepare(5);
        AtomicReference<Throwable> error = new AtomicReference<>();
        stream.exceptionHandler(error::set);
        CompletableFuture<Void> cancelledAfterTwo = new CompletableFuture<>();
        stream.handler(t -> {
            tokens.add(t);
            if (tokens.size() == 2) {
                stream.cancel();
                cancelledAfterTwo.complete(null);
            }
        });

        stream.start();
        cancelledAfterTwo.get(10, TimeUnit.SECONDS);
        Thread.sleep(300);

        assertThat(tokens).hasSize(2);
        assertThat(endCalls).hasValue(0);
        assertThat(error).hasValue(null);
    }

    @Test
    void cancelFromAnotherThreadBeforeStartMeansNothingIsDelivered() throws Exception {
        TokenStream stream = prepare(0);

        stream.cancel();
        stream.start();
        Thread.sleep(200);

        assertThat(tokens).isEmpty();
        assertThat(endCalls).hasValue(0);
    }

    @Test
    void failingAnswerComputationCallsTheExceptionHandlerOnceAndNeverTheEnd() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        PacedTokenStream stream = new PacedTokenStream(vertx, context, () -> {
            throw new IllegalStateException("boom");
        }, 0, 0);
        stream.endHandler(u -> endCalls.incrementAndGet());
        stream.exceptionHandler(failure::complete);

        stream.start();

        assertThat(failure.get(10, TimeUnit.SECONDS)).hasMessage("boom");
        Thread.sleep(50);
        assertThat(endCalls).hasValue(0);
    }

    @Test
    void wordsKeepEveryCharacterOfTheText() {
        assertThat(PacedTokenStream.words("Hasty Pants — Warranty: 2 years [1]"))
                .containsExactly("Hasty", " Pants", " —", " Warranty:", " 2", " years", " [1]");
        assertThat(String.join("", PacedTokenStream.words("  a  b\n"))).isEqualTo("  a  b\n");
        assertThat(PacedTokenStream.words("")).isEmpty();
    }
}
