package dev.ragd.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.IngestStats;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SampleCorpus;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Embedders;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.LuceneRetriever;
import dev.ragd.retrieval.LuceneRetriever.Tuning;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.SearchMode;
import dev.ragd.retrieval.TextAnalysis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Retrieval benchmark over the bundled sample corpus: recall@1 and recall@3 of each search mode on
 * a question set (JSON lines {@code {"q": ..., "doc_id": ..., "kind": ...}}), and ingestion
 * throughput. Prints {@code name=value} lines ({@code bench/retrieval.sh --compare} compares them
 * with a saved run through {@link Compare}).
 *
 * <p>Options: {@code --questions FILE} (required), {@code --analyzer english|standard},
 * {@code --query-prefix}, {@code --candidates N}, {@code --title-boost F}, {@code --keyword-weight W},
 * {@code --vector-weight W}, {@code --by-kind}, {@code --misses}.
 */
public final class RetrievalBench {

    private record Question(String q, String docId, String kind) {}

    private static final Set<String> FLAGS = Set.of("query-prefix", "by-kind", "misses");
    private static final Set<String> VALUED = Set.of("questions", "analyzer", "candidates", "title-boost",
            "keyword-weight", "vector-weight");

    private RetrievalBench() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> opt = parse(args);
        if (!opt.containsKey("questions")) {
            System.err.println("usage: RetrievalBench --questions FILE [--analyzer english|standard]"
                    + " [--query-prefix] [--misses] [--candidates N] [--title-boost F] [--keyword-weight W] [--vector-weight W] [--by-kind]");
            System.exit(2);
        }
        List<Question> questions = readQuestions(Path.of(opt.get("questions")));
        TextAnalysis analysis = TextAnalysis.fromId(opt.getOrDefault("analyzer", "english"));
        Tuning d = Tuning.DEFAULTS;
        Tuning tuning = new Tuning(
                Integer.parseInt(opt.getOrDefault("candidates", String.valueOf(d.candidates()))),
                Float.parseFloat(opt.getOrDefault("title-boost", String.valueOf(d.titleBoost()))),
                Double.parseDouble(opt.getOrDefault("keyword-weight", String.valueOf(d.keywordWeight()))),
                Double.parseDouble(opt.getOrDefault("vector-weight", String.valueOf(d.vectorWeight()))),
                d.rrfK(), d.searchWidth());

        Map<String, String> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        Embedder embedder = Embedders.local();
        if (opt.containsKey("query-prefix")) {
            embedder = embedder.withQueryPrefix(Embedders.BGE_QUERY_PREFIX);
        }
        out.put("model_load_ms", String.valueOf((System.nanoTime() - t0) / 1_000_000));
        out.put("analyzer", analysis.id());
        out.put("query_prefix", String.valueOf(!embedder.queryPrefix().isEmpty()));
        out.put("tuning", tuning.candidates() + "/" + tuning.titleBoost() + "/" + tuning.keywordWeight() + "/"
                + tuning.vectorWeight() + "/" + tuning.rrfK());
        out.put("questions", String.valueOf(questions.size()));

        Path dir = Files.createTempDirectory("ragd-bench");
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension(), analysis)) {
            Ingestor ingestor = new Ingestor(index, embedder, new Chunker(1000, 150));
            SampleCorpus.load(ingestor);
            IngestStats stats = ingestor.finish();
            double seconds = stats.elapsed().toNanos() / 1e9;
            out.put("ingest_documents", String.valueOf(stats.documents()));
            out.put("ingest_chunks", String.valueOf(stats.chunks()));
            out.put("ingest_chunks_per_s", fmt(stats.chunks() / seconds));

            for (SearchMode mode : SearchMode.values()) {
                LuceneRetriever r = new LuceneRetriever(index, embedder, mode, tuning);
                String m = mode.name().toLowerCase(Locale.ROOT);
                Map<String, int[]> hits = new LinkedHashMap<>(); // kind -> {at1, at3, n}
                long q0 = System.nanoTime();
                for (Question q : questions) {
                    List<Passage> top = r.retrieve(q.q(), 3);
                    int rank = rankOf(top, q.docId());
                    for (String k : List.of("all", q.kind())) {
                        int[] h = hits.computeIfAbsent(k, x -> new int[3]);
                        h[0] += rank == 1 ? 1 : 0;
                        h[1] += rank >= 1 && rank <= 3 ? 1 : 0;
                        h[2]++;
                    }
                    if (opt.containsKey("misses") && rank != 1) {
                        System.err.println(m + " miss(rank=" + rank + "): " + q.q() + " -> " + q.docId() + " got "
                                + top.stream().map(Passage::docId).toList());
                    }
                }
                double ms = (System.nanoTime() - q0) / 1e6 / questions.size();
                int[] all = hits.get("all");
                out.put(m + "_recall@1", fmt((double) all[0] / all[2]));
                out.put(m + "_recall@3", fmt((double) all[1] / all[2]));
                out.put(m + "_ms_per_query", fmt(ms));
                if (opt.containsKey("by-kind")) {
                    hits.forEach((k, h) -> {
                        if (!k.equals("all")) {
                            out.put(m + "_" + k + "_recall@1", fmt((double) h[0] / h[2]));
                            out.put(m + "_" + k + "_recall@3", fmt((double) h[1] / h[2]));
                        }
                    });
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        double h3 = Double.parseDouble(out.get("hybrid_recall@3"));
        out.put("hybrid_beats_both_at3", String.valueOf(h3 > Double.parseDouble(out.get("keyword_recall@3"))
                && h3 > Double.parseDouble(out.get("vector_recall@3"))));
        out.forEach((k, v) -> System.out.println(k + "=" + v));
    }

    private static int rankOf(List<Passage> top, String docId) {
        for (int i = 0; i < top.size(); i++) {
            if (top.get(i).docId().equals(docId)) {
                return i + 1;
            }
        }
        return -1;
    }

    private static List<Question> readQuestions(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Question> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                JsonNode n = json.readTree(line);
                out.add(new Question(n.path("q").asText(), n.path("doc_id").asText(), n.path("kind").asText("other")));
            }
        }
        return out;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            if (FLAGS.contains(key)) {
                m.put(key, "true");
            } else if (!VALUED.contains(key)) {
                throw new IllegalArgumentException("unknown option " + a); // not silently ignored
            } else if (i + 1 < args.length) {
                m.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return m;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
