package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatEvents;
import dev.ragd.chat.ChatHandle;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ChatRequest;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.chat.ClientErrors;
import dev.ragd.chat.EndInfo;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The book-compatible WebSocket at {@code /}: one question per connection, answered with a
 * {@code print} frame ({@code ANSWER:}) and one compact {@code stream} frame per token, then a
 * normal close. The book's page pulls tokens out of frames with a regex on {@code "content":"}, so
 * frames are compact JSON with exactly the book's key order.
 */
final class BookSocket implements ChatEvents {

    private static final Logger log = LoggerFactory.getLogger(BookSocket.class);
    static final short NORMAL = 1000;
    static final short UNSUPPORTED_DATA = 1003;
    static final short INTERNAL_ERROR = 1011;

    private final ServerWebSocket ws;
    private final ChatPipeline pipeline;
    private final RequestOrigin origin;
    private final boolean wholeAnswer;
    /** The book's {@code uuid} of this connection's one request: the id of its chat-log record. */
    private final String uuid = ChatPipeline.newLogId();
    private final DrainSignal drain;
    private final TokenFrame tokenFrame;
    private ChatHandle handle;
    private boolean received;

    private BookSocket(ServerWebSocket ws, ChatPipeline pipeline, ServerSettings settings, RequestOrigin origin) {
        this.ws = ws;
        this.pipeline = pipeline;
        this.origin = origin;
        this.wholeAnswer = settings.testMode();
        this.drain = DrainSignal.webSocket(ws, settings.edge().writeStallTimeoutMs(), () -> {
            if (handle != null) {
                handle.cancel();
            }
        });
        this.tokenFrame = TokenFrame.of(this::stream, BookJson::encode, true);
    }

    /** Serves {@code ws}; the returned socket tells whether its question is being answered ({@link #busy()}). */
    static BookSocket attach(ServerWebSocket ws, ChatPipeline pipeline, ServerSettings settings, RequestOrigin origin) {
        BookSocket s = new BookSocket(ws, pipeline, settings, origin);
        ws.textMessageHandler(s::onText);
        ws.binaryMessageHandler(b -> s.close(UNSUPPORTED_DATA,
                "binary frames are not supported; send a JSON text frame"));
        ws.exceptionHandler(e -> log.atDebug().addKeyValue("request_id", s.uuid).setCause(e).log("book socket error"));
        ws.closeHandler(v -> {
            if (s.handle != null) {
                s.handle.cancel();
            }
        });
        return s;
    }

    /**
     * Whether the socket's question arrived (it is answered, then the socket closes); the idle
     * timeout leaves it alone then.
     */
    boolean busy() {
        return received;
    }

    private void onText(String text) {
        if (received) {
            log.atDebug().addKeyValue("request_id", uuid)
                    .log("book socket: extra frame ignored (one question per connection)");
            return;
        }
        received = true;
        ChatRequest request;
        try {
            request = RequestParser.bookRequest(RequestParser.object(text), uuid);
        } catch (BadRequestException e) {
            log.atInfo().addKeyValue("request_id", uuid).addKeyValue("close_code", e.closeCode)
                    .addKeyValue("reason", e.getMessage()).log("book request rejected");
            close(e.closeCode, e.getMessage());
            return;
        }
        try {
            handle = pipeline.run(request, origin, uuid, this);
        } catch (RuntimeException e) {
            log.atError().addKeyValue("request_id", uuid).setCause(e).log("request failed unexpectedly");
            onError(ClientErrors.internal());
        }
    }

    @Override
    public void onStart(String logId) {
        send(print("ANSWER:"));
    }

    @Override
    public void onSources(List<Passage> passages) {
        // The book's protocol has no sources frame; citations [n] appear in the answer text.
    }

    @Override
    public void onToken(String text) {
        if (!wholeAnswer) {
            send(tokenFrame.render(text));
        }
    }

    @Override
    public void onEnd(EndInfo end) {
        if (wholeAnswer) {
            send(stream(end.answer()));
        }
        close(NORMAL, null);
    }

    @Override
    public void onError(ChatError error) {
        switch (error.code()) {
            case ErrorCodes.QUESTION_TOO_LONG -> {
                send(print(ErrorCodes.TOO_LONG_MESSAGE));
                close(NORMAL, null);
            }
            case ErrorCodes.BAD_REQUEST -> close(BadRequestException.POLICY_VIOLATION, error.message());
            default -> {
                send(print(error.message()));
                close(INTERNAL_ERROR, error.code());
            }
        }
    }

    @Override
    public boolean writeQueueFull() {
        return drain.writeQueueFull();
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
        drain.await(handler);
    }

    private JsonObject print(String text) {
        return new JsonObject().put("type", "print").put("content", new JsonObject().put("uuid", uuid)
                .put("objects", new JsonArray().add(text)).put("sep", " ").put("end", "\n"));
    }

    private JsonObject stream(String text) {
        return streamFrame(uuid, text);
    }

    /** The book's {@code stream} frame, in the book's key order. */
    static JsonObject streamFrame(String uuid, String text) {
        return new JsonObject().put("type", "stream")
                .put("content", new JsonObject().put("uuid", uuid).put("content", text));
    }

    private void send(JsonObject frame) {
        send(BookJson.encode(frame));
    }

    private void send(String text) {
        if (!ws.isClosed()) {
            ws.writeTextMessage(text);
            drain.wrote();
        }
    }

    private void close(short code, String reason) {
        if (!ws.isClosed()) {
            ws.close(code, reason == null ? null : Wire.closeReason(reason));
        }
    }
}
