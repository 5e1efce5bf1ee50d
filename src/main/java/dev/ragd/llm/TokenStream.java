package dev.ragd.llm;

import io.vertx.core.Handler;

/**
 * A running generation that pushes tokens to its handlers.
 *
 * <p>Contract: handlers are set before {@link #start()}; every handler runs on the Vert.x context
 * that created the stream (the client connection's event loop). Exactly one of the end or exception
 * handlers is called, once, unless the stream is cancelled first; after {@link #cancel()} no handler
 * is called again and upstream work is released. {@link #pause()} stops token delivery until
 * {@link #resume()} (back-pressure from a slow client).
 */
public interface TokenStream {

    TokenStream handler(Handler<String> tokenHandler);

    TokenStream endHandler(Handler<Usage> endHandler);

    TokenStream exceptionHandler(Handler<Throwable> exceptionHandler);

    void start();

    void pause();

    void resume();

    void cancel();
}
