package dev.ragd.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a WebSocket connection the way RFC 6455 (section 7.1.7) asks when the client breaks the
 * protocol or the size limit: one close frame whose code and reason name the problem (1002 for a
 * protocol error, 1007 for text that is not UTF-8, 1009 for a frame or message over the limit),
 * then the end of the TCP connection; nothing that arrived after the problem reaches the
 * application.
 *
 * <p>Netty's frame decoder detects every protocol error and oversized frame, but Vert.x configures
 * it not to answer them, and Vert.x then drops the TCP connection without a close frame. Vert.x
 * neither validates UTF-8 (bad bytes become U+FFFD) nor fails an oversized fragmented message (it
 * drops it and stays open). So this adds Netty's own {@link Utf8FrameValidator} and
 * {@link WebSocketFrameAggregator} behind the decoder and turns the exceptions of all three into
 * the close frame.
 *
 * <p>After the close frame the server sends FIN and keeps reading, throwing bytes away, until the
 * client closes, a byte bound or a time bound: closing a socket with unread bytes makes TCP send a
 * reset, which can destroy the close frame before the client reads it (a client typically is still
 * sending the oversized message). Everything runs on the connection's event loop.
 */
final class WebSocketGuard {

    private static final Logger log = LoggerFactory.getLogger(WebSocketGuard.class);

    private final int maxMessageBytes;
    private final long maxDiscardBytes;
    private final long lingerMs;
    private boolean failed;
    private long discarded;
    private ScheduledFuture<?> lingerTimer;

    private WebSocketGuard(int maxMessageBytes, long maxDiscardBytes, long lingerMs) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxDiscardBytes = maxDiscardBytes;
        this.lingerMs = lingerMs;
    }

    /**
     * Installs the guard on an accepted socket, before it reads its first frame (call it first in
     * the {@code webSocketHandler}).
     *
     * @param maxMessageBytes the largest message accepted, whole or in fragments; the decoder's
     *                        frame limit ({@code HttpServerOptions.setMaxWebSocketFrameSize}) must not exceed it
     * @param maxDiscardBytes how much the client may still send after the close frame
     * @param lingerMs        how long the client has to close after the close frame
     */
    static void install(ServerWebSocket ws, int maxMessageBytes, long maxDiscardBytes, long lingerMs) {
        WebSocketGuard guard = new WebSocketGuard(maxMessageBytes, maxDiscardBytes, lingerMs);
        // The context of Vert.x's own handler, last in the pipeline: the validator, the aggregator
        // and the guard go right before it, after the frame decoder and any extension decoder.
        ChannelHandlerContext vertx = ((WebSocketInternal) ws).channelHandlerContext();
        ChannelPipeline pipeline = vertx.pipeline();
        pipeline.addBefore(vertx.name(), "ragd-ws-utf8", new Utf8FrameValidator(false));
        pipeline.addBefore(vertx.name(), "ragd-ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
        pipeline.addBefore(vertx.name(), "ragd-ws-guard", guard.new Verdict());
        ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
        if (decoder != null) {
            pipeline.addBefore(decoder.name(), "ragd-ws-intake", guard.new Intake());
        }
    }

    /** The close frame for a decoder, validator or aggregator exception; null for any other failure. */
    CloseWebSocketFrame closeFrame(Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            WebSocketCloseStatus status = corrupt.closeStatus();
            String reason = switch (status.code()) {
                case 1009 -> "frame larger than the limit of " + maxMessageBytes + " bytes";
                // Netty reports only malformed UTF-8 (in a text message or a close reason) as 1007.
                case 1007 -> "text is not valid UTF-8";
                default -> corrupt.getMessage() == null ? status.reasonText() : corrupt.getMessage();
            };
            return new CloseWebSocketFrame(status.code(), Wire.closeReason(reason));
        }
        if (cause instanceof TooLongFrameException) {
            return new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
                    "message larger than the limit of " + maxMessageBytes + " bytes");
        }
        return null;
    }

    private void fail(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        failed = true;
        log.atInfo().addKeyValue("close_code", close.statusCode()).addKeyValue("reason", close.reasonText())
                .addKeyValue("remote", ctx.channel().remoteAddress()).log("websocket protocol violation");
        ctx.writeAndFlush(close).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && f.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                f.channel().close();
            }
        });
        lingerTimer = ctx.executor().schedule(() -> ctx.close(), lingerMs, TimeUnit.MILLISECONDS);
    }

    /** Before the frame decoder: once failed, reads and throws away what the client still sends. */
    private final class Intake extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!failed) {
                ctx.fireChannelRead(msg);
                return;
            }
            discarded += msg instanceof ByteBuf b ? b.readableBytes() : 0;
            ReferenceCountUtil.release(msg);
            if (discarded > maxDiscardBytes) {
                ctx.close();
            }
        }
    }

    /**
     * Right before Vert.x's handler: answers a violation with its close frame, and after it lets
     * no frame in and none out (an answer in flight must not follow the close frame).
     */
    private final class Verdict extends ChannelDuplexHandler {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CloseWebSocketFrame close = closeFrame(cause);
            if (close == null) {
                ctx.fireExceptionCaught(cause);
            } else if (failed) {
                close.release();
            } else {
                fail(ctx, close);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (failed) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (failed) {
                ReferenceCountUtil.release(msg);
                promise.tryFailure(new ClosedChannelException());
            } else {
                ctx.write(msg, promise);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (lingerTimer != null) {
                lingerTimer.cancel(false);
            }
            ctx.fireChannelInactive();
        }
    }
}
