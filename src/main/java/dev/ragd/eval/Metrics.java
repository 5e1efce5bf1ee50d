package dev.ragd.eval;

import java.util.List;

/** The names of what an evaluation measures, as written in results, summaries and gates. */
public final class Metrics {

    public static final String RECALL_AT_1 = "recall_at_1";
    public static final String RECALL_AT_3 = "recall_at_3";
    public static final String MRR = "mrr";
    public static final String CITATION_PRECISION = "citation_precision";
    public static final String CITATION_RECALL = "citation_recall";
    public static final String FACT_MATCH = "fact_match";
    public static final String REFUSAL_ACCURACY = "refusal_accuracy";
    public static final String GROUNDEDNESS = "groundedness";
    public static final String RELEVANCE = "relevance";

    /** Per-question scores, higher is better: a summary's value is their mean over the questions they apply to. */
    public static final List<String> QUALITY = List.of(RECALL_AT_1, RECALL_AT_3, MRR, CITATION_PRECISION,
            CITATION_RECALL, FACT_MATCH, REFUSAL_ACCURACY, GROUNDEDNESS, RELEVANCE);

    /** Scores on the judge's 1–5 scale (the others are 0–1). */
    public static final List<String> JUDGED = List.of(GROUNDEDNESS, RELEVANCE);

    /** Whole-run costs, lower is better. */
    public static final List<String> COST = List.of("latency_p50_ms", "latency_p95_ms", "first_token_p50_ms",
            "first_token_p95_ms", "prompt_tokens_mean", "completion_tokens_mean", "errors");

    private Metrics() {}

    /** Every name a gate may use. */
    public static List<String> all() {
        return java.util.stream.Stream.concat(QUALITY.stream(), COST.stream()).toList();
    }
}
