package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code RAGD_IDLE_TIMEOUT_MS}: a connection with no request in flight and no traffic is closed; one
 * whose answer is still being written, however slowly, is not.
 */
class IdleTimeoutTest {

    /** The smallest idle timeout the configuration accepts. */
    static final String IDLE_MS = "1000";
    /** Longer than {@link #IDLE_MS} between tokens: the answer is silent for longer than the idle timeout. */
    static final long SLOWER_THAN_IDLE_MS = 1_300;

    static ServerFixture.Builder idle() {
        return ServerFixture.builder().env("RAGD_IDLE_TIMEOUT_MS", IDLE_MS);
    }

    @ParameterizedTest(name = "WebSocket at {0}")
    @ValueSource(strings = {"/", "/v1/chat"})
    void anIdleWebSocketIsClosedWith1001NamingTheIdleTimeout(String path) throws Exception {
        try (ServerFixture f = idle().start(); WsSession s = WsSession.connect(f.vertx, f.port(), path)) {
            short code = s.closed.get(10, TimeUnit.SECONDS);

            assertThat(code).isEqualTo((short) 1001);
            assertThat(s.closeReason()).isEqualTo("idle timeout");
        }
    }

    @Test
    void aNativeSocketIsClosedOnceItHasBeenIdleAfterItsLastAnswer() throws Exception {
        try (ServerFixture f = idle().start(); WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(NativeSocketTest.request("a", "When?"));
            assertThat(NativeSocketTest.framesOf(s, "a").getLast().getString("type")).isEqualTo("end");

            assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1001);
        }
    }

    @Test
    void anIdleKeepAliveHttpConnectionIsClosed() throws Exception {
        try (ServerFixture f = idle().start(); RawHttp c = RawHttp.connect(f.port())) {
            assertThat(c.send(RawHttp.get("/healthz")).read().status()).isEqualTo(200);
            assertThat(c.send(RawHttp.get("/healthz")).read().status()).as("kept alive between requests").isEqualTo(200);

            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aNativeSocketAnswerSilentForLongerThanTheIdleTimeoutIsNotCut() throws Exception {
        try (ServerFixture f = idle().generator(FakeGenerator.words(3, SLOWER_THAN_IDLE_MS)).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(NativeSocketTest.request("slow", "When?"));
            List<JsonObject> frames = NativeSocketTest.framesOf(s, "slow");

            assertThat(frames).extracting(o -> o.getString("type")).containsExactly(
                    "start", "sources", "token", "token", "token", "end");
        }
    }

    @Test
    void aBookSocketAnswerSilentForLongerThanTheIdleTimeoutIsNotCut() throws Exception {
        try (ServerFixture f = idle().generator(FakeGenerator.words(3, SLOWER_THAN_IDLE_MS)).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(new JsonObject().put("chat_history", List.of("user_question: When?")));
            List<String> frames = s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1000);
            assertThat(frames).filteredOn(t -> t.contains("\"type\":\"stream\"")).hasSize(3);
        }
    }

    @Test
    void anHttpStreamSilentForLongerThanTheIdleTimeoutIsNotCut() throws Exception {
        try (ServerFixture f = idle().generator(FakeGenerator.words(3, SLOWER_THAN_IDLE_MS)).start()) {
            HttpChatTest.Reply r = HttpChatTest.post(f, NativeSocketTest.request("sse", "When?"));

            assertThat(HttpChatTest.events(r.body())).extracting(HttpChatTest.Event::type).containsExactly(
                    "start", "sources", "token", "token", "token", "end");
        }
    }
}
