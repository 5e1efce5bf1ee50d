package dev.ragd.testsupport;

import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retrieved;
import dev.ragd.retrieval.Retriever;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
    public final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile Map<String, List<Passage>> byQuery;
    private volatile Map<String, Double> similarities = Map.of();
    private volatile String failingQuery;
    private volatile boolean remote;
    /** The thread of the last search. */
    public volatile Thread lastThread;

    /** Says it is {@link Retriever#remote()}: a search service. */
    public FakeRetriever remote(boolean isRemote) {
        this.remote = isRemote;
        return this;
    }

    @Override
    public boolean remote() {
        return remote;
    }

    /** Fails with {@code e} for {@code query} only. */
    public FakeRetriever failingFor(String query, RuntimeException e) {
        this.failingQuery = query;
        this.failure = e;
        return this;
    }

    /** Answers each query in {@code results} with its own list (others: the fixed passages). */
    public FakeRetriever answering(Map<String, List<Passage>> results) {
        this.byQuery = Map.copyOf(results);
        return this;
    }

    /** Reports these nearest-chunk similarities per query (others: unmeasured). */
    public FakeRetriever similarities(Map<String, Double> bySimilarity) {
        this.similarities = Map.copyOf(bySimilarity);
        return this;
    }

    @Override
    public Retrieved search(String query, int topK) {
        lastThread = Thread.currentThread();
        List<Passage> hits = retrieve(query, topK);
        Double s = similarities.get(query);
        return s == null ? Retrieved.unmeasured(hits) : new Retrieved(hits, s);
    }

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
        queries.add(query);
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
        if (failure != null && (failingQuery == null || failingQuery.equals(query))) {
            throw failure;
        }
        Map<String, List<Passage>> m = byQuery;
        List<Passage> out = m != null && m.containsKey(query) ? m.get(query) : passages;
        return out.subList(0, Math.min(topK, out.size()));
    }

    @Override
    public String name() {
        return "fake-fixed";
    }
}
