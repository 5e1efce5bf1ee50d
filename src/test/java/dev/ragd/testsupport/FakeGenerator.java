package dev.ragd.testsupport;

import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Generator;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.Usage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Test generator: streams a fixed text word by word (tokens carry their leading space) on the
 * request's context, one token per {@code delayMs} (or in quick batches when 0). Counts pauses,
 * resumes and cancels so tests can see back-pressure; can fail after n tokens.
 */
public final class FakeGenerator implements Generator {

    private final int count;
    private final IntFunction<String> token;
    private final long delayMs;
    private volatile int failAfter = -1;
    private volatile Throwable failure = new IllegalStateException("fake generator failure");

    public final AtomicInteger streams = new AtomicInteger();
    public final AtomicInteger pauses = new AtomicInteger();
    public final AtomicInteger resumes = new AtomicInteger();
    public final AtomicInteger cancels = new AtomicInteger();
    public final AtomicInteger emitted = new AtomicInteger();
    public volatile GenerationRequest lastRequest;
    public volatile boolean pausedNow;

    private FakeGenerator(int count, IntFunction<String> token, long delayMs) {
        this.count = count;
        this.token = token;
        this.delayMs = delayMs;
    }

    /** Streams {@code text} split before each whitespace run. */
    public static FakeGenerator text(String text, long delayMs) {
        List<String> tokens = splitWords(text);
        return new FakeGenerator(tokens.size(), tokens::get, delayMs);
    }

    /** Streams {@code "w0 w1 w2 ..."}, {@code count} tokens. */
    public static FakeGenerator words(int count, long delayMs) {
        return new FakeGenerator(count, i -> i == 0 ? "w0" : " w" + i, delayMs);
    }

    /** Streams {@code count} tokens, token {@code i} being {@code token.apply(i)} (null too: a broken upstream). */
    public static FakeGenerator of(int count, IntFunction<String> token, long delayMs) {
        return new FakeGenerator(count, token, delayMs);
    }

    public static List<String> splitWords(String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.split("(?<=\\S)(?=\\s)")) {
            out.add(t);
        }
        return out;
    }

    /** Makes every stream fail (exception handler) after {@code n} tokens. */
    public FakeGenerator failingAfter(int n) {
        this.failAfter = n;
        return this;
    }

    /** Makes every stream fail with {@code error} after {@code n} tokens (0: before the first). */
    public FakeGenerator failingAfter(int n, Throwable error) {
        this.failure = error;
        this.failAfter = n;
        return this;
    }

    public String fullText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(token.apply(i));
        }
        return sb.toString();
    }

    public int tokenCount() {
        return count;
    }

    @Override
    public String model() {
        return "fake-words";
    }

    @Override
    public boolean isLanguageModel() {
        return false;
    }

    @Override
    public TokenStream stream(GenerationRequest request, Context context) {
        lastRequest = request;
        streams.incrementAndGet();
        return new Stream(context);
    }

    private final class Stream implements TokenStream {
        private final Context context;
        private Handler<String> tokenHandler = t -> {};
        private Handler<Usage> endHandler = u -> {};
        private Handler<Throwable> exceptionHandler = e -> {};
        private int next;
        private boolean paused;
        private boolean done;
        private boolean scheduled;
        private long timer = -1;

        Stream(Context context) {
            this.context = context;
        }

        @Override public TokenStream handler(Handler<String> h) { tokenHandler = h; return this; }

        @Override public TokenStream endHandler(Handler<Usage> h) { endHandler = h; return this; }

        @Override public TokenStream exceptionHandler(Handler<Throwable> h) { exceptionHandler = h; return this; }

        @Override
        public void start() {
            schedule();
        }

        private void schedule() {
            if (scheduled || done || paused) {
                return;
            }
            scheduled = true;
            if (delayMs > 0) {
                context.runOnContext(v -> timer = context.owner().setTimer(delayMs, id -> pump()));
            } else {
                context.runOnContext(v -> pump());
            }
        }

        private void pump() {
            scheduled = false;
            timer = -1;
            int batch = delayMs > 0 ? 1 : 64;
            for (int i = 0; i < batch && !paused && !done; i++) {
                emitOne();
            }
            schedule();
        }

        private void emitOne() {
            if (next == failAfter) {
                done = true;
                exceptionHandler.handle(failure);
                return;
            }
            String t = token.apply(next++);
            emitted.incrementAndGet();
            tokenHandler.handle(t);
            if (next == count && !done) {
                done = true;
                endHandler.handle(new Usage(7, count));
            }
        }

        @Override
        public void pause() {
            paused = true;
            pausedNow = true;
            pauses.incrementAndGet();
        }

        @Override
        public void resume() {
            if (paused && !done) {
                paused = false;
                pausedNow = false;
                resumes.incrementAndGet();
                schedule();
            }
        }

        @Override
        public void cancel() {
            done = true;
            cancels.incrementAndGet();
            if (timer >= 0) {
                context.owner().cancelTimer(timer);
            }
        }
    }
}
