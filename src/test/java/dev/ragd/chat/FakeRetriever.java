package dev.ragd.chat;

import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retriever;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Test retriever: returns fixed passages; can fail, or hold until released. */
public final class FakeRetriever implements Retriever {

    public static final List<Passage> PASSAGES = List.of(
            new Passage("faq-1", "faq-1#0", "Opening hours", "The library opens at 9 am on weekdays. "
                    + "x".repeat(300), "https://example.org/faq-1", 0.91),
            new Passage("faq-2", "faq-2#0", "Borrowing", "Members may borrow up to five books.", null, 0.52));

    private final List<Passage> passages;
    private volatile RuntimeException failure;
    private volatile CountDownLatch hold;
    public final AtomicInteger calls = new AtomicInteger();
    public volatile String lastQuery;
    public volatile int lastTopK;

    public FakeRetriever() {
        this(PASSAGES);
    }

    public FakeRetriever(List<Passage> passages) {
        this.passages = List.copyOf(passages);
    }

    public FakeRetriever failing(RuntimeException e) {
        this.failure = e;
        return this;
    }

    /** Blocks every retrieval until the returned latch is counted down. */
    public CountDownLatch holding() {
        CountDownLatch latch = new CountDownLatch(1);
        hold = latch;
        return latch;
    }

    @Override
    public List<Passage> retrieve(String query, int topK) {
        calls.incrementAndGet();
        lastQuery = query;
        lastTopK = topK;
        CountDownLatch h = hold;
        if (h != null) {
            try {
                h.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure;
        }
        return passages.subList(0, Math.min(topK, passages.size()));
    }

    @Override
    public String name() {
        return "fake-fixed";
    }
}
