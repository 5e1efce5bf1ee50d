package dev.ragd.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Index definitions in the Azure AI Search REST API's JSON, for {@link FakeAzureSearch}. */
public final class SearchIndexes {

    private SearchIndexes() {}

    /**
     * The book's index (chapter 3's upload script): {@code id}, {@code Summary}, the 1536-dimension
     * {@code Vector} (here {@code dims}), {@code ProductName}, {@code ProductDescription},
     * {@code TechnicalSpecifications}, {@code Manufacturer}, {@code DateModified}; a semantic
     * configuration {@code default} over the summary.
     */
    public static JsonObject book(String name, int dims) {
        return new JsonObject().put("name", name).put("fields", new JsonArray()
                        .add(string("id").put("key", true).put("filterable", true))
                        .add(string("Summary"))
                        .add(vector("Vector", dims))
                        .add(string("ProductName"))
                        .add(string("ProductDescription"))
                        .add(string("TechnicalSpecifications"))
                        .add(string("Manufacturer").put("filterable", true))
                        .add(string("DateModified").put("filterable", true)))
                .put("vectorSearch", vectorSearch(false))
                .put("semantic", semantic("default", "ProductName", "Summary"));
    }

    /** The fields ragd's own settings default to: {@code id}, {@code title}, {@code content}, {@code vector}. */
    public static JsonObject ragd(String name, int dims, boolean vectorizer) {
        return new JsonObject().put("name", name).put("fields", new JsonArray()
                        .add(string("id").put("key", true).put("filterable", true))
                        .add(string("title"))
                        .add(string("content"))
                        .add(string("category").put("filterable", true))
                        .add(vector("vector", dims)))
                .put("vectorSearch", vectorSearch(vectorizer))
                .put("semantic", semantic("ragd-semantic", "title", "content"));
    }

    /** A vector as a document's JSON holds it. */
    public static JsonArray vector(float[] v) {
        JsonArray a = new JsonArray();
        for (float f : v) {
            a.add(f);
        }
        return a;
    }

    private static JsonObject string(String name) {
        return new JsonObject().put("name", name).put("type", "Edm.String").put("searchable", !name.equals("id"))
                .put("retrievable", true);
    }

    private static JsonObject vector(String name, int dims) {
        return new JsonObject().put("name", name).put("type", "Collection(Edm.Single)").put("searchable", true)
                .put("retrievable", true).put("dimensions", dims).put("vectorSearchProfile", "hnsw-profile");
    }

    private static JsonObject vectorSearch(boolean vectorizer) {
        JsonObject profile = new JsonObject().put("name", "hnsw-profile").put("algorithm", "hnsw-config");
        JsonObject vs = new JsonObject()
                .put("algorithms", new JsonArray().add(new JsonObject().put("name", "hnsw-config").put("kind", "hnsw")
                        .put("hnswParameters", new JsonObject().put("m", 4).put("efConstruction", 400)
                                .put("efSearch", 500).put("metric", "cosine"))))
                .put("profiles", new JsonArray().add(profile));
        if (vectorizer) {
            profile.put("vectorizer", "openai-vectorizer");
            vs.put("vectorizers", new JsonArray().add(new JsonObject().put("name", "openai-vectorizer")
                    .put("kind", "azureOpenAI").put("azureOpenAIParameters", new JsonObject()
                            .put("resourceUri", "https://example.openai.azure.com").put("deploymentId", "embedding")
                            .put("modelName", "text-embedding-3-small"))));
        }
        return vs;
    }

    private static JsonObject semantic(String config, String title, String content) {
        return new JsonObject().put("configurations", new JsonArray().add(new JsonObject().put("name", config)
                .put("prioritizedFields", new JsonObject()
                        .put("titleField", new JsonObject().put("fieldName", title))
                        .put("prioritizedContentFields", new JsonArray().add(new JsonObject().put("fieldName", content)))
                        .put("prioritizedKeywordsFields", new JsonArray()))));
    }
}
