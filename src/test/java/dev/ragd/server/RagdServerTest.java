package dev.ragd.server;

import dev.ragd.testsupport.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RagdServerTest {

    @Test
    void closingTheServerCancelsOpenRequestsAndWaitsForTheirRecords() throws Exception {
        FakeGenerator slow = FakeGenerator.words(10_000, 5);
        InMemoryChatLog slowLog = new InMemoryChatLog().slow(300);
        try (ServerFixture f = ServerFixture.builder().generator(slow).chatLog(slowLog).start()) {
            WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat");
            s.send(NativeSocketTest.request("open", "When?"));
            Await.until(() -> slow.emitted.get() >= 3);

            f.server.close().await(20, TimeUnit.SECONDS);

            ChatRecord r = f.memoryLog().record("open");
            assertThat(r).as("record written when close() completes").isNotNull();
            assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
            assertThat(s.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void allInstancesShareTheEphemeralPortAndServeConnections() throws Exception {
        try (ServerFixture f = ServerFixture.builder().instances(3).start()) {
            assertThat(f.port()).isPositive();
            for (int i = 0; i < 6; i++) {
                try (WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
                    s.send(NativeSocketTest.request("p" + i, "When?"));
                    assertThat(NativeSocketTest.framesOf(s, "p" + i).getLast().getString("type")).isEqualTo("end");
                }
            }
        }
    }

    @Test
    void startFailsWhenThePortIsTaken() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            Vertx other = Vertx.vertx();
            try {
                RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_HOST", "127.0.0.1",
                        "PORT", Integer.toString(f.port()))));
                ChatPipeline pipeline = Pipelines.create(other, config, new FakeRetriever(),
                        FakeGenerator.text("x", 0), new InMemoryChatLog());
                assertThatThrownBy(() -> RagdServer.start(other, ServerSettings.from(config), pipeline, java.util.Map.of(), java.util.List.of(), 1).await(10, TimeUnit.SECONDS))
                        .hasMessageContaining("in use");
            } finally {
                other.close().await(10, TimeUnit.SECONDS);
            }
        }
    }
}
