package dev.ragd.server;

import dev.ragd.chat.ChatError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The responses {@link ConnectionGuard} writes itself, in front of Vert.x (408, 429), and how it tells responses apart. */
final class EdgeReplies {

    private EdgeReplies() {}

    /**
     * A complete response with {@code error} as the usual JSON error body and {@code Connection:
     * close}: the connection is closed once it is written.
     */
    static DefaultFullHttpResponse closing(HttpResponseStatus status, ChatError error) {
        ByteBuf body = Unpooled.wrappedBuffer(Wire.errorBody(error).encode().getBytes(StandardCharsets.UTF_8));
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpChat.JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    /** An interim response ({@code 100 Continue} and the like, not {@code 101}): no request's answer. */
    static boolean interim(Object msg) {
        return msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL
                && r.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    }
}
