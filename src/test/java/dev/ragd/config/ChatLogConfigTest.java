package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatLogConfigTest {

    private static ChatLogConfig read(String... pairs) {
        Map<String, String> vars = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return ChatLogConfig.from(new Env(vars));
    }

    @Test
    void defaultsAreTheFileStoreAndTheBooksCosmosNames() {
        ChatLogConfig c = read();

        assertThat(c.backend()).isEqualTo("file");
        assertThat(c.hashEmail()).isFalse();
        assertThat(c.postgres().poolSize()).isEqualTo(10);
        assertThat(c.cosmos().database()).isEqualTo("ragchat_info");
        assertThat(c.cosmos().container()).isEqualTo("ragchat_logs");
        assertThat(c.cosmos().partitionKey()).isEqualTo("/id");
        assertThat(c.cosmos().auth()).isEqualTo("key");
    }

    @Test
    void postgresWithoutAUrlIsRejectedNamingRagdPgUrl() {
        assertThatThrownBy(() -> read("RAGD_CHATLOG", "postgres")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_PG_URL is required when RAGD_CHATLOG=postgres");
    }

    @Test
    void postgresUrlThatIsNotJdbcPostgresqlIsRejectedWithThePasswordMasked() {
        assertThatThrownBy(() -> read("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", "postgres://h/db?password=hunter2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_PG_URL").hasMessageContaining("must start with jdbc:postgresql:")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void poolSizeOutOfRangeIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> read("RAGD_PG_POOL_SIZE", "0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_PG_POOL_SIZE");
    }

    @Test
    void cosmosWithoutAnEndpointIsRejectedNamingCosmosdbUri() {
        assertThatThrownBy(() -> read("RAGD_CHATLOG", "cosmos", "COSMOSDB_KEY", "k")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("COSMOSDB_URI is required");
    }

    @Test
    void cosmosKeyAuthWithoutAKeyIsRejectedNamingCosmosdbKey() {
        assertThatThrownBy(() -> read("RAGD_CHATLOG", "cosmos", "COSMOSDB_URI", "https://a.documents.azure.com:443/"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("COSMOSDB_KEY is required");
    }

    @Test
    void cosmosWithEntraIdNeedsNoKey() {
        ChatLogConfig c = read("RAGD_CHATLOG", "cosmos", "COSMOSDB_URI", "https://a.documents.azure.com:443/",
                "RAGD_COSMOS_AUTH", "entra");

        assertThat(c.cosmos().auth()).isEqualTo("entra");
        assertThat(c.cosmos().key()).isNull();
    }

    @Test
    void cosmosEndpointThatIsNotAUrlIsRejected() {
        assertThatThrownBy(() -> read("RAGD_CHATLOG", "cosmos", "COSMOSDB_URI", "a.documents.azure.com",
                "COSMOSDB_KEY", "k")).isInstanceOf(ConfigException.class).hasMessageContaining("COSMOSDB_URI");
    }

    @Test
    void partitionKeyPathNotStartingWithSlashIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> read("RAGD_CHATLOG", "cosmos", "COSMOSDB_URI", "https://a.documents.azure.com:443/",
                "COSMOSDB_KEY", "k", "RAGD_COSMOS_PARTITION_KEY_PATH", "user_email"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_COSMOS_PARTITION_KEY_PATH")
                .hasMessageContaining("'/'");
    }

    @Test
    void unknownBackendIsRejectedListingTheChoices() {
        assertThatThrownBy(() -> read("RAGD_CHATLOG", "mongo")).isInstanceOf(ConfigException.class)
                .hasMessage("RAGD_CHATLOG='mongo' must be one of [cosmos, file, none, postgres]");
    }

    @Test
    void describeAndToStringNeverShowSecretsAndRagdConfigListsThemAsSecrets() {
        ChatLogConfig c = read("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", "jdbc:postgresql://h/db?user=u&password=urlpw",
                "RAGD_PG_PASSWORD", "pgpw", "COSMOSDB_KEY", "cosmoskey", "RAGD_HASH_EMAIL", "true");

        assertThat(c.describe()).containsEntry("RAGD_PG_PASSWORD", "****").containsEntry("COSMOSDB_KEY", "****")
                .containsEntry("RAGD_PG_URL", "jdbc:postgresql://h/db?user=u&password=****")
                .containsEntry("RAGD_HASH_EMAIL", "true").containsEntry("RAGD_CHATLOG", "postgres");
        assertThat(c.toString() + c.postgres() + c.cosmos()).doesNotContain("pgpw", "cosmoskey", "urlpw");
        assertThat(RagdConfig.SECRETS).contains("RAGD_PG_PASSWORD", "COSMOSDB_KEY", "OPENAI_API_KEY");
        assertThat(RagdConfig.from(new Env(Map.of("RAGD_PG_PASSWORD", "pgpw"))).describe())
                .containsEntry("RAGD_PG_PASSWORD", "****");
    }
}
