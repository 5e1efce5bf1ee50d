package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragd.config.ChatLogConfig;
import dev.ragd.testsupport.FakeCosmosGateway;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
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
        assertThat(CosmosChatLog.record((ObjectNode) body)).isEqualTo(r);
    }

    @Test
    void recentSendsTheOrderedParameterisedSqlAsAQueryPlanRequestThenACrossPartitionQuery() {
        chatLog.upsert(record("q1", T0));
        gateway.requests.clear();

        assertThat(chatLog.find(ChatLogQuery.all(5).withUser("ada@example.com"))).extracting(ChatRecord::id)
                .containsExactly("q1");

        List<FakeCosmosGateway.Request> posts = gateway.requests("POST", "/dbs/ragchat_info/colls/ragchat_logs/docs");
        FakeCosmosGateway.Request plan = posts.stream()
                .filter(r -> r.headers().containsKey("x-ms-cosmos-is-query-plan-request")).findFirst().orElseThrow();
        assertThat(plan.body()).contains(
                "SELECT * FROM c WHERE c.user_email = @user ORDER BY c.sort_key DESC OFFSET 0 LIMIT @n",
                "\"@user\"", "\"ada@example.com\"", "\"@n\"");
        FakeCosmosGateway.Request query = posts.stream()
                .filter(r -> "true".equalsIgnoreCase(r.headers().get("x-ms-documentdb-isquery"))).findFirst().orElseThrow();
        assertThat(query.headers().get("x-ms-documentdb-partitionkeyrangeid")).isEqualTo("0");
        assertThat(query.headers().get("Content-Type")).startsWith("application/query+json");
        assertThat(posts).allMatch(FakeCosmosGateway.Request::signatureValid);
    }

    @Test
    void aFeedbackFilterQueriesTheNestedRatingAndGetQueriesByIdAcrossPartitions() {
        chatLog.upsert(record("q2", T0));
        chatLog.rate("q2", null, new Feedback(Feedback.Rating.down, null, List.of(), T0));
        gateway.requests.clear();

        assertThat(chatLog.find(ChatLogQuery.all(5).withFeedback(Feedback.Rating.down))).hasSize(1);
        assertThat(chatLog.get("q2")).isPresent();

        List<String> bodies = gateway.requests("POST", "/dbs/ragchat_info/colls/ragchat_logs/docs").stream()
                .map(FakeCosmosGateway.Request::body).toList();
        assertThat(bodies).anyMatch(b -> b.contains(
                "SELECT * FROM c WHERE c.feedback.rating = @feedback ORDER BY c.sort_key DESC OFFSET 0 LIMIT @n")
                && b.contains("\"down\""));
        assertThat(bodies).anyMatch(b -> b.contains("SELECT * FROM c WHERE c.id = @id") && b.contains("\"q2\""));
    }

    @Test
    void deleteQueriesOldItemsAndDeletesEachWithItsPartitionKey() {
        chatLog.upsert(record("old", T0));
        chatLog.upsert(record("new", T0.plusSeconds(60)));
        gateway.requests.clear();

        assertThat(chatLog.delete(T0.plusSeconds(1))).isEqualTo(1);

        assertThat(gateway.requests("POST", "/dbs/ragchat_info/colls/ragchat_logs/docs")).anySatisfy(r ->
                assertThat(r.body()).contains("SELECT c.id FROM c WHERE c.sort_key < @before"));
        List<FakeCosmosGateway.Request> deletes = gateway.requests("DELETE", "/dbs/ragchat_info/colls/ragchat_logs/docs/");
        assertThat(deletes).hasSize(1);
        assertThat(deletes.getFirst().path()).endsWith("/docs/old");
        assertThat(deletes.getFirst().headers().get("x-ms-documentdb-partitionkey")).isEqualTo("[\"old\"]");
        assertThat(deletes.getFirst().signatureValid()).isTrue();
        assertThat(gateway.documents).containsOnlyKeys("new");
    }

    @Test
    void aWrongAccountKeyIsRejectedByTheSignatureCheckAndReportedWithTheStatus() {
        byte[] other = new byte[64];
        new SecureRandom().nextBytes(other);

        try (CosmosChatLog wrong = new CosmosChatLog(config(Base64.getEncoder().encodeToString(other)))) {
            assertThatThrownBy(() -> wrong.upsert(record("w", T0))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("status 401");
        } catch (IllegalStateException e) {
            // the SDK may already fail while opening (it reads the account with the same key)
            assertThat(e).hasMessageContaining("401");
        }
        assertThat(gateway.documents).doesNotContainKey("w");
    }

    @Test
    void userEmailPartitionKeyPathSendsTheEmailAsThePartitionKey(@TempDir Path dir) throws Exception {
        try (FakeCosmosGateway byUser = new FakeCosmosGateway(FakeCosmosGateway.selfSignedKeyStore(dir, "changeit"),
                        "changeit", "ragchat_info", "ragchat_logs", "/user_email", key);
                CosmosChatLog log = new CosmosChatLog(new ChatLogConfig.Cosmos(byUser.endpoint(), key, "key",
                        "ragchat_info", "ragchat_logs", "/user_email"))) {
            log.upsert(record("u1", T0));

            FakeCosmosGateway.Request w = byUser.requests("POST", "/dbs/ragchat_info/colls/ragchat_logs/docs").getFirst();
            assertThat(w.headers().get("x-ms-documentdb-partitionkey")).isEqualTo("[\"ada@example.com\"]");
            assertThat(log.recent(1)).extracting(ChatRecord::id).containsExactly("u1");

            assertThat(log.delete(T0.plusSeconds(1))).isEqualTo(1);
            FakeCosmosGateway.Request d = byUser.requests("DELETE", "/dbs/ragchat_info/colls/ragchat_logs/docs/").getFirst();
            assertThat(d.headers().get("x-ms-documentdb-partitionkey")).isEqualTo("[\"ada@example.com\"]");
            assertThat(byUser.documents).isEmpty();
        }
    }

    @Test
    void ragdOpensCosmosFromTheBooksVariablesAndDescribesItWithoutTheKey() {
        Map<String, String> env = Map.of("RAGD_CHATLOG", "cosmos", "COSMOSDB_URI", gateway.endpoint(), "COSMOSDB_KEY", key);

        try (ChatLog log = ChatLogs.open(RagdConfig.from(new Env(env)))) {
            assertThat(log).isInstanceOf(CosmosChatLog.class);
            assertThat(log.describe()).isEqualTo("cosmos:" + gateway.endpoint().replaceAll("/$", "")
                    + "/ragchat_info/ragchat_logs").doesNotContain(key);
            log.upsert(record("env-1", T0));
            assertThat(log.recent(1)).extracting(ChatRecord::id).containsExactly("env-1");
        }
    }

    @Test
    void unreachableEndpointFailsNamingCosmosdbUri() {
        assertThatThrownBy(() -> new CosmosChatLog(new ChatLogConfig.Cosmos("https://127.0.0.1:1/", key, "key",
                "ragchat_info", "ragchat_logs", "/id"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("COSMOSDB_URI=https://127.0.0.1:1/");
    }
}
