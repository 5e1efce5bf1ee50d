package dev.ragd.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ranking behind {@link FakeAzureSearch}: what Azure AI Search documents, on a few documents.
 * Keyword: BM25 over the searchable string fields (the simple query syntax's escapes removed; every
 * term optional, as {@code searchMode=any}). Vector: exhaustive cosine similarity, {@code k} nearest.
 * Hybrid: Reciprocal Rank Fusion of the two lists (k = 60), as the service fuses them. Semantic: a
 * deterministic stand-in for the semantic ranker (reranker score 0–4 from the share of query terms
 * in the configuration's content fields), with the best sentence as the caption and, when a
 * sentence holds most terms, an answer. Filters: {@link FakeODataFilter}.
 */
final class FakeSearchEngine {

    record Hit(JsonObject doc, double score, Double reranker, String caption) {}

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    private FakeSearchEngine() {}

    static List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text == null ? "" : text.replace("\\", " ").toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static List<Hit> keyword(List<JsonObject> docs, List<String> fields, String search) {
        List<String> q = terms(search);
        if (search != null && search.strip().equals("*")) {
            return docs.stream().map(d -> new Hit(d, 1.0, null, null)).toList();
        }
        Map<JsonObject, List<String>> tokens = new LinkedHashMap<>();
        double total = 0;
        for (JsonObject d : docs) {
            List<String> t = new ArrayList<>();
            fields.forEach(f -> t.addAll(terms(d.getString(f))));
            tokens.put(d, t);
            total += t.size();
        }
        double avg = docs.isEmpty() ? 1 : total / docs.size();
        Map<String, Integer> df = new HashMap<>();
        tokens.values().forEach(t -> t.stream().distinct().forEach(w -> df.merge(w, 1, Integer::sum)));
        List<Hit> hits = new ArrayList<>();
        for (var e : tokens.entrySet()) {
            double score = 0;
            for (String w : q.stream().distinct().toList()) {
                long tf = e.getValue().stream().filter(w::equals).count();
                if (tf == 0) {
                    continue;
                }
                int n = df.get(w);
                double idf = Math.log(1 + (docs.size() - n + 0.5) / (n + 0.5));
                score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * e.getValue().size() / avg));
            }
            if (score > 0) {
                hits.add(new Hit(e.getKey(), score, null, null));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits;
    }

    static List<Hit> vector(List<JsonObject> docs, String field, JsonArray query, int k) {
        List<Hit> hits = new ArrayList<>();
        for (JsonObject d : docs) {
            JsonArray v = d.getJsonArray(field);
            if (v == null || v.size() != query.size()) {
                continue;
            }
            double dot = 0, a = 0, b = 0;
            for (int i = 0; i < v.size(); i++) {
                double x = v.getDouble(i), y = query.getDouble(i);
                dot += x * y;
                a += x * x;
                b += y * y;
            }
            double cos = a == 0 || b == 0 ? 0 : dot / Math.sqrt(a * b);
            hits.add(new Hit(d, 1 / (1 + (1 - cos)), null, null)); // the service's score for cosine: 1 / (1 + distance)
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits.subList(0, Math.min(k, hits.size()));
    }

    /** Reciprocal Rank Fusion of several ranked lists. */
    static List<Hit> fuse(List<List<Hit>> lists) {
        Map<JsonObject, Double> score = new LinkedHashMap<>();
        for (List<Hit> list : lists) {
            for (int r = 0; r < list.size(); r++) {
                score.merge(list.get(r).doc(), 1.0 / (60 + r + 1), Double::sum);
            }
        }
        List<Hit> out = new ArrayList<>();
        score.forEach((d, s) -> out.add(new Hit(d, s, null, null)));
        out.sort(Comparator.comparingDouble(Hit::score).reversed());
        return out;
    }

    /** Reranks {@code hits} with the semantic stand-in, giving each a reranker score and a caption. */
    static List<Hit> rerank(List<Hit> hits, List<String> contentFields, String search) {
        List<String> q = terms(search).stream().distinct().toList();
        List<Hit> out = new ArrayList<>();
        for (Hit h : hits) {
            StringBuilder text = new StringBuilder();
            contentFields.forEach(f -> text.append(h.doc().getString(f, "")).append(' '));
            List<String> words = terms(text.toString());
            double share = q.isEmpty() ? 0 : q.stream().filter(words::contains).count() / (double) q.size();
            out.add(new Hit(h.doc(), h.score(), 4 * share, bestSentence(text.toString(), q)));
        }
        out.sort(Comparator.comparingDouble((Hit h) -> h.reranker()).reversed());
        return out;
    }

    /** The sentence holding the most query terms. */
    static String bestSentence(String text, List<String> q) {
        String best = null;
        long most = -1;
        for (String s : text.split("(?<=[.!?])\\s+")) {
            long n = q.stream().filter(terms(s)::contains).count();
            if (n > most && !s.isBlank()) {
                best = s.strip();
                most = n;
            }
        }
        return best;
    }
}
