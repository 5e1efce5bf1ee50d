package dev.ragd.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TermQuery;

/**
 * {@link Retriever} over a {@link LuceneIndex}: BM25, vector (HNSW cosine) or both fused by
 * reciprocal rank fusion. User text never goes through a query parser: it is analysed into terms,
 * so any punctuation is safe.
 */
public final class LuceneRetriever implements Retriever {

    /**
     * Knobs of the search.
     *
     * @param candidates    hits taken from each mode before fusion (at least topK)
     * @param titleBoost    weight of a title match relative to a text match in BM25
     * @param keywordWeight RRF weight of the BM25 list
     * @param vectorWeight  RRF weight of the vector list
     * @param rrfK          the RRF constant k in {@code weight / (k + rank)}
     * @param searchWidth   neighbours the vector graph search collects before the best are kept ({@link #SEARCH_WIDTH})
     */
    public record Tuning(int candidates, float titleBoost, double keywordWeight, double vectorWeight, int rrfK,
            int searchWidth) {
        /**
         * Measured with bench/retrieval.sh: 10 candidates per mode fuse better than 20 or 50 on a
         * small corpus (with N near the corpus size every chunk is in both lists and mediocre
         * "consensus" chunks win); the slightly higher vector weight breaks rank-1 ties in favour of
         * the dense match, which helps paraphrased questions.
         */
        public static final Tuning DEFAULTS = new Tuning(10, 2.0f, 1.0, 1.1, 60, SEARCH_WIDTH);

        public Tuning {
            if (candidates < 1 || titleBoost <= 0 || keywordWeight < 0 || vectorWeight < 0 || rrfK < 0 || searchWidth < 1) {
                throw new IllegalArgumentException("invalid tuning " + candidates + "/" + titleBoost + "/"
                        + keywordWeight + "/" + vectorWeight + "/" + rrfK + "/" + searchWidth);
            }
        }

        /** These settings with another {@code searchWidth}. */
        public Tuning withSearchWidth(int width) {
            return new Tuning(candidates, titleBoost, keywordWeight, vectorWeight, rrfK, width);
        }
    }

    /**
     * How many nearest neighbours the graph search collects before the best are kept (HNSW's
     * "ef"): asking the graph for only the few passages wanted misses true neighbours on a large
     * index (bench/retrieval-scale.sh measures recall against exact search).
     */
    public static final int SEARCH_WIDTH = 150;

    /**
     * Runs a hybrid search's keyword half: a virtual thread each, so it needs no pool to size and
     * never waits behind another request's search.
     */
    private static final java.util.concurrent.Executor SIDE_SEARCHES = r -> Thread.ofVirtual()
            .name("ragd-keyword-search").start(r);

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static final int MAX_QUERY_CHARS = 4000;
    /** Two clauses per term stay well under Lucene's limit of 1024 clauses per query. */
    private static final int MAX_TERMS = 256;

    private final LuceneIndex index;
    private final Embedder embedder;
    private final SearchMode mode;
    private final Tuning tuning;
    /** Hybrid searches running now: their keyword halves get a thread of their own only while cores are idle. */
    private final java.util.concurrent.atomic.AtomicInteger hybridInFlight = new java.util.concurrent.atomic.AtomicInteger();

    public LuceneRetriever(LuceneIndex index, Embedder embedder, SearchMode mode) {
        this(index, embedder, mode, Tuning.DEFAULTS);
    }

    public LuceneRetriever(LuceneIndex index, Embedder embedder, SearchMode mode, Tuning tuning) {
        this.index = Objects.requireNonNull(index, "index");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.tuning = Objects.requireNonNull(tuning, "tuning");
    }

    @Override
    public List<Passage> retrieve(String query, int topK) {
        return search(query, topK).passages();
    }

    /**
     * The hits, and for vector and hybrid search the cosine similarity of the nearest chunk
     * (Lucene scores a COSINE field as {@code (1 + cos) / 2}; this converts back).
     */
    @Override
    public Retrieved search(String query, int topK) {
        return search(query, topK, (Query) null);
    }

