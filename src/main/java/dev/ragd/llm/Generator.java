package dev.ragd.llm;

import io.vertx.core.Context;

/**
 * Writes an answer grounded in retrieved passages, streamed token by token.
 *
 * <p>Contract: {@link #stream} does not block and does no work until {@link TokenStream#start()};
 * tokens concatenated in order form the whole answer text (tokens carry their own spacing).
 * Citations are written as {@code [n]}, numbering the request's passages from 1.
 */
public interface Generator {

    /** The model identifier recorded in answer metadata and chat logs, e.g. {@code extractive}. */
    String model();

    /** False for the offline extractive answerer, true for a language model. */
    boolean isLanguageModel();

    /** Prepares a generation whose handlers will run on {@code context}. */
    TokenStream stream(GenerationRequest request, Context context);
}
