package dev.ragd.ops.bench;

import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Embedders;
import dev.ragd.retrieval.VectorFormat;
import java.nio.file.Path;
import java.util.Map;

/**
 * The retrieval-at-scale benchmark ({@code bench/retrieval-scale.sh}): {@code build DIR --chunks N
 * --format F [--sample S] [--queries Q]} writes an index and its queries; {@code serve DIR
 * [--concurrency C]} measures it in a fresh JVM (the script gives it the heap a replica would have)
 * and prints {@code name=value} lines, the last {@code retrieval_scale chunks=… hybrid_p50_ms=…
 * hybrid_p95_ms=… recall_at_10=… rss_mb=…}.
 */
public final class RetrievalScaleBench {

    private RetrievalScaleBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: RetrievalScaleBench build|serve DIR [options]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        int chunks = 100_000;
        int sample = 2_000;
        int queries = 1_000;
        int concurrency = 16;
        String format = "float";
        for (int i = 2; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--chunks" -> chunks = Integer.parseInt(v);
                case "--sample" -> sample = Integer.parseInt(v);
                case "--queries" -> queries = Integer.parseInt(v);
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--format" -> format = v;
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Embedder embedder = Embedders.local();
        if (args[0].equals("build")) {
            System.out.println("format=" + format);
            ScaleIndexBuild.run(dir, chunks, sample, queries, VectorFormat.of(format), embedder, 42, System.out);
        } else {
            Map<String, String> m = ScaleServe.run(dir, embedder, concurrency, System.out);
            System.out.println("retrieval_scale chunks=" + m.get("chunks") + " hybrid_p50_ms=" + m.get("hybrid_p50_ms")
                    + " hybrid_p95_ms=" + m.get("hybrid_p95_ms") + " recall_at_10=" + m.get("recall_at_10") + " rss_mb="
                    + m.get("rss_mb"));
        }
    }
}