    /**
     * As {@link #search(String, int)}, narrowed to the chunks {@code filter.access()} may see: a
     * non-scoring filter inside the keyword query and inside the nearest-neighbour search (so the
     * k nearest <em>allowed</em> chunks come back, not the k nearest then thinned). The embedded
     * index keeps no other metadata, so a field filter is refused.
     */
    @Override
    public Retrieved search(String query, int topK, SearchFilter filter) {
        if (!filter.anyOf().isEmpty()) {
            throw new IllegalArgumentException(name() + " cannot filter by " + filter.anyOf().keySet());
        }
        return search(query, topK, filter.access() == null ? null : accessFilter(filter.access()));
    }

    /** The chunks {@code who} may see (see {@link Access}). */
    static Query accessFilter(Access who) {
        java.util.List<org.apache.lucene.util.BytesRef> groups = new ArrayList<>();
        for (String g : who.groups()) {
            groups.add(new org.apache.lucene.util.BytesRef(g));
        }
        groups.add(new org.apache.lucene.util.BytesRef(Access.ANY_SIGNED_IN));
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(Access.ALLOWED_USERS, who.user())), BooleanClause.Occur.SHOULD)
                .add(new org.apache.lucene.search.TermInSetQuery(Access.ALLOWED_GROUPS, groups), BooleanClause.Occur.SHOULD)
                .setMinimumNumberShouldMatch(1)
                .build();
    }

    private Retrieved search(String query, int topK, Query filter) {
        if (query == null || query.isBlank() || topK < 1) {
            return Retrieved.unmeasured(List.of());
        }
        String q = query.length() > MAX_QUERY_CHARS ? query.substring(0, MAX_QUERY_CHARS) : query;
        int n = Math.max(topK, tuning.candidates());
        return switch (mode) {
            case KEYWORD -> Retrieved.unmeasured(keyword(q, topK, filter));
            case VECTOR -> {
                long start = System.nanoTime();
                float[] e = embedder.embedQuery(q);
                long embedding = System.nanoTime() - start;
                List<Passage> v = vector(e, topK, filter);
                yield new Retrieved(v, similarity(v), embedding, embedder.name());
            }
            case HYBRID -> {
                // BM25 needs no embedding: while cores are idle it runs beside the query's embedding
                // and the graph search, so a hybrid search takes about as long as its slower half.
                // Under load every core is busy already, and a side thread would only queue behind
                // other requests' searches (the tail latency grows), so both halves run here.
                boolean side = hybridInFlight.incrementAndGet() * 2 <= CORES;
                CompletableFuture<List<Passage>> keyword = null;
                try {
                    if (side) {
                        keyword = CompletableFuture.supplyAsync(() -> keyword(q, n, filter), SIDE_SEARCHES);
                    }
                    long start = System.nanoTime();
                    float[] e;
                    try {
                        e = embedder.embedQuery(q);
                    } catch (RuntimeException failed) {
                        if (keyword != null) {
                            keyword.cancel(false);
                        }
                        throw failed;
                    }
                    long embedding = System.nanoTime() - start;
                    List<Passage> v = vector(e, n, filter);
                    List<Passage> k = keyword != null ? joined(keyword) : keyword(q, n, filter);
                    yield new Retrieved(fuse(k, v, topK), similarity(v), embedding, embedder.name());
                } finally {
                    if (keyword == null) {
                        hybridInFlight.decrementAndGet();
                    } else {
                        // counted until the side search ends too, even when this half failed first
                        keyword.whenComplete((r, t) -> hybridInFlight.decrementAndGet());
                    }
                }
            }
        };
    }

    private static <T> T joined(CompletableFuture<T> side) {
        try {
            return side.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static double similarity(List<Passage> vectorHits) {
        return vectorHits.isEmpty() ? -1.0 : 2.0 * vectorHits.getFirst().score() - 1.0;
    }

    @Override
    public String name() {
        return "lucene-" + mode.name().toLowerCase(Locale.ROOT);
    }

    /** BM25 hits for the analysed terms of {@code text} in title (boosted) and text. */
    List<Passage> keyword(String text, int n) {
        return keyword(text, n, null);
    }

    private List<Passage> keyword(String text, int n, Query filter) {
        Query terms = keywordQuery(text);
        if (terms == null) {
            return List.of();
        }
        Query query = filter == null ? terms : new BooleanQuery.Builder().add(terms, BooleanClause.Occur.MUST)
                .add(filter, BooleanClause.Occur.FILTER).build();
        return index.search(s -> toPassages(s.search(query, n), s.storedFields()));
    }

    /**
     * The analysed, de-duplicated terms of {@code text} (at most {@value #MAX_TERMS}) as SHOULD
     * clauses on text and on the boosted title; {@code null} when no term is left.
     */
    Query keywordQuery(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream ts = index.analyzer().tokenStream(LuceneIndex.TEXT, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken() && terms.size() < MAX_TERMS) {
                terms.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse query: " + e.getMessage(), e);
        }
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder body = new BooleanQuery.Builder();
        BooleanQuery.Builder title = new BooleanQuery.Builder();
        for (String t : terms) {
            body.add(new TermQuery(new Term(LuceneIndex.TEXT, t)), BooleanClause.Occur.SHOULD);
            title.add(new TermQuery(new Term(LuceneIndex.TITLE, t)), BooleanClause.Occur.SHOULD);
        }
        return new BooleanQuery.Builder()
                .add(body.build(), BooleanClause.Occur.SHOULD)
                .add(new BoostQuery(title.build(), tuning.titleBoost()), BooleanClause.Occur.SHOULD)
                .build();
    }

    /** Nearest chunks to the query embedding. */
    List<Passage> vector(String text, int n) {
        return vector(embedder.embedQuery(text), n, null);
    }

    private List<Passage> vector(float[] v, int n, Query filter) {
        int width = Math.max(n, tuning.searchWidth());
        Query query = new KnnFloatVectorQuery(LuceneIndex.VECTOR, v, width, filter);
        return index.search(s -> toPassages(rescored(s, s.search(query, width), v, n), s.storedFields()));
    }

    /**
     * The {@code n} best of the graph search's hits by the exact similarity of their full-precision
     * vectors: a quantized format ({@code RAGD_VECTOR_FORMAT}) finds its candidates on compact
     * vectors whose scores are approximate, and would otherwise rank by them. For float vectors the
     * order does not change. Scores keep Lucene's cosine scale, {@code (1 + cos) / 2}.
     */
    static TopDocs rescored(IndexSearcher s, TopDocs hits, float[] query, int n) throws java.io.IOException {
        ScoreDoc[] docs = hits.scoreDocs.clone();
        java.util.Arrays.sort(docs, Comparator.comparingInt(d -> d.doc));
        List<org.apache.lucene.index.LeafReaderContext> leaves = s.getIndexReader().leaves();
        int leaf = -1;
        org.apache.lucene.index.FloatVectorValues values = null;
        org.apache.lucene.index.KnnVectorValues.DocIndexIterator it = null;
        for (ScoreDoc d : docs) {
            int at = org.apache.lucene.index.ReaderUtil.subIndex(d.doc, leaves);
            if (at != leaf) {
                leaf = at;
                values = leaves.get(at).reader().getFloatVectorValues(LuceneIndex.VECTOR);
                it = values == null ? null : values.iterator();
            }
            int local = d.doc - leaves.get(at).docBase;
            if (it != null && (it.docID() == local || it.advance(local) == local)) {
                d.score = org.apache.lucene.index.VectorSimilarityFunction.COSINE.compare(query, values.vectorValue(it.index()));
            }
        }
        java.util.Arrays.sort(docs, (a, b) -> Float.compare(b.score, a.score));
        return new TopDocs(hits.totalHits, java.util.Arrays.copyOf(docs, Math.min(n, docs.length)));
    }

    /** Reciprocal rank fusion: each list adds {@code weight / (k + rank)}, ranks from 1. */
    List<Passage> fuse(List<Passage> keyword, List<Passage> vector, int topK) {
        Map<String, Passage> byChunk = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        add(keyword, tuning.keywordWeight(), byChunk, scores);
        add(vector, tuning.vectorWeight(), byChunk, scores);
        return scores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(topK)
                .map(e -> byChunk.get(e.getKey()).withScore(e.getValue()))
                .toList();
    }

    private void add(List<Passage> ranked, double weight, Map<String, Passage> byChunk, Map<String, Double> scores) {
        for (int i = 0; i < ranked.size(); i++) {
            Passage p = ranked.get(i);
            byChunk.putIfAbsent(p.chunkId(), p);
            scores.merge(p.chunkId(), weight / (tuning.rrfK() + i + 1), Double::sum);
        }
    }

    private static List<Passage> toPassages(TopDocs top, StoredFields fields) throws java.io.IOException {
        List<Passage> out = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            out.add(LuceneIndex.passage(fields, sd.doc, sd.score));
        }
        return out;
    }
}
