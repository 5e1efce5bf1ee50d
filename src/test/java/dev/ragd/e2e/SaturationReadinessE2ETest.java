package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica at its cap of generations in flight answers new questions with {@code busy}; its
 * readiness turns red meanwhile (naming the reason), so a load balancer sends new users elsewhere,
 * and green again once an answer finishes.
 */
class SaturationReadinessE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.with(Map.of("RAGD_MAX_CONCURRENT_GENERATIONS", "1",
            "RAGD_EXTRACTIVE_TOKEN_MS", "100"));

    @Test
    void readinessIsRedWhileTheReplicaIsAtItsGenerationCap() throws Exception {
        int port = APP.get().port();
        assertThat(ChatLogOutageE2ETest.readyz(port).statusCode()).isEqualTo(200);
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), port, "/v1/chat")) {
            ws.send(NativeSocketE2ETest.request("slow", BookSocketE2ETest.QUESTION));
            assertThat(ws.nextJson().getString("type")).isEqualTo("start");

            HttpResponse<String> saturated = ChatLogOutageE2ETest.readyz(port);
            assertThat(saturated.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(saturated.body()).getJsonObject("reasons").getString("generations"))
                    .contains("saturated").contains("1 of RAGD_MAX_CONCURRENT_GENERATIONS=1");

            ws.send(NativeSocketE2ETest.request("over", BookSocketE2ETest.QUESTION));
            JsonObject refused;
            do {
                refused = ws.nextJson();
            } while (!"over".equals(refused.getString("id")));
            assertThat(refused.getString("code")).isEqualTo("busy");

            DrainE2ETest.untilEnd(ws);
        }
        Await.until(() -> {
            try {
                return ChatLogOutageE2ETest.readyz(port).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
