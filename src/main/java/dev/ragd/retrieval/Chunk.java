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
 * @param allowedUsers  its document's {@code allowed_users} (see {@link Access})
 * @param allowedGroups its document's {@code allowed_groups}
 */
public record Chunk(String chunkId, String docId, String title, String text, String url,
                    String contentHash, float[] vector, java.util.List<String> allowedUsers,
                    java.util.List<String> allowedGroups) {

    public Chunk {
        allowedUsers = allowedUsers == null ? java.util.List.of() : java.util.List.copyOf(allowedUsers);
        allowedGroups = allowedGroups == null ? java.util.List.of() : java.util.List.copyOf(allowedGroups);
    }

    /** A chunk of a document without access lists. */
    public Chunk(String chunkId, String docId, String title, String text, String url, String contentHash,
                 float[] vector) {
        this(chunkId, docId, title, text, url, contentHash, vector, null, null);
    }
}
