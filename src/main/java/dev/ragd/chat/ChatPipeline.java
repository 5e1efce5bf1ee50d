package dev.ragd.chat;

import dev.ragd.auth.Identity;
import dev.ragd.chatlog.Feedback;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.Access;
import dev.ragd.observe.ChatObserver;
import dev.ragd.observe.RequestInfo;
import dev.ragd.observe.RunObserver;
import dev.ragd.rewrite.QueryRewriters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers one {@link ChatRequest}: trims the history, checks the question, admits it under the
 * replica's cap of concurrent generations, rewrites it into search queries with the history, runs
 * each query on a worker thread and fuses the lists, answers "not found" without the model when no
 * passage is relevant enough, streams the generator's tokens to a {@link ChatEvents} sink with
 * back-pressure, writes the chat-log record, and only then reports the end.
 *
 * <p>Admission: a request counts against {@code RAGD_MAX_CONCURRENT_GENERATIONS} from the moment it
 * is admitted (before rewriting and retrieval) until its record is written. Counting from the
 * start means an admitted request never waits for a slot later and never spends a rewrite call or
 * embedding request only to be refused; a request over the cap gets {@code busy} at once (no record).
 *
 * <p>Thread-safe and shared by all connections; each run lives on the Vert.x context that called
 * {@link #run} (the connection's event loop).
 */
public final class ChatPipeline {

    /** The prefix the book's clients put before a question in {@code chat_history}. */
    public static final String QUESTION_PREFIX = "user_question:";

    /** Threads writing chat-log records; enough to keep a 10-connection database pool busy. */
    static final int CHATLOG_THREADS = 16;

    private final PipelineSettings settings;
    private final PipelineParts parts;
    private final ChatObserver observer;
    private volatile RunParts shared;
    private volatile boolean accepting = true;
    private final RunningAnswers answers = new RunningAnswers();
    private final AtomicInteger active = new AtomicInteger();
    private final Conversations conversations;
    private final RequestChecks checks;
    private final FairUse fairUse;

    /**
     * Chat-log writes get their own worker threads: a slow or locked store (an fsync, a pool
     * waiting through an outage) must not occupy the shared worker pool that retrieval needs, or
     * time to first token of new questions would grow with the store's latency. Rewrites wait on a
     * model call for up to seconds: virtual threads.
     */
    public ChatPipeline(Vertx vertx, PipelineSettings settings, PipelineParts parts) {
        Objects.requireNonNull(vertx, "vertx");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parts = Objects.requireNonNull(parts, "parts");
        this.observer = parts.observer();
        this.fairUse = parts.quotas() == null ? FairUse.off() : new FairUse(parts.quotas(), settings.quota());
        parts.answers().onStop(this::stop); // a stop sent to another replica for an answer of this one
        this.shared = new RunParts(vertx, settings, parts, Executors.newVirtualThreadPerTaskExecutor(),
                vertx.createSharedWorkerExecutor("ragd-chatlog", CHATLOG_THREADS), resource("/prompts/not-found.txt"),
                QueryRewriters.TIMEOUT.toMillis() + 1000);
        this.conversations = new Conversations(parts.chatLog(), shared.chatLogExecutor());
        this.checks = new RequestChecks(settings);
    }

    /** The server-kept conversations, for the routes that list, read and delete them. */
    public Conversations conversations() {
        return conversations;
    }

    /**
     * Starts answering {@code request}, reporting to {@code events}; its chat-log record gets a new
     * id ({@link #newLogId()}), told in {@link ChatEvents#onStart} and {@link EndInfo#logId()}, and
     * keeps the client's {@link ChatRequest#id()} as its request id. Call it on the connection's
     * Vert.x context; events are delivered on that context. Never throws for bad input: a request
     * without a question, with a question that has no letter or digit, or with a question over
     * {@code maxQuestionChars} gets a single {@link ChatEvents#onError} (codes
     * {@code bad_request} / {@code question_too_long}), delivered before this method returns. Over
     * the cap of concurrent generations it gets a retryable {@code busy} error (with
     * {@code retry_after_ms}), also before this method returns. Once admitted, a request that hits
     * an unexpected exception ends with {@code internal_error} instead of hanging; an exception
     * before admission (a broken sink or store) propagates to the caller, which must answer it.
     * Every request, refused or admitted, is told to the observer.
     */
    public ChatHandle run(ChatRequest request, RequestOrigin origin, ChatEvents events) {
        return run(request, origin, newLogId(), events);
    }

    /** {@link #run(ChatRequest, RequestOrigin, ChatEvents)} from {@link RequestOrigin#INTERNAL}. */
    public ChatHandle run(ChatRequest request, ChatEvents events) {
        return run(request, RequestOrigin.INTERNAL, events);
    }

    /**
     * A fresh id for a chat-log record (a random UUID). Record ids are only ever made here, never
     * taken from a client: a client-chosen key would let one user's request overwrite another's
     * record, since the stores upsert by id.
     */
    public static String newLogId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Like {@link #run(ChatRequest, RequestOrigin, ChatEvents)}, for a protocol that shows the record
     * id to its client before the request starts (the book's {@code uuid}).
     *
     * @param logId the id the request's record gets; from {@link #newLogId()}, never from a client
     */
    public ChatHandle run(ChatRequest request, RequestOrigin origin, String logId, ChatEvents events) {
        Objects.requireNonNull(logId, "logId");
        if (request.conversation() != null && !request.conversation().isNew() && conversations.available()) {
            return continued(request, origin, logId, events);
        }
        if (request.conversation() != null && request.conversation().isNew()) {
            // A new conversation is named by its first turn's record, so its first record names it;
            // a log that keeps nothing keeps no conversation.
            request = request.withConversation(conversations.available() ? new ConversationRef(logId) : null);
        }
        return runNow(request, origin, logId, events);
    }

    /** Checks and starts a request whose conversation (if any) is known. */
    private ChatHandle runNow(ChatRequest request, RequestOrigin origin, String logId, ChatEvents events) {
        RunParts run = shared;
        Context context = run.vertx().getOrCreateContext();
        List<Message> recent = lastMessages(request.messages(), settings.historyMessages());
        int q = lastUserIndex(recent);
        String question = q < 0 ? "" : stripQuestionPrefix(recent.get(q).content());
        // With authentication on, the user is who the credential proves, never what the client says.
        String owner = Identity.signedIn(origin.identity());
        if (owner != null) {
            request = request.withUser(owner);
        }
        if (settings.enforceAccess() && origin.identity() != null) {
            // Every search of this request sees only what its caller may; internal requests (no
            // identity: warm-up, tools) are the server's own.
            request = request.withFilter(request.filter().withAccess(
                    new Access(origin.identity().user(), origin.identity().groups())));
        }
        RequestInfo info = new RequestInfo(origin.protocol(), null, request.id(), question, request.userEmail(),
                Math.max(0, q), origin.parent(), origin.parent() == null ? null : origin.parent().traceId());
        ChatError refusal = refusal(q, question);
        refusal = refusal != null ? refusal : checks.history(request.messages().size(), recent.subList(0, Math.max(0, q)));
        refusal = refusal != null ? refusal : checks.filter(request.filter());
        if (refusal == null && request.conversation() != null && !conversations.available()) {
            refusal = ChatError.of(ErrorCodes.NOT_SUPPORTED, dev.ragd.chatlog.NoChatLog.NO_CONVERSATIONS, false);
        }
        if (refusal != null) {
            refuse(info, events, refusal, refusal.code().equals(ErrorCodes.QUESTION_TOO_LONG)
                    ? "question_chars=" + question.length() : "");
            return ChatHandle.DONE;
        }
        ChatRequest admitted = request;
        if (fairUse.applies(origin.identity())) {
            return fairUse.gate(origin.identity(), context,
                    () -> start(run, context, admitted, logId, owner, question, recent, q, events, info),
                    error -> refuse(info, events, error, "quota"));
        }
        ChatRun started = start(run, context, admitted, logId, owner, question, recent, q, events, info);
        return started == null ? ChatHandle.DONE : started;
    }

    /**
     * A turn of a kept conversation: its latest turns are read (on the chat-log workers) for the
     * caller only, then the request runs with them as its history when it brought none. A
     * conversation with no turn of this caller's is {@code not_found}, as one that never existed.
     */
    private ChatHandle continued(ChatRequest request, RequestOrigin origin, String logId, ChatEvents events) {
        String owner = Identity.signedIn(origin.identity());
        String user = owner != null ? owner : request.userEmail();
        // A question refused anyway is refused before the store is read (and as what it is).
        int q = lastUserIndex(request.messages());
        ChatError bad = checks.question(q, q < 0 ? "" : stripQuestionPrefix(request.messages().get(q).content()));
        bad = bad != null ? bad : checks.filter(request.filter());
        if (bad != null) {
            refuse(early(origin, request, user), events, bad, "");
            return ChatHandle.DONE;
        }
        // Whole turns only: the window holds the question and as many question-answer pairs as fit.
        int pairs = (settings.historyMessages() - 1) / 2;
        return conversations.continueWith(request, user, pairs, settings.maxHistoryChars(),
                shared.vertx().getOrCreateContext(),
                withHistory -> runNow(withHistory, origin, logId, events),
                error -> refuse(early(origin, request, user), events, error, "conversation"));
    }

    /** What the observer is told of a request refused before its question was read. */
    private static RequestInfo early(RequestOrigin origin, ChatRequest request, String user) {
        return new RequestInfo(origin.protocol(), null, request.id(), "", user, 0, origin.parent(),
                origin.parent() == null ? null : origin.parent().traceId());
    }

    /** Admits a checked request under the replica's cap and starts it; {@code null} when it was refused as busy. */
    private ChatRun start(RunParts run, Context context, ChatRequest request, String logId, String owner,
            String question, List<Message> recent, int q, ChatEvents events, RequestInfo info) {
        if (!admit()) {
            refuse(info, events, ClientErrors.busy(null), "active=" + active.get() + " max=" + maxConcurrentGenerations());
            return null;
        }
        ChatRun chat;
        try {
            RunObserver watcher = observer.admitted(info.withLogId(logId));
            chat = new ChatRun(run, context, request, logId, question, List.copyOf(recent.subList(0, q)), events,
                    watcher, info.traceId());
        } catch (RuntimeException e) {
            active.decrementAndGet();
            throw e;
        }
        answers.add(logId, owner, chat, chat.ending(), chat.finished());
        parts.answers().started(logId, owner);
        chat.finished().onComplete(ar -> {
            parts.answers().ended(logId);
            active.decrementAndGet();
        });
        chat.start();
        return chat;
    }

    /**
     * Stops the answer with chat-log id {@code logId} if this replica is generating it and
     * {@code caller} (the authenticated user, or {@code null}) may stop it: see {@link ChatHandle#stop()}.
     * The client that asked gets its end with status {@code stopped}.
     */
    public boolean stop(String logId, String caller) {
        return answers.stop(logId, caller);
    }

    /**
     * {@link #stop} here, else through the {@link dev.ragd.answers.AnswerDirectory} on the replica
     * generating it: true when the answer was stopped here or the replica generating it for this
     * caller was asked to stop it.
     */
    public Future<Boolean> stopAnywhere(String logId, String caller) {
        return stop(logId, caller) ? Future.succeededFuture(true) : parts.answers().stopElsewhere(logId, caller);
    }

    /**
     * Keeps {@code feedback} on the record of the finished answer {@code logId} (see
     * {@link dev.ragd.chatlog.ChatLog#rate}), on the chat-log threads: true when kept, false when no
     * finished answer has that id for {@code caller} (the authenticated user, or {@code null} for
     * anyone). Fails with {@link UnsupportedOperationException} when the chat log keeps no records,
     * or with the store's error. A kept rating is told to the observer.
     *
     * @param protocol where it came from, for the observer
     */
    public Future<Boolean> rate(String logId, String caller, Feedback feedback, String protocol) {
        return shared.chatLogExecutor().executeBlocking(() -> {
            boolean kept = parts.chatLog().rate(logId, caller, feedback).isPresent();
            if (kept) {
                observer.feedbackKept(protocol, feedback.rating().name());
            }
            return kept;
        }, false);
    }

    /** Tells the observer a client resumed an answer ({@link dev.ragd.observe.ChatObserver#resumed}). */
    public void resumed(String protocol, String outcome) {
        observer.resumed(protocol, outcome);
    }

    /** Where every replica's answers' frames are kept for resuming ({@link dev.ragd.answers.AnswerDirectory#frames()}). */
    public dev.ragd.resume.FrameStore sharedFrames() {
        return parts.answers().frames();
    }

    /**
     * The chat-log record of answer {@code logId} when {@code caller} (the authenticated user, or
     * {@code null}) may see it, read on the chat-log threads: what a resume gets once the answer's
     * frames are no longer kept. Empty when there is none, or it is another user's.
     */
    public Future<java.util.Optional<dev.ragd.chatlog.ChatRecord>> finished(String logId, String caller) {
        return shared.chatLogExecutor().executeBlocking(() -> parts.chatLog().getFor(logId, caller), false);
    }

    /** Why a request is refused before admission, or {@code null}. */
    private ChatError refusal(int questionIndex, String question) {
        ChatError bad = checks.question(questionIndex, question);
        if (bad != null) {
            return bad;
        }
        if (!accepting) {
            return new ChatError(ErrorCodes.SHUTTING_DOWN, "This server is restarting; please ask again in a moment.", true,
                    1_000L);
        }
        if (!parts.chatLog().acceptingNewQuestions()) {
            return new ChatError(ErrorCodes.CHATLOG_UNAVAILABLE,
                    "The chat log cannot save answers right now; please try again shortly.", true, 2_000L);
        }
        return null;
    }

    private void refuse(RequestInfo info, ChatEvents events, ChatError error, String detail) {
        observer.rejected(info, error.code(), detail);
        events.onError(error);
    }

    private boolean admit() {
        int max = maxConcurrentGenerations();
        while (true) {
            int n = active.get();
            if (n >= max) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
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
        return Future.join(answers.finishing()).<Void>mapEmpty().otherwiseEmpty();
    }

    /**
     * Cancels every answer still running (records {@code cancelled}): what a shutdown does once its
     * grace ran out and the connections are closed, since an answer whose client went away keeps
     * running for the resume window, which a stopping replica cannot honour.
     */
    public void cancelRunning() {
        answers.cancelAll();
    }

    public PipelineSettings settings() { return settings; }

    /** The generator's model identifier. */
    public String model() { return parts.generator().model(); }

    public boolean languageModel() { return parts.generator().isLanguageModel(); }

    public String retrieverName() { return parts.retriever().name(); }

    public String chatLogName() { return parts.chatLog().describe(); }

    /**
     * Refuses new questions from now on ({@code shutting_down}, retryable) while the ones in flight
     * finish: a drain must not start answers it will then have to cut. Called by the server's close.
     */
    public void stopAccepting() {
        accepting = false;
    }

    /** Requests admitted and not yet finished on this replica (for readiness and metrics). */
    public int activeGenerations() { return active.get(); }

    /** The cap on {@link #activeGenerations()}: {@code RAGD_MAX_CONCURRENT_GENERATIONS}. */
    public int maxConcurrentGenerations() { return settings.maxConcurrentGenerations(); }

    /** The query rewriter's name, e.g. {@code none} or {@code llm:gpt-4o-mini}. */
    public String rewriterName() { return parts.rewriter().name(); }

    /** The fixed answer given when no passage is relevant enough. */
    public String notFoundAnswer() { return shared.notFoundAnswer(); }

    /** For tests: a shorter wait for the rewriter. */
    ChatPipeline withRewriteGuardMs(long ms) {
        shared = shared.withRewriteGuardMs(ms);
        return this;
    }

    private static String resource(String name) {
        try (InputStream in = ChatPipeline.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
