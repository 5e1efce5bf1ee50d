package dev.ragd.chat;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.llm.Generator;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Retriever;
import dev.ragd.rewrite.NoRewrite;
import dev.ragd.rewrite.QueryRewriter;
import java.util.Objects;

/**
 * What the chat pipeline is built from, each chosen by {@code App}.
 *
 * @param retriever finds passages for a query
 * @param generator writes the answer
 * @param chatLog   keeps every request's record
 * @param rewriter  turns question and history into search queries
 * @param observer  hears what happens to every request (step log, metrics, traces)
 */
public record PipelineParts(Retriever retriever, Generator generator, ChatLog chatLog, QueryRewriter rewriter,
        ChatObserver observer) {

    public PipelineParts {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(chatLog, "chatLog");
        Objects.requireNonNull(rewriter, "rewriter");
        Objects.requireNonNull(observer, "observer");
    }

    /** Parts that search for the question as asked ({@link NoRewrite}) and are observed by nobody. */
    public static PipelineParts of(Retriever retriever, Generator generator, ChatLog chatLog) {
        return new PipelineParts(retriever, generator, chatLog, new NoRewrite(), ChatObserver.NONE);
    }

    public PipelineParts withRewriter(QueryRewriter r) {
        return new PipelineParts(retriever, generator, chatLog, r, observer);
    }

    public PipelineParts withObserver(ChatObserver o) {
        return new PipelineParts(retriever, generator, chatLog, rewriter, o);
    }
}
