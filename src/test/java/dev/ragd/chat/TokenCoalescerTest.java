package dev.ragd.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenCoalescerTest {

    private static final int WINDOW_MS = 300;

    private final Vertx vertx = Vertx.vertx();
    private final List<String> frames = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Runs {@code action} on a Vert.x context, as the pipeline does, and waits for it. */
    private void onContext(Runnable action) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            action.run();
            done.complete(null);
        });
        done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void firstTokenIsWrittenAtOnce() {
        TokenCoalescer coalescer = new TokenCoalescer(vertx, WINDOW_MS, frames::add);

        coalescer.offer("Hello");

        assertThat(frames).containsExactly("Hello");
    }

    @Test
    void tokensWithinTheWindowShareOneFrameWhenItCloses() throws Exception {
        TokenCoalescer[] c = new TokenCoalescer[1];
        onContext(() -> {
            c[0] = new TokenCoalescer(vertx, WINDOW_MS, frames::add);
            c[0].offer("The");
            c[0].offer(" warranty");
            c[0].offer(" is");
        });
        assertThat(frames).containsExactly("The");

        Await.until(() -> frames.size() == 2);

        assertThat(frames).containsExactly("The", " warranty is");
    }

    @Test
    void flushWritesWhatIsHeldBeforeTheEnd() {
        TokenCoalescer coalescer = new TokenCoalescer(vertx, 60_000, frames::add);
        coalescer.offer("a");
        coalescer.offer("b");
        coalescer.offer("c");

        coalescer.flush();

        assertThat(frames).containsExactly("a", "bc");
        coalescer.flush();
        assertThat(frames).as("nothing held, nothing written").containsExactly("a", "bc");
    }

    @Test
    void discardDropsHeldAndLaterTokens() {
        TokenCoalescer coalescer = new TokenCoalescer(vertx, 60_000, frames::add);
        coalescer.offer("a");
        coalescer.offer("b");

        coalescer.discard();
        coalescer.offer("c");
        coalescer.flush();

        assertThat(frames).containsExactly("a");
    }

    @Test
    void aTokenAfterTheWindowIsWrittenAtOnce() throws InterruptedException {
        TokenCoalescer coalescer = new TokenCoalescer(vertx, 50, frames::add);
        coalescer.offer("a");

        Thread.sleep(120);
        coalescer.offer("b");

        assertThat(frames).containsExactly("a", "b");
    }

    @Test
    void heldTextIsWrittenOnceItReachesTheSizeBound() {
        TokenCoalescer coalescer = new TokenCoalescer(vertx, 60_000, frames::add);
        coalescer.offer("first");
        String word = "x".repeat(100);

        for (int i = 0; i < 11; i++) {
            coalescer.offer(word);
        }

        assertThat(frames).hasSize(2);
        assertThat(frames.get(1)).isEqualTo(word.repeat(11));
    }

    @Test
    void windowZeroWritesEveryTokenAsItsOwnFrame() {
        TokenCoalescer coalescer = new TokenCoalescer(vertx, 0, frames::add);

        for (String t : List.of("one", " two", " three")) {
            coalescer.offer(t);
        }

        assertThat(frames).containsExactly("one", " two", " three");
    }
}
