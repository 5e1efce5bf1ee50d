package dev.ragd.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PfxOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A small stand-in for the Azure Cosmos DB gateway (HTTPS, self-signed certificate): enough of the
 * REST API for the official Java SDK in gateway mode to read the account, the database and
 * container, the partition key ranges (one range), upsert and delete documents and run the queries
 * {@link dev.ragd.chatlog.CosmosChatLog} sends. Every request is recorded; the master-key signature in the
 * {@code authorization} header is checked (HMAC-SHA256 over verb, resource type, resource link and
 * {@code x-ms-date}) and a wrong one gets 401. Queries are not parsed: their parameters
 * ({@code @user}, {@code @since}, {@code @status}, {@code @id}, {@code @feedback}, {@code @conversation}, {@code @openers}, {@code @after}, {@code @before}, {@code @n}) are
 * applied to the stored documents, which is exactly what {@link dev.ragd.chatlog.CosmosChatLog}'s SQL means.
 */
public final class FakeCosmosGateway implements AutoCloseable {

    public record Request(String method, String path, Map<String, String> headers, String body, boolean signatureValid) {}

    static final String DB_RID = "Sl8fAA==";
    static final String COLL_RID = "Sl8fALN4sw4=";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    public final Map<String, ObjectNode> documents = new ConcurrentHashMap<>();
    private final Vertx vertx = Vertx.vertx();
    private final String db;
    private final String coll;
    private final String partitionKeyPath;
    private final byte[] key;
    private final HttpServer server;

