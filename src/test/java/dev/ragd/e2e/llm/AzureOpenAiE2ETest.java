package dev.ragd.e2e.llm;

import static dev.ragd.e2e.llm.LlmRig.KEY;
import static dev.ragd.e2e.llm.LlmRig.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.mock.MockRoute;
import dev.ragd.mock.RecordedRequest;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ragd as an Azure OpenAI client, against the mock's Azure routes: the request's exact shape. */
class AzureOpenAiE2ETest {

    private static LlmRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = LlmRig.azure(LlmRig.healthy(), Map.of("AZURE_OPENAI_DEPLOYMENT", "chat-dep",
                "AZURE_OPENAI_API_VERSION", "2024-10-21"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void anAnswerStreamsFromTheDeploymentRouteWithTheApiKeyHeaderAndNoBearer() throws Exception {
        List<JsonObject> frames;
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(Clients.request("az-1", QUESTION));
            frames = Clients.untilDone(ws);
        }

        JsonObject end = frames.getLast();
        assertThat(end.getString("type")).as("%s", frames).isEqualTo("end");
        assertThat(Clients.text(frames)).contains("5 years").containsPattern("\\[\\d+]");
        assertThat(end.getString("model")).isEqualTo("chat-dep");
        assertThat(end.getJsonObject("timings").getInteger("prompt_tokens")).isPositive();
        RecordedRequest request = rig.mock.lastRequest(MockRoute.AZURE_CHAT).orElseThrow();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).isEqualTo("/openai/deployments/chat-dep/chat/completions?api-version=2024-10-21");
        assertThat(request.header("api-key")).isEqualTo(KEY);
        assertThat(request.header("authorization")).isNull();
        assertThat(new JsonObject(request.body()).getBoolean("stream")).isTrue();
        assertThat(rig.mock.lastRequest(MockRoute.CHAT)).as("nothing on the OpenAI route").isEmpty();
        assertThat(rig.stats().status(200)).isEqualTo(1);
        assertThat(rig.record("az-1").status()).isEqualTo(ChatRecord.Status.completed);
    }
}
