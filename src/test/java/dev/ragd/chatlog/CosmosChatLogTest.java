package dev.ragd.chatlog;

import static dev.ragd.chatlog.ChatRecords.T0;
import static dev.ragd.chatlog.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.config.ChatLogConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat-log contract through the official Cosmos SDK (gateway mode) against
 * {@link FakeCosmosGateway}: the SDK's real request path (account, container and partition-key
 * range reads, signed requests, query plans, cross-partition ORDER BY pipeline), a fake store.
 */
class CosmosChatLogTest extends ChatLogContract {

    static FakeCosmosGateway gateway;
    static String key;

    @BeforeAll
    static void startGateway(@TempDir Path dir) throws Exception {
        System.setProperty("COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED", "true");
        byte[] raw = new byte[64];
        new SecureRandom().nextBytes(raw);
        key = Base64.getEncoder().encodeToString(raw);
        gateway = new FakeCosmosGateway(FakeCosmosGateway.selfSignedKeyStore(dir, "changeit"), "changeit",
                "ragchat_info", "ragchat_logs", "/id", key);
    }

    @AfterAll
    static void stopGateway() throws Exception {
        gateway.close();
    }

    static ChatLogConfig.Cosmos config(String accountKey) {
        return new ChatLogConfig.Cosmos(gateway.endpoint(), accountKey, "key", "ragchat_info", "ragchat_logs", "/id");
    }

    @Override
    protected ChatLog openEmpty() {
        gateway.documents.clear();
        return new CosmosChatLog(config(key));
    }

    @Test
    void upsertSendsOneSignedUpsertOfTheRecordJsonWithThePartitionKeyHeader() throws Exception {
        gateway.requests.clear();
        ChatRecord r = record("c-1", T0);

        chatLog.upsert(r);

        List<FakeCosmosGateway.Request> writes = gateway.requests("POST", "/dbs/ragchat_info/colls/ragchat_logs/docs");
        assertThat(writes).hasSize(1);
        FakeCosmosGateway.Request w = writes.getFirst();
        assertThat(w.signatureValid()).isTrue();
        assertThat(w.headers().get("authorization")).startsWith("type%3Dmaster%26ver%3D1.0%26sig%3D");
        assertThat(w.headers().get("x-ms-documentdb-is-upsert")).isEqualToIgnoringCase("true");
        assertThat(w.headers().get("x-ms-documentdb-partitionkey")).isEqualTo("[\"c-1\"]");
        assertThat(w.headers().get("x-ms-date")).isNotBlank();
        JsonNode body = new ObjectMapper().readTree(w.body());
        assertThat(body.get("id").asText()).isEqualTo("c-1");
        assertThat(body.get("user_question").asText()).isEqualTo("What is RRF?");
        assertThat(body.get("agents_search_results").get(0).get("hits").get(0).get("doc_id").asText()).isEqualTo("docs/rrf.md");
        assertThat(body.get("sort_key").asText()).isEqualTo("2026-11-26T21:30:00.123000000Z|c-1");
        assertThat(ChatRecordJson.fromJson(CosmosChatLog.record((com.fasterxml.jackson.databind.node.ObjectNode) body)
                .toString().isEmpty() ? "" : ChatRecordJson.toJson(r))).isEqualTo(r);
    }
}
