package dev.ragd.retrieval;

/**
 * One retrieved chunk of a document.
 *
 * @param docId   stable id of the source document (for CSV/JSONL records: the id column)
 * @param chunkId id of this chunk, unique in the index (e.g. {@code docId#3})
 * @param title   document title shown to users
 * @param text    the chunk text
 * @param url     link to the source, or {@code null}
 * @param score   relevance score; higher is better, comparable only within one result list
 */
public record Passage(String docId, String chunkId, String title, String text, String url, double score) {

    public Passage withScore(double newScore) {
        return new Passage(docId, chunkId, title, text, url, newScore);
    }
}
