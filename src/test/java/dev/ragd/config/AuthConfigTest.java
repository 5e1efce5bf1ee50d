package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bad authentication or fair-use setting stops startup with a message naming the variable, never a key. */
class AuthConfigTest {

    static final String KEY = "sk-0123456789abcdef";

    private static RagdConfig config(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return RagdConfig.from(new Env(env));
    }

    @Test
    void defaultsAreAnonymousWithNoLimits() {
        RagdConfig c = config();
        assertThat(c.auth().required()).isFalse();
        assertThat(c.quota().anyLimit()).isFalse();
    }

    @Test
    void signedInUsersGetDefaultLimits() {
        RagdConfig c = config("RAGD_AUTH", "api-key", "RAGD_API_KEYS", KEY);
        assertThat(c.quota().questionsPerMinute()).isEqualTo(QuotaConfig.SIGNED_IN_QUESTIONS_PER_MINUTE);
        assertThat(c.quota().maxConcurrent()).isEqualTo(QuotaConfig.SIGNED_IN_MAX_CONCURRENT);
    }

    @Test
    void anUnknownModeIsRefused() {
        assertThatThrownBy(() -> config("RAGD_AUTH", "basic")).hasMessageContaining("RAGD_AUTH='basic'");
    }

    @Test
    void apiKeyModeNeedsAKey() {
        assertThatThrownBy(() -> config("RAGD_AUTH", "api-key")).hasMessageContaining("RAGD_API_KEYS");
    }

    @Test
    void aShortKeyIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> config("RAGD_AUTH", "api-key", "RAGD_API_KEYS", KEY + ",short-key-1"))
                .hasMessageContaining("RAGD_API_KEYS entry 2").hasMessageContaining("at least 16")
                .hasMessageNotContaining("short-key-1");
    }

    @Test
    void aKeyWithCharactersAHeaderCannotCarryIsRefused() {
        assertThatThrownBy(() -> config("RAGD_AUTH", "api-key", "RAGD_API_KEYS", "sk-0123456789abc/ef=="))
                .hasMessageContaining("RAGD_API_KEYS entry 1").hasMessageNotContaining("abc/ef");
    }

    @Test
    void aBadKeyNameIsRefused() {
        assertThatThrownBy(() -> config("RAGD_AUTH", "api-key", "RAGD_API_KEYS", "al ice=" + KEY))
                .hasMessageContaining("the name before '='");
    }

    @Test
    void keysComeFromAMountedFileToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# rotated monthly\nalice=" + KEY + "\n\nbob=sk-bob-0123456789abcd\n");
        RagdConfig c = config("RAGD_AUTH", "api-key", "RAGD_API_KEYS_FILE", file.toString());
        assertThat(c.auth().apiKeys()).hasSize(2);
        assertThat(c.auth().describe().get("RAGD_API_KEYS")).isEqualTo("**** (2 keys)");
        assertThat(c.toString()).doesNotContain(KEY);
    }

    @Test
    void anUnreadableKeysFileIsRefused() {
        assertThatThrownBy(() -> config("RAGD_AUTH", "api-key", "RAGD_API_KEYS_FILE", "/nonexistent/keys"))
                .hasMessageContaining("RAGD_API_KEYS_FILE=/nonexistent/keys cannot be read");
    }

    @Test
    void jwtModeNeedsIssuerAudienceAndKeySet() {
        assertThatThrownBy(() -> config("RAGD_AUTH", "jwt")).hasMessageContaining("RAGD_JWT_ISSUER is required");
        assertThatThrownBy(() -> config("RAGD_AUTH", "jwt", "RAGD_JWT_ISSUER", "https://i/", "RAGD_JWT_AUDIENCE", "a"))
                .hasMessageContaining("RAGD_JWT_JWKS_URL is required");
        assertThatThrownBy(() -> config("RAGD_AUTH", "jwt", "RAGD_JWT_ISSUER", "https://i/", "RAGD_JWT_AUDIENCE", "a",
                "RAGD_JWT_JWKS_URL", "file:///etc/keys")).hasMessageContaining("must be an http(s) URL");
    }

    @Test
    void enforcingAccessListsNeedsAuthenticationAndAccessFieldsThatAreFieldNames() {
        assertThatThrownBy(() -> config("RAGD_ENFORCE_ACCESS", "true")).hasMessageContaining("needs RAGD_AUTH=api-key or jwt");
        assertThat(config("RAGD_AUTH", "api-key", "RAGD_API_KEYS", KEY, "RAGD_ENFORCE_ACCESS", "true",
                "RAGD_RETRIEVER", "azure-ai-search", "AI_SEARCH_ENDPOINT", "https://s.search.windows.net",
                "AI_SEARCH_NAME", "docs", "AI_SEARCH_KEY", "k", "RAGD_SEARCH_ACCESS_GROUPS_FIELD", "groups")
                .search().accessGroupsField()).isEqualTo("groups");
        assertThatThrownBy(() -> config("RAGD_RETRIEVER", "azure-ai-search", "AI_SEARCH_ENDPOINT",
                "https://s.search.windows.net", "AI_SEARCH_NAME", "docs", "AI_SEARCH_KEY", "k",
                "RAGD_SEARCH_ACCESS_USERS_FIELD", "oids/any")).hasMessageContaining("'oids/any' is not a field name");
        assertThat(config("RAGD_AUTH", "api-key", "RAGD_API_KEYS", KEY, "RAGD_ENFORCE_ACCESS", "true").auth().enforceAccess())
                .isTrue();
    }

    @Test
    void aRedisUrlMustBeRedisAndItsPasswordIsMasked() {
        assertThatThrownBy(() -> config("RAGD_REDIS_URL", "http://cache:6379")).hasMessageContaining("RAGD_REDIS_URL must be");
        RagdConfig c = config("RAGD_REDIS_URL", "redis://default:hunter2secret@cache:6379");
        assertThat(c.quota().describe().get("RAGD_REDIS_URL")).isEqualTo("redis://****@cache:6379");
        assertThat(c.toString()).doesNotContain("hunter2secret");
    }

    @Test
    void limitsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> config("RAGD_RATE_LIMIT_PER_MINUTE", "-1")).hasMessageContaining("RAGD_RATE_LIMIT_PER_MINUTE");
        assertThatThrownBy(() -> config("RAGD_MAX_HISTORY_ENTRIES", "0")).hasMessageContaining("RAGD_MAX_HISTORY_ENTRIES");
    }
}
