package dev.ragd.chat;

import dev.ragd.retrieval.Passage;
import java.util.List;

/**
 * How an answered request ended.
 *
 * @param logId         id of the chat-log record (equal to the request id)
 * @param answer        the whole answer text
 * @param sources       the passages the answer was written from, citation order
 * @param timings       durations and token counts
 * @param model         the generator's model identifier, e.g. {@code extractive}
 * @param languageModel whether the answer was written by a language model
 * @param retriever     the retriever's name, e.g. {@code lucene-hybrid}
 * @param logged        {@code stored} (the record is durable in the store) or {@code queued} (the
 *                      store is down; a retry queue in this replica holds the record)
 */
public record EndInfo(String logId, String answer, List<Passage> sources, Timings timings, String model,
        boolean languageModel, String retriever, String logged) {
    public EndInfo {
        sources = List.copyOf(sources);
    }
}
