package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.config.EdgeConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one HTTP/1.x connection may do at the server's edge ({@link EdgeConfig}), enforced in its
 * Netty pipeline, in front of Vert.x:
 * <ul>
 * <li>no request in flight and no traffic for {@code idleTimeoutMs}: closed (a WebSocket with close
 *     1001 {@code idle timeout}); a connection whose answer is still being written is never idle;</li>
 * <li>request headers, or then a body, not received within {@code requestTimeoutMs} of their first
 *     byte: answered 408 when no response has started, and closed; a WebSocket message likewise:
 *     close 1008;</li>
 * <li>an address over {@code maxConnectionsPerIp}: its request is answered 429 without reaching
 *     Vert.x, and the connection closed.</li>
 * </ul>
 * Netty offers no deadline for a whole request (its read timeouts are reset by every byte, which a
 * slowloris sends), so the deadlines are kept here; the idle clock is Netty's {@link IdleStateHandler},
 * whose events are consumed here rather than by Vert.x, which would close busy connections too.
 * All state lives on the connection's event loop.
 */
final class ConnectionGuard {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final AttributeKey<ConnectionGuard> KEY = AttributeKey.valueOf("ragd.connectionGuard");
    static final short GOING_AWAY = 1001;
    static final short POLICY_VIOLATION = 1008;
    static final String IDLE_REASON = "idle timeout";

    /** Where the connection is in receiving its current request. */
    private enum Phase { WAITING, HEADERS, BODY, MESSAGE }

    private final HttpConnection connection;
    private final Channel channel;
    private final long requestTimeoutNanos;
    private final int requestTimeoutMs;
    /** The 429 body when this connection is over its address's limit, else null. */
    private final ChatError refusal;
    private ChannelHandlerContext messages;
    private Phase phase = Phase.WAITING;
    private long phaseStartNanos;
    private ScheduledFuture<?> deadline;
    private int requests;
    private int responsesStarted;
    private int responsesEnded;
    /** A request the decoder could not read (headers too large, a bad request line): Vert.x answers it and closes. */
    private boolean unreadable;
    private ChannelFuture refusalSent;
    private ServerWebSocket webSocket;
    private BooleanSupplier webSocketBusy;
    private boolean webSocketMode;
    /** A fragmented WebSocket data message has begun and its final fragment is still to come. */
    private boolean fragmentOpen;

    private ConnectionGuard(HttpConnection connection, Channel channel, EdgeConfig edge, ChatError refusal) {
        this.connection = connection;
        this.channel = channel;
        this.requestTimeoutMs = edge.requestTimeoutMs();
        this.requestTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(edge.requestTimeoutMs());
        this.refusal = refusal;
    }

