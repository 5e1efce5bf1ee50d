package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of the three ways in, against the whole app (Lucene, the local embedder,
 * the extractive answerer, the file chat log): generated and mutated requests (see
 * {@link HostileInputs}), over ten thousand per run. Every input must get a clear answer or a clear
 * client error (never {@code internal_error}, never silence, never a dropped connection), nothing
 * may be logged at ERROR, and afterwards the shared native socket still has all its in-flight slots
 * and a new connection is still answered.
 */
class HostileInputFuzzTest {

    /** Codes a request's content can earn; anything else (internal_error, retrieval_failed…) is a bug. */
    /**
     * A client's own mistakes; {@code not_found}: a {@code conversation_id} of no conversation,
     * {@code not_supported}: any, on a server that keeps no chat log.
     */
    static final Set<String> CLIENT_ERRORS = Set.of("bad_request", "question_too_long", "not_found", "not_supported");
    static final int INFLIGHT = 4;

    private static RunningApp app;
    private static RecordedLog log;
    private static WsSession nativeSocket;
    private static HttpClient http;

    @BeforeContainer
    static void start() throws Exception {
        log = RecordedLog.start();
        app = RunningApp.start(Map.of("RAGD_WS_MAX_INFLIGHT", Integer.toString(INFLIGHT), "RAGD_CHATLOG", "none"));
        nativeSocket = WsSession.connect(app.clientVertx(), app.port(), "/v1/chat");
        // The JDK's client: Vert.x's pooled client can lose a response body's first chunks (eclipse-vertx/vert.x#5825).
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            // No slot leaked on the socket that took thousands of hostile frames: all four at once still run.
            nativeSocket.frames.clear();
            for (int i = 0; i < INFLIGHT; i++) {
                nativeSocket.send(NativeSocketE2ETest.request("after-" + i, "Do you ship to Canada?"));
            }
            List<String> ends = new ArrayList<>();
            while (ends.size() < INFLIGHT) {
                JsonObject f = nativeSocket.nextJson();
                assertThat(f.getString("type")).as("frame %s", f).isNotEqualTo("error");
                if (f.getString("type").equals("end")) {
                    ends.add(f.getString("id"));
                }
            }
            assertThat(ends).containsExactlyInAnyOrder("after-0", "after-1", "after-2", "after-3");
            try (WsSession fresh = WsSession.connect(app.clientVertx(), app.port(), "/v1/chat")) {
                fresh.send(NativeSocketE2ETest.request("fresh", "Do you ship to Canada?"));
                assertThat(terminal(fresh).getString("type")).isEqualTo("end");
            }
            assertThat(log.atLeast(Level.ERROR)).as("nothing logged at ERROR").isEmpty();
            assertThat(log.atLeast(Level.WARN).stream().filter(e -> e.getThrowableProxy() != null))
                    .as("no stack trace logged for a client's input").isEmpty();
        } finally {
            nativeSocket.close();
            http.close();
            app.close();
            log.close();
        }
    }

    /** Frames up to the first end, answer or error: the reply to the one input in flight. */
    static JsonObject terminal(WsSession s) throws InterruptedException {
        while (true) {
            JsonObject f = s.nextJson();
            String type = f.getString("type");
            if (type.equals("end") || type.equals("answer") || type.equals("error") || type.equals("feedback")) {
                return f;
            }
        }
    }

    static void assertClearError(JsonObject error, String input) {
        assertThat(error.getString("code")).as("error code for %s", input).isIn(CLIENT_ERRORS);
        assertThat(error.getString("message")).as("message for %s", input).isNotBlank();
        assertThat(error.getBoolean("retryable")).as("a client's own mistake is not retryable").isFalse();
    }

    @Provide
    Arbitrary<String> nativeRequests() {
        return HostileInputs.nativeRequests();
    }

    @Provide
    Arbitrary<String> bookRequests() {
        return HostileInputs.bookRequests();
    }

    @Property(tries = 4000)
    void everyNativeFrameGetsAnAnswerOrAClearError(@ForAll("nativeRequests") String input) throws Exception {
        nativeSocket.send(input);
        JsonObject reply = terminal(nativeSocket);
        if (reply.getString("type").equals("error")) {
            assertClearError(reply, input);
        }
        assertThat(nativeSocket.closed).as("the socket stays open").isNotDone();
    }

    @Provide
    Arbitrary<String> controlFrames() {
        return HostileInputs.controlFrames();
    }

    /**
     * Stop, feedback and resume frames and unknown types: a clear error (a stop for nothing in flight
     * is {@code not_found}, a resume of no answer {@code resume_expired}).
     */
    @Property(tries = 1500)
    void everyControlFrameGetsAnAnswerOrAClearError(@ForAll("controlFrames") String input) throws Exception {
        nativeSocket.send(input);
        JsonObject reply = terminal(nativeSocket);
        // A well-formed stop, rating or resume names no answer of this app (whose chat log keeps none).
        if (reply.getString("type").equals("error")
                && !java.util.Set.of("not_found", "not_supported", "resume_expired").contains(reply.getString("code"))) {
            assertClearError(reply, input);
        }
        assertThat(reply.getString("message", "x")).as("message for %s", input).isNotBlank();
        assertThat(nativeSocket.closed).as("the socket stays open").isNotDone();
    }

    @Property(tries = 3000)
    void everyBookFrameGetsAnAnswerOrAClearClose(@ForAll("bookRequests") String input) throws Exception {
        try (WsSession s = WsSession.connect(app.clientVertx(), app.port(), "/")) {
            s.send(input);
            List<String> frames = s.readUntilClosed();
            assertThat(s.closeCode).as("close code for %s", input).isIn((short) 1000, (short) 1007, (short) 1008);
            if (s.closeCode == 1000) {
                assertThat(frames).as("an answer or the too-long message").isNotEmpty();
            } else {
                assertThat(s.closeReason()).as("reason for %s", input).isNotBlank();
            }
        }
    }

    @Property(tries = 3000)
    void everyHttpBodyGetsAnAnswerOrAClearError(@ForAll("nativeRequests") String input) throws Exception {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(input)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as("status for %s", input).isIn(200, 400, 404, 501);
        if (reply.statusCode() != 200) {
            assertClearError(new JsonObject(reply.body()).getJsonObject("error"), input);
        } else {
            String text = reply.body();
            assertThat(text.startsWith("{\"id\"") || text.contains("event: end")).as("a whole answer: %s", text).isTrue();
        }
    }
}
