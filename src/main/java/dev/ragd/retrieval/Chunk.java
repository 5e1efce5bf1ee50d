package dev.ragd.retrieval;

/**
 * One chunk as stored in the index.
 *
 * @param chunkId     unique id, {@code docId#n}
 * @param docId       id of the source document
 * @param title       document title
 * @param text        chunk text
 * @param url         source link or {@code null}
 * @param contentHash hash of the whole source document (for skip-if-unchanged)
 * @param vector      embedding of the chunk
 */
public record Chunk(String chunkId, String docId, String title, String text, String url,
                    String contentHash, float[] vector) {}