    public FakeCosmosGateway(Path keyStore, String password, String db, String coll, String partitionKeyPath, String base64Key)
            throws Exception {
        this.db = db;
        this.coll = coll;
        this.partitionKeyPath = partitionKeyPath;
        this.key = Base64.getDecoder().decode(base64Key);
        this.server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(password)))
                .requestHandler(req -> req.body().onSuccess(body -> handle(req, body)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    /** A PKCS12 key store with a self-signed certificate for localhost, made by the JDK's keytool. */
    public static Path selfSignedKeyStore(Path dir, String password) throws Exception {
        Path file = dir.resolve("gateway.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gateway", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        return file;
    }

    public String endpoint() {
        return "https://localhost:" + server.actualPort() + "/";
    }

    public List<Request> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    private void handle(HttpServerRequest req, Buffer body) {
        String path = req.path();
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        req.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
        boolean valid = signatureValid(req.method().name(), path, headers);
        requests.add(new Request(req.method().name(), path, headers, body.toString(StandardCharsets.UTF_8), valid));
        try {
            if (!valid) {
                reply(req, 401, JSON.createObjectNode().put("code", "Unauthorized").put("message", "bad signature"));
                return;
            }
            String[] seg = path.replaceAll("^/+|/+$", "").split("/");
            String docs = "/dbs/" + db + "/colls/" + coll + "/docs";
            if (path.equals("/") || path.isEmpty()) {
                reply(req, 200, account());
            } else if (req.method().name().equals("GET") && seg.length == 2 && seg[0].equals("dbs")) {
                reply(req, seg[1].equals(db) ? 200 : 404, JSON.createObjectNode().put("id", db).put("_rid", DB_RID)
                        .put("_self", "dbs/" + DB_RID + "/").put("_etag", "\"d\"").put("_colls", "colls/")
                        .put("_users", "users/").put("_ts", 1));
            } else if (req.method().name().equals("GET") && seg.length == 4 && seg[2].equals("colls")) {
                reply(req, seg[3].equals(coll) || seg[3].equals(COLL_RID) ? 200 : 404, collection());
            } else if (seg.length == 5 && seg[4].equals("pkranges")) {
                partitionKeyRanges(req, headers);
            } else if (req.method().name().equals("POST") && path.equals(docs)) {
                post(req, headers, JSON.readTree(body.toString(StandardCharsets.UTF_8)));
            } else if (req.method().name().equals("DELETE") && path.startsWith(docs + "/")) {
                String id = URLDecoder.decode(path.substring(docs.length() + 1), StandardCharsets.UTF_8);
                reply(req, documents.remove(id) != null ? 204 : 404, null);
            } else {
                reply(req, 404, JSON.createObjectNode().put("code", "NotFound").put("message", "fake: " + path));
            }
        } catch (Exception e) {
            reply(req, 500, JSON.createObjectNode().put("code", "InternalServerError").put("message", e.toString()));
        }
    }

    /** {@code type=master&ver=1.0&sig=base64(hmacSha256(key, verb\ntype\nlink\ndate\n\n))}. */
    private boolean signatureValid(String verb, String path, Map<String, String> headers) {
        String auth = headers.get("authorization");
        String date = headers.get("x-ms-date");
        if (auth == null || date == null) {
            return false;
        }
        String[] seg = path.replaceAll("^/+|/+$", "").split("/");
        String type = "";
        String link = "";
        if (!path.replaceAll("/", "").isEmpty()) {
            boolean feed = seg.length % 2 == 1;
            type = feed ? seg[seg.length - 1] : seg[seg.length - 2];
            link = String.join("/", feed ? List.of(seg).subList(0, seg.length - 1) : List.of(seg));
        }
        // name-based paths sign the link as is; rid-based ones (dbs/<rid>/colls/<rid>/...) sign the
        // last rid, lower-cased
        String decoded = URLDecoder.decode(link, StandardCharsets.UTF_8);
        boolean ridBased = seg.length >= 2 && !seg[1].equals(db);
        String signed = ridBased && !decoded.isEmpty()
                ? decoded.substring(decoded.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT) : decoded;
        String payload = verb.toLowerCase(Locale.ROOT) + "\n" + type.toLowerCase(Locale.ROOT) + "\n"
                + signed + "\n" + date.toLowerCase(Locale.ROOT) + "\n\n";
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String sig = Base64.getEncoder().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
            return URLDecoder.decode(auth, StandardCharsets.UTF_8).equals("type=master&ver=1.0&sig=" + sig);
        } catch (Exception e) {
            return false;
        }
    }

    private ObjectNode account() {
        ObjectNode a = JSON.createObjectNode().put("_self", "").put("id", "fake").put("_rid", "fake.localhost")
                .put("media", "//media/").put("addresses", "//addresses/").put("_dbs", "//dbs/");
        ObjectNode location = JSON.createObjectNode().put("name", "Local").put("databaseAccountEndpoint", endpoint());
        a.putArray("writableLocations").add(location);
        a.putArray("readableLocations").add(location.deepCopy());
        a.put("enableMultipleWriteLocations", false);
        a.putObject("userReplicationPolicy").put("asyncReplication", false).put("minReplicaSetSize", 1)
                .put("maxReplicasetSize", 4);
        a.putObject("userConsistencyPolicy").put("defaultConsistencyLevel", "Session");
        a.putObject("systemReplicationPolicy").put("minReplicaSetSize", 1).put("maxReplicasetSize", 4);
        a.putObject("readPolicy").put("primaryReadCoefficient", 1).put("secondaryReadCoefficient", 1);
        a.put("queryEngineConfiguration", "{\"maxSqlQueryInputLength\":262144,\"maxJoinsPerSqlQuery\":5,"
                + "\"maxLogicalAndPerSqlQuery\":500,\"maxLogicalOrPerSqlQuery\":500,\"maxUdfRefPerSqlQuery\":10,"
                + "\"maxInExpressionItemsCount\":16000,\"queryMaxInMemorySortDocumentCount\":500,"
                + "\"maxQueryRequestTimeoutFraction\":0.9,\"sqlAllowNonFiniteNumbers\":false,"
                + "\"sqlAllowAggregateFunctions\":true,\"sqlAllowSubQuery\":true,\"sqlAllowScalarSubQuery\":true,"
                + "\"allowNewKeywords\":true,\"sqlAllowLike\":true,\"sqlAllowGroupByClause\":true,"
                + "\"maxSpatialQueryCells\":12,\"spatialMaxGeometryPointCount\":256,\"sqlAllowTop\":true,"
                + "\"enableSpatialIndexing\":true}");
        return a;
    }

    private ObjectNode collection() {
        ObjectNode c = JSON.createObjectNode().put("id", coll).put("_rid", COLL_RID)
                .put("_self", "dbs/" + DB_RID + "/colls/" + COLL_RID + "/").put("_etag", "\"c\"").put("_ts", 1)
                .put("_docs", "docs/").put("_sprocs", "sprocs/").put("_triggers", "triggers/").put("_udfs", "udfs/")
                .put("_conflicts", "conflicts/");
        c.putObject("indexingPolicy").put("indexingMode", "consistent").put("automatic", true);
        ObjectNode pk = c.putObject("partitionKey").put("kind", "Hash").put("version", 2);
        pk.putArray("paths").add(partitionKeyPath);
        return c;
    }

    private void partitionKeyRanges(HttpServerRequest req, Map<String, String> headers) {
        if ("\"ranges-1\"".equals(headers.get("If-None-Match"))) {
            req.response().setStatusCode(304).putHeader("etag", "\"ranges-1\"").end();
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("_rid", COLL_RID).put("_count", 1);
        ObjectNode range = body.putArray("PartitionKeyRanges").addObject().put("_rid", "Sl8fALN4sw4CAAAAAAAAUA==")
                .put("id", "0").put("_etag", "\"r\"").put("minInclusive", "").put("maxExclusive", "FF")
                .put("ridPrefix", 0).put("_self", "dbs/" + DB_RID + "/colls/" + COLL_RID + "/pkranges/0/")
                .put("throughputFraction", 1.0).put("status", "online").put("_ts", 1).put("_lsn", 1);
        range.putArray("parents");
        req.response().putHeader("etag", "\"ranges-1\"");
        reply(req, 200, body);
    }

    private void post(HttpServerRequest req, Map<String, String> headers, JsonNode body) {
        if ("True".equalsIgnoreCase(headers.get("x-ms-cosmos-is-query-plan-request"))) {
            reply(req, 200, queryPlan(body));
        } else if ("True".equalsIgnoreCase(headers.get("x-ms-documentdb-isquery"))
                || String.valueOf(headers.get("Content-Type")).startsWith("application/query+json")) {
            reply(req, 200, query(body));
        } else {
            ObjectNode doc = (ObjectNode) body;
            boolean existed = documents.containsKey(doc.get("id").asText());
            if (existed && !"True".equalsIgnoreCase(headers.get("x-ms-documentdb-is-upsert"))) {
                reply(req, 409, JSON.createObjectNode().put("code", "Conflict").put("message", "exists"));
                return;
            }
            ObjectNode stored = doc.deepCopy().put("_rid", "Sl8fALN4sw4BAAAAAAAAAA==").put("_self", "x")
                    .put("_etag", "\"e\"").put("_attachments", "attachments/").put("_ts", 1);
            documents.put(doc.get("id").asText(), stored);
            reply(req, existed ? 200 : 201, stored);
        }
    }

    private static boolean ordered(String sql) {
        return sql.contains("ORDER BY");
    }

    private ObjectNode queryPlan(JsonNode body) {
        String sql = body.get("query").asText();
        ObjectNode plan = JSON.createObjectNode().put("partitionedQueryExecutionInfoVersion", 2);
        ObjectNode info = plan.putObject("queryInfo").put("distinctType", "None").putNull("top");
        ArrayNode orderBy = info.putArray("orderBy");
        ArrayNode orderByExpressions = info.putArray("orderByExpressions");
        if (ordered(sql)) {
            info.put("offset", 0).put("limit", param(body, "@n").asInt());
            orderBy.add("Descending");
            orderByExpressions.add("c.sort_key");
            info.put("rewrittenQuery", "SELECT c._rid, [{\"item\": c.sort_key}] AS orderByItems, c AS payload FROM c"
                    + " WHERE ({documentdb-formattableorderbyquery-filter}) ORDER BY c.sort_key DESC");
        } else {
            info.putNull("offset").putNull("limit").put("rewrittenQuery", "");
        }
        info.putArray("groupByExpressions");
        info.putArray("groupByAliases");
        info.putArray("aggregates");
        info.putObject("groupByAliasToAggregateType");
        info.put("hasSelectValue", false).putNull("dCountInfo").put("hasNonStreamingOrderBy", false);
        plan.putArray("queryRanges").addObject().put("min", "").put("max", "FF").put("isMinInclusive", true)
                .put("isMaxInclusive", false);
        return plan;
    }

    private static JsonNode param(JsonNode body, String name) {
        for (JsonNode p : body.path("parameters")) {
            if (p.get("name").asText().equals(name)) {
                return p.get("value");
            }
        }
        return null;
    }

    private ObjectNode query(JsonNode body) {
        String sql = body.get("query").asText();
        List<Predicate<JsonNode>> filters = new ArrayList<>();
        JsonNode user = param(body, "@user");
        if (user != null) {
            filters.add(d -> d.path("user_email").asText(null) != null && d.get("user_email").asText().equals(user.asText()));
        }
        JsonNode since = param(body, "@since");
        if (since != null) {
            filters.add(d -> d.get("sort_key").asText().compareTo(since.asText()) >= 0);
        }
        // The SDK sends an ORDER BY query rewritten (its filter is a placeholder), so filters go by
        // parameter name; a query without ORDER BY is sent as written, so its id filter checks the SQL.
        JsonNode id = param(body, "@id");
        if (id != null && sql.contains("c.id = @id")) {
            filters.add(d -> d.get("id").asText().equals(id.asText()));
        }
        JsonNode conversation = param(body, "@conversation");
        if (conversation != null) {
            filters.add(d -> d.path("conversation_id").asText("").equals(conversation.asText()));
        }
        if (param(body, "@openers") != null) {
            filters.add(d -> d.get("id").asText().equals(d.path("conversation_id").asText("")));
        }
        JsonNode rating = param(body, "@feedback");
        if (rating != null) {
            filters.add(d -> d.path("feedback").path("rating").asText("").equals(rating.asText()));
        }
        JsonNode status = param(body, "@status");
        if (status != null) {
            filters.add(d -> d.get("status").asText().equals(status.asText()));
        }
        for (String below : List.of("@after", "@before")) {
            JsonNode bound = param(body, below);
            if (bound != null) {
                filters.add(d -> d.get("sort_key").asText().compareTo(bound.asText()) < 0);
            }
        }
        List<ObjectNode> matches = documents.values().stream().filter(d -> filters.stream().allMatch(f -> f.test(d)))
                .sorted(Comparator.comparing((ObjectNode d) -> d.get("sort_key").asText()).reversed()).toList();
        ObjectNode out = JSON.createObjectNode().put("_rid", COLL_RID);
        ArrayNode docs = out.putArray("Documents");
        for (ObjectNode d : matches) {
            if (sql.contains("orderByItems")) {
                ObjectNode wrapped = docs.addObject().put("_rid", d.get("_rid").asText());
                wrapped.putArray("orderByItems").addObject().put("item", d.get("sort_key").asText());
                wrapped.set("payload", d);
            } else {
                docs.add(project(sql, d));
            }
        }
        out.put("_count", matches.size());
        return out;
    }

    /** {@code SELECT *} returns the document; {@code SELECT c.a, c.b} only those top-level fields. */
    private static JsonNode project(String sql, ObjectNode d) {
        String select = sql.substring("SELECT ".length(), sql.indexOf(" FROM ")).strip();
        if (select.equals("*")) {
            return d;
        }
        ObjectNode out = JSON.createObjectNode();
        for (String field : select.split(",")) {
            String name = field.strip().substring("c.".length());
            out.set(name, d.get(name));
        }
        return out;
    }

    private static void reply(HttpServerRequest req, int status, JsonNode body) {
        var res = req.response().setStatusCode(status)
                .putHeader("x-ms-activity-id", java.util.UUID.randomUUID().toString())
                .putHeader("x-ms-request-charge", "1").putHeader("x-ms-session-token", "0:1#1")
                .putHeader("x-ms-gatewayversion", "version=2.14.0").putHeader("x-ms-schemaversion", "1.16")
                .putHeader("x-ms-serviceversion", "version=2.14.0.0");
        if (body == null) {
            res.end();
        } else {
            res.putHeader("Content-Type", "application/json").end(body.toString());
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
