package dev.ragd.testsupport;

import dev.ragd.testsupport.FakeSearchEngine.Hit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One search request of {@link FakeAzureSearch}, answered as the REST API's reference describes:
 * the filter ({@link FakeODataFilter}), then {@code search} and {@code vectorQueries} ranked and
 * fused ({@link FakeSearchEngine}), {@code orderby}, the semantic reranking with captions and
 * answers, {@code top} and {@code select}.
 */
final class FakeSearchQuery {

    private FakeSearchQuery() {}

    /**
     * The answer to search request {@code q} on index {@code def} holding {@code stored}.
     *
     * @param vectorizer the index's vectorizer for {@code kind: text} queries, or null for none
     */
    static JsonObject answer(JsonObject def, List<JsonObject> stored, JsonObject q, Function<String, float[]> vectorizer,
            String endpoint) {
        String name = def.getString("name");
        String mode = q.getString("vectorFilterMode", "preFilter");
        if (!mode.equals("preFilter") && !mode.equals("postFilter")) {
            throw new IllegalArgumentException("Unknown vectorFilterMode: " + mode);
        }
        // Both modes filter before ranking here: with a few documents, post-filtering the k nearest
        // would only differ by returning fewer.
        List<JsonObject> docs = FakeODataFilter.apply(stored, q.getString("filter"), def);
        int top = q.getInteger("top", 50);
        List<String> searchable = def.getJsonArray("fields").stream().map(JsonObject.class::cast)
                .filter(f -> "Edm.String".equals(f.getString("type")) && f.getBoolean("searchable", true))
                .map(f -> f.getString("name")).toList();
        List<List<Hit>> lists = new ArrayList<>();
        String search = q.getString("search");
        if (search != null) {
            lists.add(FakeSearchEngine.keyword(docs, searchable, search));
        }
        JsonArray vqs = q.getJsonArray("vectorQueries", new JsonArray());
        for (Object o : vqs) {
            JsonObject vq = (JsonObject) o;
            JsonArray vector = switch (vq.getString("kind")) {
                case "vector" -> vq.getJsonArray("vector");
                case "text" -> vectorize(def, vq.getString("text"), vectorizer);
                default -> throw new IllegalArgumentException("Unknown vector query kind: " + vq.getString("kind"));
            };
            lists.add(FakeSearchEngine.vector(docs, vq.getString("fields"), vector, vq.getInteger("k", top)));
        }
        List<Hit> hits = lists.size() == 1 ? lists.getFirst() : FakeSearchEngine.fuse(lists);
        String orderBy = q.getString("orderby");
        if (orderBy != null) {
            String[] by = orderBy.strip().split("\\s+");
            java.util.Comparator<Hit> order = java.util.Comparator.comparing(h -> String.valueOf(h.doc().getValue(by[0])));
            hits = new ArrayList<>(hits);
            hits.sort(by.length > 1 && by[1].equals("desc") ? order.reversed() : order);
        }
        JsonObject out = new JsonObject().put("@odata.context", endpoint + "/indexes('" + name + "')/$metadata#docs(*)");
        boolean semantic = "semantic".equals(q.getString("queryType"));
        if (semantic) {
            hits = FakeSearchEngine.rerank(hits.subList(0, Math.min(50, hits.size())), semanticFields(def, q), search);
        }
        hits = hits.subList(0, Math.min(top, hits.size()));
        JsonArray value = new JsonArray();
        for (Hit h : hits) {
            JsonObject doc = select(h.doc(), q.getString("select"));
            doc.put("@search.score", h.score());
            if (semantic) {
                doc.put("@search.rerankerScore", h.reranker());
                doc.put("@search.captions", new JsonArray().add(new JsonObject().put("text", h.caption())
                        .put("highlights", h.caption())));
            }
            value.add(doc);
        }
        if (semantic && String.valueOf(q.getString("answers")).startsWith("extractive") && !hits.isEmpty()
                && hits.getFirst().reranker() >= 3) {
            String key = FakeAzureSearch.keyField(def);
            out.put("@search.answers", new JsonArray().add(new JsonObject().put("key", hits.getFirst().doc().getString(key))
                    .put("text", hits.getFirst().caption()).put("highlights", hits.getFirst().caption())
                    .put("score", hits.getFirst().reranker() / 4)));
        }
        return out.put("value", value);
    }

    /** The index's vectorizer stand-in for {@code kind: text}: refuses when the field has none. */
    private static JsonArray vectorize(JsonObject def, String text, Function<String, float[]> vectorizer) {
        JsonArray profiles = def.getJsonObject("vectorSearch", new JsonObject()).getJsonArray("profiles", new JsonArray());
        boolean any = profiles.stream().map(JsonObject.class::cast).anyMatch(p -> p.getString("vectorizer") != null);
        if (!any || vectorizer == null) {
            throw new IllegalArgumentException("The field has no vectorizer configured for text vector queries.");
        }
        JsonArray out = new JsonArray();
        for (float f : vectorizer.apply(text)) {
            out.add(f);
        }
        return out;
    }

    private static List<String> semanticFields(JsonObject def, JsonObject q) {
        JsonArray configs = def.getJsonObject("semantic", new JsonObject()).getJsonArray("configurations", new JsonArray());
        String wanted = q.getString("semanticConfiguration",
                def.getJsonObject("semantic", new JsonObject()).getString("defaultConfiguration"));
        for (Object o : configs) {
            JsonObject c = (JsonObject) o;
            if (wanted == null || wanted.equals(c.getString("name"))) {
                JsonArray content = c.getJsonObject("prioritizedFields").getJsonArray("prioritizedContentFields");
                return content.stream().map(f -> ((JsonObject) f).getString("fieldName")).toList();
            }
        }
        throw new IllegalArgumentException("Unknown semantic configuration: " + wanted);
    }


    private static JsonObject select(JsonObject doc, String select) {
        if (select == null || select.isBlank() || select.strip().equals("*")) {
            return doc.copy();
        }
        JsonObject out = new JsonObject();
        for (String f : select.split(",")) {
            if (doc.containsKey(f.strip())) {
                out.put(f.strip(), doc.getValue(f.strip()));
            }
        }
        return out;
    }
}
