package dev.ragd.chat;

import dev.ragd.answers.AnswerDirectory;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.llm.Generator;
import dev.ragd.observe.ChatObserver;
import dev.ragd.quota.QuotaStore;
import dev.ragd.retrieval.Retriever;
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
 * @param quotas    keeps each identity's fair-use counts, or {@code null} for none
 * @param answers   where other replicas learn which answers this one generates, so a stop sent to
 *                  any of them reaches it ({@link AnswerDirectory#LOCAL}: nowhere)
 */
public record PipelineParts(Retriever retriever, Generator generator, ChatLog chatLog, QueryRewriter rewriter,
        ChatObserver observer, QuotaStore quotas, AnswerDirectory answers) {

    /** Parts whose answers are known to this replica only. */
    public PipelineParts(Retriever retriever, Generator generator, ChatLog chatLog, QueryRewriter rewriter,
            ChatObserver observer, QuotaStore quotas) {
        this(retriever, generator, chatLog, rewriter, observer, quotas, AnswerDirectory.LOCAL);
    }

    /** Parts without fair-use counts. */
    public PipelineParts(Retriever retriever, Generator generator, ChatLog chatLog, QueryRewriter rewriter,
            ChatObserver observer) {
        this(retriever, generator, chatLog, rewriter, observer, null);
    }

    public PipelineParts {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(chatLog, "chatLog");
        Objects.requireNonNull(rewriter, "rewriter");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(answers, "answers");
    }
}
