package dev.ragd.retrieval;

import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

/** Factory of the embedders ragd knows. Other providers (e.g. OpenAI) are added here. */
public final class Embedders {

    /** Name recorded in indexes built by {@link #local()}. */
    public static final String LOCAL_NAME = "bge-small-en-v15-q";

    /**
     * The instruction BGE v1.5 was trained with for short queries against passages. Not used by
     * default: on the bundled benchmark it lowered vector recall@3 from 0.893 to 0.857 (BGE v1.5
     * is documented to work without it); {@code bench/retrieval.sh --query-prefix} measures it.
     */
    public static final String BGE_QUERY_PREFIX = "Represent this sentence for searching relevant passages: ";

    private Embedders() {}

    /**
     * BAAI bge-small-en-v1.5, quantized, run in-process with ONNX (384 dimensions, no network).
     * Loading takes a few seconds: create one and share it.
     */
    public static Embedder local() {
        return new Embedder(LOCAL_NAME, new BgeSmallEnV15QuantizedEmbeddingModel(), 384, "");
    }
}
