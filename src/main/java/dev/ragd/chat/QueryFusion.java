package dev.ragd.chat;

import dev.ragd.retrieval.Passage;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges the result lists of several search queries for one question. */
final class QueryFusion {

    /** The RRF constant k in {@code 1 / (k + rank)}, the usual value. */
    static final int RRF_K = 60;

    private QueryFusion() {}

    /**
     * Reciprocal rank fusion: each list adds {@code 1 / (k + rank)} (ranks from 1) to a chunk's
     * score; the {@code topK} best, scored by the fused value. A single list is returned as is
     * (its own scores kept), cut to {@code topK}. Ties keep first-seen order (the first query's).
     */
    static List<Passage> fuse(List<List<Passage>> lists, int topK) {
        if (lists.size() == 1) {
            List<Passage> only = lists.getFirst();
            return List.copyOf(only.subList(0, Math.min(topK, only.size())));
        }
        Map<String, Passage> byChunk = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (List<Passage> list : lists) {
            for (int i = 0; i < list.size(); i++) {
                Passage p = list.get(i);
                byChunk.putIfAbsent(p.chunkId(), p);
                scores.merge(p.chunkId(), 1.0 / (RRF_K + i + 1), Double::sum);
            }
        }
        return scores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(topK)
                .map(e -> byChunk.get(e.getKey()).withScore(e.getValue()))
                .toList();
    }
}
