package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.FileChatLog;
import dev.ragd.testsupport.ServeProcess;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ragd serve} as a real child process, stopped with SIGTERM (what Kubernetes and systemd
 * send) while an answer streams: the answer finishes, the process exits 0, the record is stored.
 */
class DrainOnSigtermE2ETest {

    @TempDir
    Path dir;

    @Test
    void sigtermMidStreamLetsTheAnswerFinishThenExitsZeroWithTheRecordStored() throws Exception {
        int port = ServeProcess.freePort();
        Path data = dir.resolve("data");
        Path output = dir.resolve("serve.log");
        Process process = ServeProcess.start(Map.of("PORT", Integer.toString(port), "RAGD_HOST", "127.0.0.1",
                "RAGD_DATA_DIR", data.toString(), "RAGD_EXTRACTIVE_TOKEN_MS", "150", "RAGD_LOG_FORMAT", "text"), output);
        Vertx client = Vertx.vertx();
        List<JsonObject> frames = new ArrayList<>();
        try {
            try (WsSession ws = WsSession.connect(client, port, "/v1/chat")) {
                ws.send(NativeSocketE2ETest.request("sigterm-1", BookSocketE2ETest.QUESTION));
                DrainE2ETest.untilFirstToken(ws, frames);

                long t0 = System.nanoTime();
                assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();

                frames.addAll(DrainE2ETest.untilEnd(ws));
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process exits").isTrue();
                System.out.println("SIGTERM to exit took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            }
        } finally {
            client.close().await(20, TimeUnit.SECONDS);
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(log).isZero();
        assertThat(frames.getLast().getString("type")).as(log).isEqualTo("end");
        assertThat(log).contains("shutdown: draining").contains("shutdown: done");
        String answer = frames.stream().filter(f -> "token".equals(f.getString("type")))
                .map(f -> f.getString("text")).reduce("", String::concat);
        try (FileChatLog store = new FileChatLog(data.resolve("chatlog"))) {
            ChatRecord r = store.recent(10).stream().filter(x -> "sigterm-1".equals(x.requestId())).findFirst().orElseThrow();
            assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
            assertThat(r.finalAnswer()).isEqualTo(answer);
        }
    }


}
