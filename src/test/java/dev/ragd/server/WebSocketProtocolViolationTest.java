package dev.ragd.server;

import static dev.ragd.server.HttpVerticle.MAX_BODY_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames that break RFC 6455 or the size limit, sent with a raw socket to both WebSocket endpoints:
 * each gets a close frame with the right code and a reason naming the problem, then the TCP
 * connection ends, nothing is answered, and the server answers the next client as usual.
 */
class WebSocketProtocolViolationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String LIMIT = MAX_BODY_BYTES + " bytes";
    private static ServerFixture server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A valid question for the endpoint at {@code path}, with {@code entries} history entries. */
    static String question(String path, String text, int entries) {
        if (path.equals(HttpVerticle.NATIVE_PATH)) {
            JsonArray messages = new JsonArray();
            for (int i = 0; i < entries; i++) {
                messages.add(new JsonObject().put("role", "user").put("content", text));
            }
            return new JsonObject().put("id", "q-1").put("messages", messages).encode();
        }
        JsonArray history = new JsonArray();
        for (int i = 0; i < entries; i++) {
            history.add("user_question: " + text);
        }
        return new JsonObject().put("user_email", "ann@example.org").put("chat_history", history).encode();
    }

    static byte[] question(String path) {
        return question(path, "When does the library open?", 1).getBytes(StandardCharsets.UTF_8);
    }

    /** The question with {@code bad} in place of the first {@code "?"}: bytes no UTF-8 decoder accepts. */
    static byte[] questionWith(String path, byte... bad) {
        byte[] q = question(path);
        int at = new String(q, StandardCharsets.UTF_8).indexOf('?');
        byte[] out = new byte[q.length - 1 + bad.length];
        System.arraycopy(q, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(q, at + 1, out, at + bad.length, q.length - at - 1);
        return out;
    }

    /** The question split right after its first {@code split} bytes, as a text frame and a final continuation. */
    static List<RawFrame> split(byte[] message, int split) {
        return List.of(new RawFrame(false, 0, RawFrame.TEXT, true, Arrays.copyOf(message, split)),
                RawFrame.continuation(Arrays.copyOfRange(message, split, message.length)));
    }

    static byte[] filled(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    record Violation(String name, Function<String, List<RawFrame>> frames, int code, String reasonContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Violation> VIOLATIONS = List.of(
            new Violation("a 1 MB frame", p -> List.of(RawFrame.text(filled(1 << 20))), 1009, LIMIT),
            new Violation("a 16 MB frame", p -> List.of(RawFrame.text(filled(16 << 20))), 1009, LIMIT),
            new Violation("a 100,000-entry history", p -> List.of(RawFrame.text(question(p, "hi", 100_000))), 1009, LIMIT),
            new Violation("a 300 KB message in 75 fragments",
                    p -> RawFrame.fragments(RawFrame.TEXT, filled(300 * 1024), 75), 1009, LIMIT),
            new Violation("a message one byte over the limit in 4 fragments",
                    p -> RawFrame.fragments(RawFrame.TEXT, filled(MAX_BODY_BYTES + 1), 4), 1009, LIMIT),
            new Violation("a continuation frame without a start",
                    p -> List.of(RawFrame.continuation(question(p))), 1002, "continuation"),
            new Violation("a 126-byte ping", p -> List.of(RawFrame.ping(new byte[126])), 1002, "125"),
            new Violation("reserved opcode 0x3", p -> List.of(RawFrame.of(0x3, question(p))), 1002, "reserved opcode 3"),
            new Violation("an unmasked client frame", p -> List.of(RawFrame.text(question(p)).masked(false)), 1002, "masked"),
            new Violation("a fragmented ping", p -> List.of(RawFrame.ping(new byte[4]).fin(false)), 1002, "fragmented control frame"),
            new Violation("close code 999", p -> List.of(RawFrame.close(999, "bye")), 1002, "999"),
            new Violation("RSV1 without an extension", p -> List.of(RawFrame.text(question(p)).rsv(RawFrame.RSV1)), 1002, "RSV"),
            new Violation("RSV2 without an extension", p -> List.of(RawFrame.text(question(p)).rsv(RawFrame.RSV2)), 1002, "RSV"),
            new Violation("RSV3 without an extension", p -> List.of(RawFrame.text(question(p)).rsv(RawFrame.RSV3)), 1002, "RSV"),
            new Violation("invalid UTF-8 in a text frame",
                    p -> List.of(RawFrame.text(questionWith(p, (byte) 0xFF))), 1007, "UTF-8"),
            new Violation("a UTF-8 sequence broken across fragments", p -> {
                byte[] q = questionWith(p, (byte) 0xC3, (byte) 0x28); // 0xC3 needs a continuation byte; '(' is not one
                return split(q, new String(question(p), StandardCharsets.UTF_8).indexOf('?') + 1);
            }, 1007, "UTF-8"),
            new Violation("a text message ending inside a UTF-8 sequence", p -> {
                byte[] q = Arrays.copyOf(question(p), question(p).length + 2);
                q[q.length - 2] = (byte) 0xE2; // the first two bytes of a three-byte sequence
                q[q.length - 1] = (byte) 0x82;
                return split(q, q.length - 1);
            }, 1007, "UTF-8"));

    static Stream<Arguments> violations() {
        return Stream.of(BookOrNative.values())
                .flatMap(e -> VIOLATIONS.stream().map(v -> Arguments.of(e, v)));
    }

    enum BookOrNative {
        BOOK(HttpVerticle.BOOK_PATH), NATIVE(HttpVerticle.NATIVE_PATH);

        final String path;

        BookOrNative(String path) {
            this.path = path;
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("violations")
    void getsACloseFrameWithTheCodeAndAReasonNamingTheProblemThenTheConnectionEnds(BookOrNative endpoint,
            Violation violation) throws Exception {
        int logged = server.memoryLog().size();
        RawWebSocket.Closure closure;
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), endpoint.path)) {
            CompletableFuture<Void> sent = ws.sendInBackground(violation.frames().apply(endpoint.path));
            closure = ws.awaitClose(TIMEOUT);
            // A huge frame may be cut off before it is all sent; all that matters is the close.
            sent.handle((v, e) -> null).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(closure.closeFrame()).as("a close frame, not a dropped connection").isTrue();
        assertThat(closure.code()).isEqualTo(violation.code());
        assertThat(closure.reason()).contains(violation.reasonContains());
        assertThat(closure.tcpClosed()).as("the server ends the TCP connection").isTrue();
        assertThat(closure.bytesAfterClose()).as("nothing after the close frame").isZero();
        assertThat(closure.frames()).as("nothing answered").isEmpty();
        assertThat(server.memoryLog().size()).as("no question logged").isEqualTo(logged);
        assertAnswersANewClient(endpoint.path);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {HttpVerticle.BOOK_PATH, HttpVerticle.NATIVE_PATH})
    void aMessageOfExactlyTheLimitIsStillAnsweredWholeOrInFragments(String path) throws Exception {
        byte[] padded = Arrays.copyOf(question(path), MAX_BODY_BYTES); // JSON allows trailing spaces
        Arrays.fill(padded, question(path).length, padded.length, (byte) ' ');
        for (List<RawFrame> frames : List.of(List.of(RawFrame.text(padded)), RawFrame.fragments(RawFrame.TEXT, padded, 4))) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), path)) {
                for (RawFrame f : frames) {
                    ws.send(f);
                }
                assertAnswered(ws, path);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BookOrNative.class)
    void compressionIsNotNegotiatedSoRsv1StaysAProtocolErrorEvenWhenTheClientOffersIt(BookOrNative endpoint)
            throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), endpoint.path,
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-webkit-deflate-frame"))) {
            assertThat(ws.handshake().headers()).doesNotContainKey("sec-websocket-extensions");
            ws.send(RawFrame.text(question(endpoint.path)).rsv(RawFrame.RSV1));
            RawWebSocket.Closure closure = ws.awaitClose(TIMEOUT);

            assertThat(closure.code()).isEqualTo(1002);
            assertThat(closure.frames()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BookOrNative.class)
    void aViolationMidAnswerIsTheLastThingSentAndTheAnswerIsCancelledWhenTheClientGoes(BookOrNative endpoint)
            throws Exception {
        // Without a resume window: with one, the answer would wait for a resume first (ResumeTest).
        try (ServerFixture slow = ServerFixture.builder().env("RAGD_RESUME_WINDOW_MS", "0")
                .generator(FakeGenerator.words(1000, 10)).start()) {
            RawWebSocket.Closure closure;
            try (RawWebSocket ws = RawWebSocket.connect(slow.port(), endpoint.path)) {
                ws.send(RawFrame.text(question(endpoint.path)));
                ws.read(TIMEOUT); // the answer has started
                ws.send(RawFrame.ping(new byte[4]).fin(false));
                closure = ws.awaitClose(TIMEOUT);
            }

            assertThat(closure.code()).isEqualTo(1002);
            assertThat(closure.tcpClosed()).isTrue();
            assertThat(closure.bytesAfterClose()).as("no token after the close frame").isZero();
            Await.until(() -> slow.fakeGenerator().cancels.get() == 1);
        }
    }

    /** Reads the whole answer: the book socket closes with 1000, the native one sends an end frame. */
    private static void assertAnswered(RawWebSocket ws, String path) throws Exception {
        if (path.equals(HttpVerticle.NATIVE_PATH)) {
            JsonObject frame;
            do {
                frame = new JsonObject(ws.read(TIMEOUT).text());
            } while (frame.getString("type").equals("start") || frame.getString("type").equals("sources")
                    || frame.getString("type").equals("token"));
            assertThat(frame.getString("type")).isEqualTo("end");
        } else {
            RawWebSocket.Closure closure = ws.awaitClose(TIMEOUT);
            assertThat(closure.code()).isEqualTo(1000);
            assertThat(closure.frames()).hasSizeGreaterThan(1);
        }
    }

    private static void assertAnswersANewClient(String path) throws Exception {
        try (WsSession s = WsSession.connect(server.vertx, server.port(), path)) {
            s.send(new String(question(path), StandardCharsets.UTF_8));
            if (path.equals(HttpVerticle.NATIVE_PATH)) {
                List<JsonObject> frames = NativeSocketTest.framesOf(s, "q-1");
                assertThat(frames.getLast().getString("type")).isEqualTo("end");
            } else {
                List<String> frames = s.readUntilClosed();
                assertThat(s.closeCode).isEqualTo((short) 1000);
                assertThat(frames).hasSizeGreaterThan(1);
            }
        }
    }
}
