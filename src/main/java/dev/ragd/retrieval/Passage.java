package dev.ragd.retrieval;

/**
 * One retrieved chunk of a document.
 *
 * @param docId         stable id of the source document (for CSV/JSONL records: the id column)
 * @param chunkId       id of this chunk, unique in the index (e.g. {@code docId#3})
 * @param title         document title shown to users
 * @param text          the chunk text (a search service's caption when it gave one)
 * @param url           link to the source, or {@code null}
 * @param score         relevance score; higher is better, comparable only within one result list
 * @param rerankerScore a semantic ranker's score (Azure AI Search: 0–4), or {@code null} when none ranked it
 */
public record Passage(String docId, String chunkId, String title, String text, String url, double score,
        Double rerankerScore) {

    /** A passage no reranker scored. */
    public Passage(String docId, String chunkId, String title, String text, String url, double score) {
        this(docId, chunkId, title, text, url, score, null);
    }

    public Passage withScore(double newScore) {
        return new Passage(docId, chunkId, title, text, url, newScore, rerankerScore);
    }
}
