package dev.ragd.chatlog;

import com.azure.cosmos.CosmosClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.SqlParameter;
import com.azure.cosmos.models.SqlQuerySpec;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragd.config.ChatLogConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code RAGD_CHATLOG=cosmos}: chat records as items in an Azure Cosmos DB (NoSQL API) container,
 * through the official SDK in gateway mode: database {@code RAGD_COSMOS_DATABASE} (default
 * {@code ragchat_info}), container {@code RAGD_COSMOS_CONTAINER} (default {@code ragchat_logs}),
 * both expected to exist (the book's infrastructure creates them) with partition key path
 * {@code RAGD_COSMOS_PARTITION_KEY_PATH} (default {@code /id}; {@code /user_email} keeps a user's records
 * in one logical partition, which makes {@code --user} queries single-partition). Auth: the account
 * key ({@code COSMOSDB_KEY}) or, with {@code RAGD_COSMOS_AUTH=entra}, DefaultAzureCredential.
 *
 * <p>An item is the record's JSON (the book's field names; {@code id} is the record id) plus
 * {@code sort_key}: the UTC timestamp with nine fraction digits, {@code |}, then the id. Reads order
 * by that one field ({@code ORDER BY c.sort_key DESC}), so no composite index is needed and equal
 * timestamps still order by id; ISO strings with varying fraction digits would not sort in time
 * order. {@link #upsert} is {@code upsertItem} (the SDK takes the partition key value from the item).
 * Queries are cross-partition ({@code SELECT * FROM c WHERE ... ORDER BY c.sort_key DESC OFFSET 0 LIMIT @n}).
 * {@link #delete} queries the ids (and partition key values) of old items and deletes them one by one.
 */
public final class CosmosChatLog implements ChatLog {

    private static final Logger log = LoggerFactory.getLogger(CosmosChatLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SORTABLE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    static final String SORT_KEY = "sort_key";

    private final ChatLogConfig.Cosmos config;
    private final CosmosClient client;
    private final CosmosContainer container;

    public CosmosChatLog(ChatLogConfig.Cosmos config) {
        this.config = Objects.requireNonNull(config, "config");
        CosmosClientBuilder builder = new CosmosClientBuilder()
                .endpoint(config.endpoint())
                .gatewayMode()
                .contentResponseOnWriteEnabled(false)
                .userAgentSuffix("ragd");
        if ("entra".equals(config.auth())) {
            builder.credential(new DefaultAzureCredentialBuilder().build());
        } else {
            builder.key(config.key());
        }
        try {
            this.client = builder.buildClient();
        } catch (RuntimeException e) {
            throw new IllegalStateException("chat log: cannot reach Cosmos DB at COSMOSDB_URI=" + config.endpoint()
                    + ": " + e.getMessage(), e);
        }
        this.container = client.getDatabase(config.database()).getContainer(config.container());
        log.atInfo().addKeyValue("endpoint", config.endpoint()).addKeyValue("database", config.database())
                .addKeyValue("container", config.container()).log("cosmos chat log opened");
    }

    /** The item written for {@code record}: its JSON plus {@link #SORT_KEY}. */
    static ObjectNode item(ChatRecord record) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(ChatRecordJson.toJson(record));
            node.put(SORT_KEY, sortKey(record.timestamp(), record.id()));
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot build the Cosmos item for " + record.id(), e);
        }
    }

    static String sortKey(Instant timestamp, String id) {
        return SORTABLE.format(timestamp) + "|" + id;
    }

    @Override
    public void upsert(ChatRecord record) {
        Objects.requireNonNull(record, "record");
        RecordChecks.validate(record);
        try {
            container.upsertItem(item(record), new CosmosItemRequestOptions());
        } catch (CosmosException e) {
            throw failure("write record " + record.id(), e);
        }
    }

    @Override
    public List<ChatRecord> recent(int limit) {
        return find(ChatLogQuery.all(limit));
    }

    @Override
    public List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
        return find(new ChatLogQuery(null, null, null, limit, new ChatLogQuery.Cursor(timestamp, id)));
    }

    /** The SQL for {@code q}: filters as parameters, newest first, {@code OFFSET 0 LIMIT @n}. */
    static SqlQuerySpec querySpec(String select, ChatLogQuery q) {
        List<String> where = new ArrayList<>();
        List<SqlParameter> params = new ArrayList<>();
        if (q.user() != null) {
            where.add("c.user_email = @user");
            params.add(new SqlParameter("@user", q.user()));
        }
        if (q.since() != null) {
            where.add("c.sort_key >= @since");
            params.add(new SqlParameter("@since", SORTABLE.format(q.since())));
        }
        if (q.status() != null) {
            where.add("c.status = @status");
            params.add(new SqlParameter("@status", q.status().name()));
        }
        if (q.conversation() != null) {
            where.add("c.conversation_id = @conversation");
            params.add(new SqlParameter("@conversation", q.conversation()));
        }
        if (q.openers()) {
            // As a parameter (not a bare condition) so that it reads the same in a rewritten ORDER BY query.
            where.add("(c.id = c.conversation_id) = @openers");
            params.add(new SqlParameter("@openers", true));
        }
        if (q.feedback() != null) {
            where.add("c.feedback.rating = @feedback");
            params.add(new SqlParameter("@feedback", q.feedback().name()));
        }
        if (q.after() != null) {
            where.add("c.sort_key < @after");
            params.add(new SqlParameter("@after", sortKey(q.after().timestamp(), q.after().id())));
        }
        params.add(new SqlParameter("@n", q.limit()));
        String sql = "SELECT " + select + " FROM c" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY c.sort_key DESC OFFSET 0 LIMIT @n";
        return new SqlQuerySpec(sql, params);
    }

    @Override
    public List<ChatRecord> find(ChatLogQuery query) {
        if (query.limit() == 0) {
            return List.of();
        }
        try {
            List<ChatRecord> out = new ArrayList<>();
            for (ObjectNode node : container.queryItems(querySpec("*", query), new CosmosQueryRequestOptions(),
                    ObjectNode.class)) {
                out.add(record(node));
            }
            return out;
        } catch (CosmosException e) {
            throw failure("read records", e);
        }
    }

    /**
     * A query, not a point read: the partition key may be another field ({@code /user_email}) whose
     * value the caller does not know.
     */
    @Override
    public Optional<ChatRecord> get(String id) {
        Objects.requireNonNull(id, "id");
        SqlQuerySpec spec = new SqlQuerySpec("SELECT * FROM c WHERE c.id = @id",
                List.of(new SqlParameter("@id", id)));
        try {
            for (ObjectNode node : container.queryItems(spec, new CosmosQueryRequestOptions(), ObjectNode.class)) {
                return Optional.of(record(node));
            }
            return Optional.empty();
        } catch (CosmosException e) {
            throw failure("read record " + id, e);
        }
    }

    /** The record in an item: the item without Cosmos's system fields ({@code _rid}, ...) and the sort key. */
    static ChatRecord record(ObjectNode node) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (name.startsWith("_") || name.equals(SORT_KEY)) {
                names.remove();
            }
        }
        return ChatRecordJson.fromJson(node.toString());
    }

    @Override
    public long delete(Instant olderThan) {
        Objects.requireNonNull(olderThan, "olderThan");
        return deleteWhere("c.sort_key < @before", List.of(new SqlParameter("@before", SORTABLE.format(olderThan))),
                "delete records");
    }

    @Override
    public long deleteConversation(String conversationId, String user) {
        Objects.requireNonNull(conversationId, "conversationId");
        List<SqlParameter> params = new java.util.ArrayList<>(List.of(new SqlParameter("@conversation", conversationId)));
        String where = "c.conversation_id = @conversation";
        if (user != null) {
            where += " AND c.user_email = @user";
            params.add(new SqlParameter("@user", user));
        }
        return deleteWhere(where, params, "delete conversation " + conversationId);
    }

    /** Deletes the items matching {@code where}, one by one (Cosmos DB has no bulk delete by query); how many. */
    private long deleteWhere(String where, List<SqlParameter> params, String what) {
        // only what deleteItem needs: the id and the partition key field (validated as /name)
        String pkField = config.partitionKey().substring(1);
        String select = pkField.equals("id") ? "c.id" : "c.id, c." + pkField;
        SqlQuerySpec spec = new SqlQuerySpec("SELECT " + select + " FROM c WHERE " + where, params);
        long deleted = 0;
        try {
            for (ObjectNode node : container.queryItems(spec, new CosmosQueryRequestOptions(), ObjectNode.class)) {
                container.deleteItem(node, new CosmosItemRequestOptions());
                deleted++;
            }
        } catch (CosmosException e) {
            throw failure(what + " (" + deleted + " deleted so far)", e);
        }
        return deleted;
    }

    private IllegalStateException failure(String what, CosmosException e) {
        return new IllegalStateException("chat log " + describe() + ": cannot " + what + ": status "
                + e.getStatusCode() + " " + e.getShortMessage(), e);
    }

    @Override
    public String describe() {
        return "cosmos:" + config.endpoint().replaceAll("/+$", "") + "/" + config.database() + "/" + config.container();
    }

    @Override
    public void close() {
        client.close();
    }
}
