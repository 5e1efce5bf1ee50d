package dev.ragd.retrieval;

import java.nio.file.Path;
import java.util.Map;

/**
 * What built an index, recorded in its commit user data: the embedder's name, the vector
 * dimension and the text analysis.
 */
record IndexStamp(String embedder, int dimension, TextAnalysis analysis) {

    static final String KEY_EMBEDDER = "embedder";
    static final String KEY_DIMENSION = "dimension";
    static final String KEY_ANALYZER = "analyzer";

    Map<String, String> toCommitData() {
        return Map.of(KEY_EMBEDDER, embedder, KEY_DIMENSION, Integer.toString(dimension), KEY_ANALYZER, analysis.id());
    }

    /**
     * The stamp of an existing index, checked against the embedder about to use it.
     *
     * @throws IllegalStateException naming both embedders when they differ
     */
    static IndexStamp check(Path dir, Map<String, String> commitData, String embedderName, int dimension) {
        String builtWith = commitData.get(KEY_EMBEDDER);
        String builtDim = commitData.get(KEY_DIMENSION);
        if (builtWith == null) {
            throw new IllegalStateException("index " + dir + " has no embedder recorded; it was not built by ragd."
                    + " Remove the directory and run `ragd ingest` again");
        }
        if (!builtWith.equals(embedderName) || !String.valueOf(dimension).equals(builtDim)) {
            throw new IllegalStateException("index " + dir + " was built with embedder=" + builtWith
                    + " (dimension " + builtDim + ") but this run uses embedder=" + embedderName
                    + " (dimension " + dimension + "); remove the index directory and ingest again");
        }
        return new IndexStamp(embedderName, dimension,
                TextAnalysis.fromId(commitData.getOrDefault(KEY_ANALYZER, TextAnalysis.ENGLISH.id())));
    }
}
