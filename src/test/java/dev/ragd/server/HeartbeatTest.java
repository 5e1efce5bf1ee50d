package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.FakeGenerator;
import io.vertx.core.json.JsonObject;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code RAGD_HEARTBEAT_MS}: a stream waiting for a slow model gets SSE comment lines, a WebSocket
 * with an answer in flight gets pings; a socket that stops answering pings is dropped and its
 * request cancelled once the resume window passes; an idle socket gets none (its idle timeout is unchanged).
 */
class HeartbeatTest {

    static ServerFixture server(FakeGenerator generator) throws Exception {
        return ServerFixture.builder().generator(generator).env("RAGD_HEARTBEAT_MS", "200").start();
    }

    @Test
    void anSseStreamWaitingForTheModelGetsCommentLinesAndStillEndsAsUsual() throws Exception {
        try (ServerFixture f = server(FakeGenerator.words(2, 900))) {
            HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + f.port() + "/v1/chat")).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(NativeSocketTest.request("h", "warranty?").encode())).build(),
                    HttpResponse.BodyHandlers.ofLines());
            List<String> lines = r.body().toList();

            int firstToken = lines.indexOf("event: token");
            assertThat(firstToken).isPositive();
            assertThat(lines.subList(0, firstToken).stream().filter(": heartbeat"::equals).count())
                    .as("beats while waiting %s ms for the first token", 900).isGreaterThanOrEqualTo(2);
            assertThat(lines).contains("event: end");
        }
    }

    @Test
    void aWebSocketWithAnAnswerInFlightIsPingedAndAnsweringTheKeepsItOpen() throws Exception {
        try (ServerFixture f = server(FakeGenerator.words(2, 900));
                RawWebSocket ws = RawWebSocket.connect(f.port(), "/v1/chat")) {
            ws.send(RawFrame.text(NativeSocketTest.request("p", "warranty?").encode()));
            int pings = 0;
            String type = "";
            while (!type.equals("end")) {
                RawFrame frame = ws.read(Duration.ofSeconds(5));
                if (frame.opcode() == RawFrame.PING) {
                    pings++;
                    ws.send(RawFrame.of(RawFrame.PONG, frame.payload()));
                } else if (frame.opcode() == RawFrame.TEXT) {
                    type = new JsonObject(new String(frame.payload(), StandardCharsets.UTF_8)).getString("type");
                }
            }
            assertThat(pings).isGreaterThanOrEqualTo(2);
            assertThat(f.memoryLog().await("p", x -> true, Duration.ofSeconds(5)).status())
                    .isEqualTo(ChatRecord.Status.completed);
        }
    }

    @Test
    void aSocketThatStopsAnsweringPingsIsDroppedAndItsAnswerCancelledOnceTheResumeWindowPasses() throws Exception {
        FakeGenerator slow = FakeGenerator.words(10_000, 50);
        // A dead peer is the network blip resume exists for: its answer is kept for the window
        // (a short one here), then cancelled as no one came back for it.
        try (ServerFixture f = ServerFixture.builder().generator(slow).env("RAGD_HEARTBEAT_MS", "200")
                        .env("RAGD_RESUME_WINDOW_MS", "1000").start();
                RawWebSocket ws = RawWebSocket.connect(f.port(), "/v1/chat")) {
            ws.send(RawFrame.text(NativeSocketTest.request("d", "warranty?").encode()));

            RawWebSocket.Closure closed = ws.awaitClose(Duration.ofSeconds(5)); // never answers a ping

            assertThat(closed.code()).as("dropped, not closed politely").isEqualTo(RawWebSocket.ABNORMAL);
            assertThat(closed.frames()).anyMatch(fr -> fr.opcode() == RawFrame.PING);
            assertThat(f.memoryLog().await("d", x -> true, Duration.ofSeconds(5)).status())
                    .isEqualTo(ChatRecord.Status.cancelled);
            assertThat(slow.cancels).hasValue(1);
        }
    }

    @Test
    void anIdleSocketIsNeverPinged() throws Exception {
        try (ServerFixture f = server(FakeGenerator.words(2, 0));
                RawWebSocket ws = RawWebSocket.connect(f.port(), "/v1/chat")) {
            assertThatThrownBy(() -> ws.read(Duration.ofMillis(700))).isInstanceOf(SocketTimeoutException.class);
        }
    }
}
