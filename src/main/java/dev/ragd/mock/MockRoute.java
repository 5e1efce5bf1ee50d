package dev.ragd.mock;

/** The simulator's API routes, as named by {@link MockLlmServer#lastRequest(MockRoute)}. */
public enum MockRoute {
    /** {@code POST /v1/chat/completions} */
    CHAT,
    /** {@code POST /v1/embeddings} */
    EMBEDDINGS,
    /** {@code GET /v1/models} */
    MODELS,
    /** {@code POST /openai/deployments/{deployment}/chat/completions?api-version=...} */
    AZURE_CHAT,
    /** {@code POST /openai/deployments/{deployment}/embeddings?api-version=...} */
    AZURE_EMBEDDINGS;

    boolean azure() {
        return this == AZURE_CHAT || this == AZURE_EMBEDDINGS;
    }

    boolean chat() {
        return this == CHAT || this == AZURE_CHAT;
    }
}
