package dev.ragd.llm.extractive;

import dev.ragd.llm.Usage;
import dev.ragd.llm.TokenStream;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link TokenStream} that computes a whole answer text off the event loop, then delivers it word
 * by word on one Vert.x {@link Context}, pausing {@code tokenDelayMs} between words.
 *
 * <p>Tokens are the words of the text, each with its leading whitespace, so the tokens concatenated
 * are exactly the text. With a delay of 0 each token is delivered in its own turn of the event loop
 * ({@link Context#runOnContext}), so a long answer never monopolises the loop.
 *
 * <p>Follows the {@link TokenStream} contract: every handler runs on {@code context}; exactly one of
 * the end or exception handlers runs, once, unless {@link #cancel()} came first; after cancel no
 * handler runs; {@link #pause()} holds tokens (and the end) until {@link #resume()}. Methods may be
 * called from any thread; flags take effect immediately, scheduling happens on the context.
 */
public final class PacedTokenStream implements TokenStream {

    private static final Pattern WORD = Pattern.compile("\\s*\\S+");

    private final Vertx vertx;
    private final Context context;
    private final Callable<String> text;
    private final int promptTokens;
    private final int tokenDelayMs;

    private Handler<String> tokenHandler;
    private Handler<Usage> endHandler;
    private Handler<Throwable> exceptionHandler;

    private volatile boolean started;
    private volatile boolean paused;
    private volatile boolean cancelled;
    private boolean finished;
    private boolean scheduled;
    private long timerId = -1;
    private List<String> tokens;
    private int next;

    /**
     * @param vertx        the Vert.x instance whose timers pace the tokens
     * @param context      the context all handlers run on
     * @param text         computes the answer text; run on a worker thread once, at {@link #start()}
     * @param promptTokens reported as {@link Usage#promptTokens()} at the end
     * @param tokenDelayMs pause between tokens in milliseconds, 0 for none
     */
    public PacedTokenStream(Vertx vertx, Context context, Callable<String> text, int promptTokens, int tokenDelayMs) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.context = Objects.requireNonNull(context, "context");
        this.text = Objects.requireNonNull(text, "text");
        if (tokenDelayMs < 0) {
            throw new IllegalArgumentException("tokenDelayMs must be >= 0, was " + tokenDelayMs);
        }
        this.promptTokens = promptTokens;
        this.tokenDelayMs = tokenDelayMs;
    }

    /** Splits text into word tokens, each carrying its leading whitespace; they concatenate to the text. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        int end = 0;
        while (m.find()) {
            out.add(m.group());
            end = m.end();
        }
        if (end < text.length()) {
            // trailing whitespace belongs to the last token so nothing is lost
            if (out.isEmpty()) {
                out.add(text.substring(end));
            } else {
                out.set(out.size() - 1, out.getLast() + text.substring(end));
            }
        }
        return out;
    }

    @Override
    public TokenStream handler(Handler<String> tokenHandler) {
        this.tokenHandler = tokenHandler;
        return this;
    }

    @Override
    public TokenStream endHandler(Handler<Usage> endHandler) {
        this.endHandler = endHandler;
        return this;
    }

    @Override
    public TokenStream exceptionHandler(Handler<Throwable> exceptionHandler) {
        this.exceptionHandler = exceptionHandler;
        return this;
    }

    @Override
    public void start() {
        if (started) {
            throw new IllegalStateException("stream already started");
        }
        started = true;
        context.runOnContext(v -> {
            if (cancelled) {
                return;
            }
            context.<String>executeBlocking(text, false).onComplete(ar -> {
                if (cancelled) {
                    return;
                }
                if (ar.failed()) {
                    finished = true;
                    if (exceptionHandler != null) {
                        exceptionHandler.handle(ar.cause());
                    }
                    return;
                }
                tokens = words(ar.result() == null ? "" : ar.result());
                deliver();
            });
        });
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
        onContext(this::schedule);
    }

    @Override
    public void cancel() {
        cancelled = true;
        onContext(() -> {
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
        });
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    /** Schedules the next delivery unless one is pending, the stream is stopped, or text is not ready. */
    private void schedule() {
        if (scheduled || cancelled || paused || finished || tokens == null) {
            return;
        }
        scheduled = true;
        boolean firstToken = next == 0;
        boolean endOnly = next >= tokens.size();
        if (tokenDelayMs == 0 || firstToken || endOnly) {
            context.runOnContext(v -> {
                scheduled = false;
                deliver();
            });
        } else {
            timerId = vertx.setTimer(tokenDelayMs, id -> {
                timerId = -1;
                scheduled = false;
                deliver();
            });
        }
    }

    private void deliver() {
        if (cancelled || paused || finished || scheduled) {
            return;
        }
        if (next < tokens.size()) {
            String token = tokens.get(next++);
            if (tokenHandler != null) {
                tokenHandler.handle(token);
            }
            schedule();
            return;
        }
        finished = true;
        if (endHandler != null) {
            endHandler.handle(new Usage(promptTokens, tokens.size()));
        }
    }
}