    /**
     * Counts {@code connection} against its address's limit and guards it; call from the server's
     * connection handler, which runs on the connection's event loop as its pipeline is set up.
     */
    static void install(HttpConnection connection, EdgeConfig edge, ConnectionLimiter limiter) {
        if (!(connection instanceof HttpServerConnection server)) {
            return; // not a connection of Vert.x's HTTP server: nothing to hook into
        }
        Channel channel = server.channelHandlerContext().channel();
        String address = connection.remoteAddress() == null ? "" : connection.remoteAddress().hostAddress();
        boolean admitted = limiter.tryAcquire(address);
        if (admitted) {
            channel.closeFuture().addListener(f -> limiter.release(address));
        }
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get("httpDecoder") == null || pipeline.get("httpEncoder") == null) {
            if (!admitted) { // not HTTP/1.x: no cheap way to answer
                connection.close();
            }
            return;
        }
        ChatError refusal = admitted ? null : limiter.refusal();
        ConnectionGuard guard = new ConnectionGuard(connection, channel, edge, refusal);
        channel.attr(KEY).set(guard);
        pipeline.addBefore("httpDecoder", "ragdIdle",
                new IdleStateHandler(0, 0, edge.idleTimeoutMs(), TimeUnit.MILLISECONDS));
        pipeline.addBefore("httpDecoder", "ragdBytes", guard.new Bytes());
        pipeline.addAfter("httpEncoder", "ragdMessages", guard.new Messages());
        if (refusal != null) {
            guard.start(Phase.HEADERS); // a refused connection must ask at once or go
        }
    }

    /**
     * Tells the guard of {@code ws}'s connection that it now carries a WebSocket, and how to know
     * whether a request is in flight on it ({@code busy}); call from the WebSocket handler.
     */
    static void webSocket(ServerWebSocket ws, BooleanSupplier busy) {
        if (ws instanceof WebSocketInternal internal) {
            ConnectionGuard guard = internal.channelHandlerContext().channel().attr(KEY).get();
            if (guard != null) {
                guard.webSocket = ws;
                guard.webSocketBusy = busy;
                guard.webSocketMode = true;
            }
        }
    }

    private boolean busy() {
        if (webSocketMode) {
            return webSocketBusy != null && webSocketBusy.getAsBoolean();
        }
        return responsesEnded < requests;
    }

    private void idle() {
        if (phase != Phase.WAITING || busy() || !channel.isActive()) {
            return; // a request on its way is the request timeout's business
        }
        log.atDebug().addKeyValue("remote", connection.remoteAddress()).log("closing idle connection");
        if (webSocket != null) {
            if (!webSocket.isClosed()) {
                webSocket.close(GOING_AWAY, IDLE_REASON);
            }
        } else {
            connection.close();
        }
    }

    private void start(Phase next) {
        phase = next;
        phaseStartNanos = System.nanoTime();
        if (next != Phase.WAITING && deadline == null) {
            deadline = channel.eventLoop().schedule(this::checkDeadline, requestTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One timer per connection, re-armed for what is left rather than per request. */
    private void checkDeadline() {
        deadline = null;
        if (phase == Phase.WAITING || !channel.isActive()) {
            return;
        }
        long left = requestTimeoutNanos - (System.nanoTime() - phaseStartNanos);
        if (left <= 0 && earlierResponsesPending()) {
            // A pipelined request waits, unread, for the answers before it: not the client's delay.
            phaseStartNanos = System.nanoTime();
            left = requestTimeoutNanos;
        }
        if (left > 0) {
            deadline = channel.eventLoop().schedule(this::checkDeadline, left, TimeUnit.NANOSECONDS);
            return;
        }
        timedOut();
    }

    /** Requests received before the one being received now. */
    private int requestsBefore() {
        return phase == Phase.BODY ? requests - 1 : requests;
    }

    private boolean earlierResponsesPending() {
        return refusal == null && responsesEnded < requestsBefore();
    }

    private void timedOut() {
        String what = switch (phase) {
            case HEADERS -> "request headers";
            case BODY -> "request body";
            default -> "WebSocket message";
        };
        String message = "the " + what + " did not arrive within " + requestTimeoutMs + " ms (RAGD_REQUEST_TIMEOUT_MS)";
        log.atDebug().addKeyValue("remote", connection.remoteAddress()).log(message + "; closing");
        int before = requestsBefore();
        boolean noResponseYet = refusal == null && responsesStarted == before && responsesEnded == before;
        if (phase == Phase.MESSAGE && webSocket != null && !webSocket.isClosed()) {
            webSocket.close(POLICY_VIOLATION, Wire.closeReason(message));
        } else if (phase != Phase.MESSAGE && noResponseYet && messages != null) {
            messages.writeAndFlush(EdgeReplies.closing(HttpResponseStatus.REQUEST_TIMEOUT,
                    ChatError.of(ErrorCodes.REQUEST_TIMEOUT, message, true))).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private void refuse(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest && refusalSent == null) {
            refusalSent = ctx.writeAndFlush(EdgeReplies.closing(HttpResponseStatus.TOO_MANY_REQUESTS, refusal));
        }
        if (msg instanceof LastHttpContent && refusalSent != null) {
            refusalSent.addListener(ChannelFutureListener.CLOSE);
        }
        ReferenceCountUtil.release(msg);
    }

    /** Raw bytes, in front of the HTTP decoder: the first byte of a request starts its clock. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (phase == Phase.WAITING) {
                start(webSocketMode ? Phase.MESSAGE : Phase.HEADERS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                idle();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
            super.channelInactive(ctx);
        }
    }

    /** Decoded requests and responses, between the HTTP codec and Vert.x. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            messages = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                requests++;
                start(Phase.BODY);
                unreadable |= request.decoderResult().isFailure();
            }
            if (msg instanceof LastHttpContent) {
                start(Phase.WAITING);
            }
            if (msg instanceof WebSocketFrame frame) {
                // A control frame (ping, pong, close) may come between the fragments of a message.
                if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                        || frame instanceof ContinuationWebSocketFrame) {
                    fragmentOpen = !frame.isFinalFragment();
                }
                if (!fragmentOpen) {
                    start(Phase.WAITING);
                }
            }
            if (refusal != null) {
                refuse(ctx, msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!EdgeReplies.interim(msg)) {
                if (msg instanceof HttpResponse r) {
                    responsesStarted++;
                    webSocketMode |= r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
                    if (unreadable) {
                        // Said, so a keep-alive client does not send its next request into the closing connection.
                        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    }
                }
                if (msg instanceof LastHttpContent) {
                    responsesEnded++;
                }
            }
            ctx.write(msg, promise);
        }
    }
}
