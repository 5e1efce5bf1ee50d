package dev.ragd.chat;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.config.RagdConfig;
import dev.ragd.llm.Generator;
import dev.ragd.llm.Message;
import dev.ragd.ops.StepLog;
import dev.ragd.retrieval.Retriever;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers one {@link ChatRequest}: trims the history, checks the question, retrieves passages on a
 * worker thread, streams the generator's tokens to a {@link ChatEvents} sink with back-pressure,
 * writes the chat-log record, and only then reports the end.
 *
 * <p>Thread-safe and shared by all connections; each run lives on the Vert.x context that called
 * {@link #run} (the connection's event loop).
 */
public final class ChatPipeline {

    /** The prefix the book's clients put before a question in {@code chat_history}. */
    public static final String QUESTION_PREFIX = "user_question:";

    private final Vertx vertx;
    private final RagdConfig config;
    private final Retriever retriever;
    private final Generator generator;
    private final ChatLog chatLog;
    private final StepLog steps;
    private final Set<Future<Void>> running = ConcurrentHashMap.newKeySet();

    public ChatPipeline(Vertx vertx, RagdConfig config, Retriever retriever, Generator generator, ChatLog chatLog) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.config = Objects.requireNonNull(config, "config");
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.chatLog = Objects.requireNonNull(chatLog, "chatLog");
        this.steps = new StepLog(config.logContent());
    }

    /**
     * Starts answering {@code request}, reporting to {@code events}. Call it on the connection's
     * Vert.x context; events are delivered on that context. Never throws for bad input: a request
     * without a question or with a question over {@code config.maxQuestionChars()} gets a single
     * {@link ChatEvents#onError} (codes {@code bad_request} / {@code question_too_long}), delivered
     * before this method returns.
     */
    public ChatHandle run(ChatRequest request, ChatEvents events) {
        Context context = vertx.getOrCreateContext();
        List<Message> recent = lastMessages(request.messages(), config.historyMessages());
        int q = lastUserIndex(recent);
        if (q < 0) {
            events.onError(ChatError.of(ErrorCodes.BAD_REQUEST,
                    "the request has no user question (no message with role user)", false));
            return ChatHandle.DONE;
        }
        String question = stripQuestionPrefix(recent.get(q).content());
        if (question.isBlank()) {
            events.onError(ChatError.of(ErrorCodes.BAD_REQUEST, "the question is empty", false));
            return ChatHandle.DONE;
        }
        ChatRun run = new ChatRun(this, context, request, question, List.copyOf(recent.subList(0, q)), events);
        if (question.length() > config.maxQuestionChars()) {
            run.rejectTooLong();
            return ChatHandle.DONE;
        }
        Future<Void> finished = run.finished();
        running.add(finished);
        finished.onComplete(ar -> running.remove(finished));
        run.start();
        return run;
    }

    /** The last {@code n} messages, oldest first. */
    static List<Message> lastMessages(List<Message> messages, int n) {
        return new ArrayList<>(messages.subList(Math.max(0, messages.size() - n), messages.size()));
    }

    static int lastUserIndex(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Message.Role.USER) {
                return i;
            }
        }
        return -1;
    }

    /** {@code text} without a leading {@code user_question:} (any case) and surrounding blanks. */
    public static String stripQuestionPrefix(String text) {
        String s = text.strip();
        if (s.toLowerCase(Locale.ROOT).startsWith(QUESTION_PREFIX)) {
            s = s.substring(QUESTION_PREFIX.length()).strip();
        }
        return s;
    }

    /**
     * Completes when every request started so far has finished: its chat-log record written (or the
     * write failed). After a server shutdown closed the connections, this waits for the
     * {@code cancelled} records of the interrupted requests. Call it before closing the chat log.
     */
    public Future<Void> awaitIdle() {
        return Future.join(List.copyOf(running)).<Void>mapEmpty().otherwiseEmpty();
    }

    public RagdConfig config() { return config; }

    /** The generator's model identifier. */
    public String model() { return generator.model(); }

    public boolean languageModel() { return generator.isLanguageModel(); }

    public String retrieverName() { return retriever.name(); }

    public String chatLogName() { return chatLog.describe(); }

    Vertx vertx() { return vertx; }

    Retriever retriever() { return retriever; }

    Generator generator() { return generator; }

    ChatLog chatLog() { return chatLog; }

    StepLog steps() { return steps; }
}
