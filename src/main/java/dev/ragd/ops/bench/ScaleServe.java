package dev.ragd.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.ragd.ops.loadtest.run.ProcStat;
import dev.ragd.retrieval.Access;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.LuceneRetriever;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retriever;
import dev.ragd.retrieval.SearchFilter;
import dev.ragd.retrieval.SearchMode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Serves the benchmark's index as ragd does (read-only {@link LuceneIndex}, the real
 * {@link LuceneRetriever} in each mode) and measures: time to open, keyword / vector / hybrid
 * latency with the query embedding excluded (vectors looked up) and, for hybrid, included (the real
 * model), at 1 and at {@code concurrency} queries in flight; recall@10 of the approximate vector
 * search against the exact neighbours; a 1% access filter; index size, heap after GC and RSS.
 */
final class ScaleServe {

    private record Query(String text, float[] vector, int[] exact) {}

    private ScaleServe() {}

    static Map<String, String> run(Path dir, Embedder real, int concurrency, PrintStream out) throws Exception {
        List<Query> queries = read(dir.resolve("queries.jsonl"));
        Map<String, float[]> byText = new HashMap<>();
        queries.forEach(q -> byText.put(q.text(), q.vector()));
        Embedder lookup = new Embedder(real.name(), new Lookup(byText, real.dimension()), real.dimension(), "");
        Map<String, String> m = new java.util.LinkedHashMap<>();
        long open = System.nanoTime();
        try (LuceneIndex index = LuceneIndex.openReadOnly(dir.resolve("index"), real.name(), real.dimension())) {
            m.put("open_ms", ms(System.nanoTime() - open));
            m.put("chunks", Integer.toString(index.chunkCount()));
            long first = System.nanoTime();
            new LuceneRetriever(index, lookup, SearchMode.HYBRID).search(queries.get(0).text(), 3);
            m.put("first_query_ms", ms(System.nanoTime() - first));
            for (SearchMode mode : SearchMode.values()) {
                Retriever r = new LuceneRetriever(index, lookup, mode);
                String name = mode.name().toLowerCase(Locale.ROOT);
                latencies(m, name, queries, q -> r.search(q.text(), 3, SearchFilter.NONE), concurrency);
            }
            Retriever withModel = new LuceneRetriever(index, real, SearchMode.HYBRID);
            latencies(m, "hybrid_embedding_included", queries, q -> withModel.search(q.text(), 3, SearchFilter.NONE), 1);
            SearchFilter rare = SearchFilter.NONE.withAccess(new Access("bench-user", List.of("rare")));
            for (SearchMode mode : List.of(SearchMode.VECTOR, SearchMode.HYBRID)) {
                Retriever r = new LuceneRetriever(index, lookup, mode);
                latencies(m, mode.name().toLowerCase(Locale.ROOT) + "_filtered_1pct", queries,
                        q -> r.search(q.text(), 3, rare), 1);
            }
            m.put("recall_at_10_filtered_1pct", String.format(Locale.ROOT, "%.4f", filteredRecall(index,
                    new LuceneRetriever(index, lookup, SearchMode.VECTOR), queries, rare)));
            m.put("recall_at_10", String.format(Locale.ROOT, "%.4f", recall(new LuceneRetriever(index, lookup,
                    SearchMode.VECTOR), queries)));
            // hybrid runs its halves side by side: its floor is the slower half, not their sum
            double slower = Math.max(Double.parseDouble(m.get("keyword_p50_ms")), Double.parseDouble(m.get("vector_p50_ms")));
            m.put("hybrid_p50_over_slower_half", String.format(Locale.ROOT, "%.2f",
                    Double.parseDouble(m.get("hybrid_p50_ms")) / slower));
            for (int width : List.of(10, 50, 100, 200)) {
                Retriever r = new LuceneRetriever(index, lookup, SearchMode.VECTOR,
                        LuceneRetriever.Tuning.DEFAULTS.withSearchWidth(width));
                m.put("recall_at_10_width_" + width, String.format(Locale.ROOT, "%.4f", recall(r, queries)));
                latencies(m, "vector_width_" + width, queries, q -> r.search(q.text(), 3, SearchFilter.NONE), 1);
            }
            System.gc();
            m.put("heap_used_mb", Long.toString(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20));
            m.put("heap_max_mb", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
            m.put("rss_mb", Long.toString(ProcStat.of(ProcessHandle.current().pid()).rssBytes() >> 20));
        }
        m.put("index_mb", Long.toString(size(dir.resolve("index")) >> 20));
        m.forEach((k, v) -> out.println(k + "=" + v));
        return m;
    }

    /** p50/p95/p99 of {@code search} over every query, after a warm-up pass, sequentially and concurrently. */
    private static void latencies(Map<String, String> m, String name, List<Query> queries, Function<Query, ?> search,
            int concurrency) throws Exception {
        for (int i = 0; i < Math.min(200, queries.size()); i++) {
            search.apply(queries.get(i));
        }
        long[] one = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long s = System.nanoTime();
            search.apply(queries.get(i));
            one[i] = System.nanoTime() - s;
        }
        put(m, name, one);
        if (concurrency > 1) {
            long[] many = new long[queries.size()];
            try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < queries.size(); i++) {
                    int at = i;
                    fs.add(pool.submit(() -> {
                        long s = System.nanoTime();
                        search.apply(queries.get(at));
                        many[at] = System.nanoTime() - s;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            put(m, name + "_c" + concurrency, many);
        }
    }

    private static void put(Map<String, String> m, String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        m.put(name + "_p50_ms", Percentiles.ms(Percentiles.of(sorted, 50)));
        m.put(name + "_p95_ms", Percentiles.ms(Percentiles.of(sorted, 95)));
        m.put(name + "_p99_ms", Percentiles.ms(Percentiles.of(sorted, 99)));
    }

    /** Mean share of each query's exact ten nearest chunks that the vector search returns in its ten. */
    private static double recall(Retriever vector, List<Query> queries) {
        double sum = 0;
        for (Query q : queries) {
            Set<Integer> got = new HashSet<>();
            for (Passage p : vector.search(q.text(), ScaleIndexBuild.K, SearchFilter.NONE).passages()) {
                got.add(chunkIndex(p.chunkId()));
            }
            long hit = Arrays.stream(q.exact()).filter(got::contains).count();
            sum += (double) hit / q.exact().length;
        }
        return sum / queries.size();
    }

    /**
     * As {@link #recall}, under the access filter: each query's exact ten nearest are found by brute
     * force over the chunks the filter allows (their vectors read back from the index).
     */
    private static double filteredRecall(LuceneIndex index, Retriever vector, List<Query> queries, SearchFilter filter) {
        List<Integer> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        index.search(s -> {
            var allowed = new org.apache.lucene.search.TermQuery(new org.apache.lucene.index.Term(Access.ALLOWED_GROUPS,
                    filter.access().groups().getFirst()));
            var top = s.search(allowed, Math.max(1, s.getIndexReader().maxDoc()));
            var leaves = s.getIndexReader().leaves();
            var stored = s.storedFields();
            for (var d : top.scoreDocs) {
                var leaf = leaves.get(org.apache.lucene.index.ReaderUtil.subIndex(d.doc, leaves));
                var values = leaf.reader().getFloatVectorValues(LuceneIndex.VECTOR);
                var it = values.iterator();
                if (it.advance(d.doc - leaf.docBase) == d.doc - leaf.docBase) {
                    vectors.add(values.vectorValue(it.index()).clone());
                    ids.add(chunkIndex(stored.document(d.doc).get(LuceneIndex.CHUNK_ID)));
                }
            }
            return null;
        });
        float[][] all = vectors.toArray(float[][]::new);
        double sum = 0;
        for (Query q : queries) {
            Set<Integer> got = new HashSet<>();
            for (Passage p : vector.search(q.text(), ScaleIndexBuild.K, filter).passages()) {
                got.add(chunkIndex(p.chunkId()));
            }
            int[] exact = ScaleIndexBuild.nearest(q.vector(), all, ScaleIndexBuild.K);
            long hit = Arrays.stream(exact).filter(i -> got.contains(ids.get(i))).count();
            sum += (double) hit / exact.length;
        }
        return sum / queries.size();
    }

    /** {@code d12#3} is chunk 12 * 4 + 3. */
    static int chunkIndex(String chunkId) {
        int hash = chunkId.indexOf('#');
        return Integer.parseInt(chunkId.substring(1, hash)) * ScaleCorpus.CHUNKS_PER_DOC
                + Integer.parseInt(chunkId.substring(hash + 1));
    }

    private static List<Query> read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Query> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = json.readTree(line);
            float[] v = new float[n.get("vector").size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) n.get("vector").get(i).asDouble();
            }
            int[] e = new int[n.get("exact").size()];
            for (int i = 0; i < e.length; i++) {
                e[i] = n.get("exact").get(i).asInt();
            }
            out.add(new Query(n.get("text").asText(), v, e));
        }
        return out;
    }

    private static long size(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String ms(long nanos) {
        return Long.toString(nanos / 1_000_000);
    }

    /** Query vectors computed ahead: searching then measures the index, not the model. */
    private record Lookup(Map<String, float[]> vectors, int dimension) implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> {
                float[] v = vectors.get(s.text());
                if (v == null) {
                    throw new IllegalArgumentException("no vector for query: " + s.text());
                }
                return Embedding.from(v);
            }).toList());
        }
    }
}
