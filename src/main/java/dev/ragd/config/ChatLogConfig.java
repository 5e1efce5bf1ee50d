package dev.ragd.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where chat-log records go ({@code RAGD_CHATLOG}) and how to reach that store. Read once from the
 * environment and validated; {@link #toString()} never shows a secret.
 *
 * @param backend {@code file} (embedded SQLite under the data directory), {@code postgres}, {@code cosmos} or {@code none}
 * @param hashEmail {@code RAGD_HASH_EMAIL}: store {@code sha256:<hex>} of the lower-cased email instead of the email
 * @param postgres settings for {@code postgres} (always read, validated only when that backend is chosen)
 * @param cosmos settings for {@code cosmos} (always read, validated only when that backend is chosen)
 */
public record ChatLogConfig(String backend, boolean hashEmail, Postgres postgres, Cosmos cosmos) {

    /** Variables whose values are never printed or logged. */
    public static final Set<String> SECRETS = Set.of("RAGD_PG_PASSWORD", "COSMOSDB_KEY");

    /**
     * @param url {@code RAGD_PG_URL}, a {@code jdbc:postgresql:} URL
     * @param user {@code RAGD_PG_USER} (may be null when the URL carries it)
     * @param password {@code RAGD_PG_PASSWORD} (secret; may be null)
     * @param poolSize {@code RAGD_PG_POOL_SIZE}, connections in the pool (default 10)
     */
    public record Postgres(String url, String user, String password, int poolSize) {
        @Override
        public String toString() {
            return "Postgres[url=" + maskUrl(url) + ", user=" + user + ", password=" + RagdConfig.mask(password)
                    + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * @param endpoint {@code COSMOSDB_URI}, the account endpoint ({@code https://<account>.documents.azure.com:443/})
     * @param key {@code COSMOSDB_KEY}, the account key when {@code auth} is {@code key} (secret)
     * @param auth {@code RAGD_COSMOS_AUTH}: {@code key} (default) or {@code entra} (DefaultAzureCredential)
     * @param database {@code RAGD_COSMOS_DATABASE}, default {@code ragchat_info}
     * @param container {@code RAGD_COSMOS_CONTAINER}, default {@code ragchat_logs}
     * @param partitionKey {@code RAGD_COSMOS_PARTITION_KEY_PATH}, the container's partition key path,
     *     default {@code /id}; {@code /user_email} keeps one user's records in one partition
     */
    public record Cosmos(String endpoint, String key, String auth, String database, String container,
            String partitionKey) {
        @Override
        public String toString() {
            return "Cosmos[endpoint=" + endpoint + ", key=" + RagdConfig.mask(key) + ", auth=" + auth
                    + ", database=" + database + ", container=" + container + ", partitionKey=" + partitionKey + "]";
        }
    }

    public static ChatLogConfig from(Env env) {
        ChatLogConfig c = new ChatLogConfig(
                env.oneOf("RAGD_CHATLOG", "file", Set.of("file", "postgres", "cosmos", "none")),
                env.bool("RAGD_HASH_EMAIL", false),
                new Postgres(
                        env.string("RAGD_PG_URL", null),
                        env.string("RAGD_PG_USER", null),
                        env.string("RAGD_PG_PASSWORD", null),
                        env.integer("RAGD_PG_POOL_SIZE", 10, 1, 1000)),
                new Cosmos(
                        env.string("COSMOSDB_URI", null),
                        env.string("COSMOSDB_KEY", null),
                        env.oneOf("RAGD_COSMOS_AUTH", "key", Set.of("key", "entra")),
                        env.string("RAGD_COSMOS_DATABASE", "ragchat_info"),
                        env.string("RAGD_COSMOS_CONTAINER", "ragchat_logs"),
                        env.string("RAGD_COSMOS_PARTITION_KEY_PATH", "/id")));
        c.validate();
        return c;
    }

    private void validate() {
        if ("postgres".equals(backend)) {
            if (postgres.url() == null) {
                throw new ConfigException("RAGD_PG_URL is required when RAGD_CHATLOG=postgres"
                        + " (e.g. jdbc:postgresql://localhost:5432/ragd)");
            }
            if (!postgres.url().startsWith("jdbc:postgresql:")) {
                throw new ConfigException("RAGD_PG_URL='" + maskUrl(postgres.url()) + "' must start with jdbc:postgresql:");
            }
        }
        if ("cosmos".equals(backend)) {
            if (cosmos.endpoint() == null) {
                throw new ConfigException("COSMOSDB_URI is required when RAGD_CHATLOG=cosmos"
                        + " (e.g. https://my-account.documents.azure.com:443/)");
            }
            if (!cosmos.endpoint().startsWith("https://") && !cosmos.endpoint().startsWith("http://")) {
                throw new ConfigException("COSMOSDB_URI='" + cosmos.endpoint() + "' must be an https:// URL");
            }
            if ("key".equals(cosmos.auth()) && cosmos.key() == null) {
                throw new ConfigException("COSMOSDB_KEY is required when RAGD_CHATLOG=cosmos and RAGD_COSMOS_AUTH=key"
                        + " (set RAGD_COSMOS_AUTH=entra to use an Entra ID token instead)");
            }
            if (!cosmos.partitionKey().matches("/[A-Za-z0-9_]+")) {
                throw new ConfigException("RAGD_COSMOS_PARTITION_KEY_PATH='" + cosmos.partitionKey()
                        + "' must be a top-level path starting with '/', e.g. /id or /user_email");
            }
        }
    }

    /** A JDBC URL with any {@code password=} parameter value hidden; null stays null. */
    public static String maskUrl(String url) {
        return url == null ? null : url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1****");
    }

    /** Settings as variable names and values, secrets masked, for the startup log and {@code ragd config}. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_CHATLOG", backend);
        m.put("RAGD_HASH_EMAIL", Boolean.toString(hashEmail));
        m.put("RAGD_PG_URL", RagdConfig.unset(maskUrl(postgres.url())));
        m.put("RAGD_PG_USER", RagdConfig.unset(postgres.user()));
        m.put("RAGD_PG_PASSWORD", RagdConfig.mask(postgres.password()));
        m.put("RAGD_PG_POOL_SIZE", Integer.toString(postgres.poolSize()));
        m.put("COSMOSDB_URI", RagdConfig.unset(cosmos.endpoint()));
        m.put("COSMOSDB_KEY", RagdConfig.mask(cosmos.key()));
        m.put("RAGD_COSMOS_AUTH", cosmos.auth());
        m.put("RAGD_COSMOS_DATABASE", cosmos.database());
        m.put("RAGD_COSMOS_CONTAINER", cosmos.container());
        m.put("RAGD_COSMOS_PARTITION_KEY_PATH", cosmos.partitionKey());
        return m;
    }

    @Override
    public String toString() {
        return "ChatLogConfig" + describe();
    }

}
