package dev.ragd.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for an Azure AI Search service, speaking the REST API (version 2024-07-01) as
 * Microsoft's reference describes it, for the calls ragd makes: {@code GET/PUT /indexes('name')}
 * (and {@code /indexes/name}), {@code POST .../docs/search} (and the SDK's
 * {@code docs/search.post.search}) with {@code search}, {@code vectorQueries} ({@code kind} vector
 * or text), {@code top}, {@code select}, {@code filter}, {@code queryType=semantic} with captions
 * and answers. Ranking: {@link FakeSearchEngine}. Every request is recorded; a request without
 * {@code api-version=2024-07-01}, or without the key ({@code api-key}) or token
 * ({@code Authorization: Bearer}) it expects, is refused as the service refuses it (400, 403).
 * Faults ({@link #failNext}) answer the next requests with a status and headers, e.g. 429 with
 * {@code Retry-After}.
 */
public final class FakeAzureSearch implements AutoCloseable {

    public static final String API_VERSION = "2024-07-01";

    public record Request(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
        public JsonObject json() {
            return body.isEmpty() ? new JsonObject() : new JsonObject(body);
        }
    }

    private record Fault(int status, Map<String, String> headers) {}

    private static final Pattern INDEX = Pattern.compile(
            "/indexes(?:\\('([^']+)'\\)|/([^/]+))(/docs/search(?:\\.post\\.search)?|/docs/(?:search\\.)?index)?");

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, JsonObject> indexes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, JsonObject>> documents = new ConcurrentHashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, Deque<Integer>> keyFailures = new ConcurrentHashMap<>();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private volatile String apiKey;
    private volatile String queryKey;
    private volatile String bearer;
    private volatile java.util.function.Function<String, float[]> vectorizer;

    /** A service on a free loopback port that takes {@code api-key: <apiKey>}. */
    public FakeAzureSearch(String apiKey) throws Exception {
        this.apiKey = apiKey;
        this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> handle(req, b)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Takes {@code Authorization: Bearer <token>} instead of a key. */
    public FakeAzureSearch acceptBearer(String token) {
        this.bearer = token;
        this.apiKey = null;
        return this;
    }

    /** Also takes {@code queryKey}, for searches only (index definitions answer 403 to it, as to a query key). */
    public FakeAzureSearch acceptQueryKey(String queryKey) {
        this.queryKey = queryKey;
        return this;
    }

    /** Embeds the text of {@code kind: text} vector queries (the index's vectorizer), for fields whose profile has one. */
    public FakeAzureSearch vectorizer(java.util.function.Function<String, float[]> embed) {
        this.vectorizer = embed;
        return this;
    }

    /** Defines an index (the REST API's index JSON: name, fields, vectorSearch, semantic). */
    public FakeAzureSearch index(JsonObject definition) {
        indexes.put(definition.getString("name"), definition.copy());
        documents.computeIfAbsent(definition.getString("name"), n -> new ConcurrentHashMap<>());
        return this;
    }

    /** Stores documents in {@code index}, as an upload batch would. */
    public FakeAzureSearch documents(String index, List<JsonObject> docs) {
        JsonObject def = indexes.get(index);
        String key = def.getJsonArray("fields").stream().map(JsonObject.class::cast)
                .filter(f -> f.getBoolean("key", false)).findFirst().orElseThrow().getString("name");
        docs.forEach(d -> documents.get(index).put(d.getString(key), d.copy()));
        return this;
    }

    /** Answers the next {@code n} requests with {@code status} and {@code headers} (e.g. 429, Retry-After). */
    public synchronized FakeAzureSearch failNext(int n, int status, Map<String, String> headers) {
        for (int i = 0; i < n; i++) {
            faults.add(new Fault(status, headers));
        }
        return this;
    }

    /** Fails the next {@code times} index actions on document {@code key} with {@code status} (a 207 item). */
    public synchronized FakeAzureSearch failKey(String key, int status, int times) {
        Deque<Integer> q = keyFailures.computeIfAbsent(key, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(status);
        }
        return this;
    }

    /** The documents stored in {@code index}, by key. */
    public Map<String, JsonObject> stored(String index) {
        return Map.copyOf(documents.getOrDefault(index, Map.of()));
    }

    /** The index definition as stored (created by a client or by {@link #index}). */
    public JsonObject definition(String index) {
        return indexes.get(index);
    }

    /** The recorded index (upload/delete) batches. */
    public List<Request> batches() {
        return requests.stream().filter(r -> r.path().matches(".*/docs/(search\\.)?index")).toList();
    }

    /** Drops the faults not yet answered. */
    public synchronized void clearFaults() {
        faults.clear();
    }

    /** The recorded search requests. */
    public List<Request> searches() {
        return requests.stream().filter(r -> r.path().contains("/docs/search")).toList();
    }

    private synchronized Fault nextFault() {
        return faults.poll();
    }

    private void handle(HttpServerRequest req, Buffer body) {
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
        Map<String, String> query = new LinkedHashMap<>();
        req.params().forEach(p -> query.put(p.getKey(), p.getValue()));
        requests.add(new Request(req.method().name(), req.path(), query, headers, body.toString()));
        if (!API_VERSION.equals(query.get("api-version"))) {
            error(req, 400, "InvalidRequestParameter", "Invalid or missing api-version query string parameter.");
            return;
        }
        boolean searching = req.path().contains("/docs/search");
        boolean authorized = apiKey != null
                ? apiKey.equals(headers.get("api-key")) || (searching && queryKey != null && queryKey.equals(headers.get("api-key")))
                : ("Bearer " + bearer).equals(headers.get("authorization"));
        if (!authorized) {
            error(req, 403, "Forbidden", "Authorization failed.");
            return;
        }
        Fault fault = nextFault();
        if (fault != null) {
            fault.headers().forEach(req.response()::putHeader);
            error(req, fault.status(), fault.status() == 429 ? "TooManyRequests" : "ServiceUnavailable",
                    "The service is busy (injected by the test).");
            return;
        }
        if (req.path().equals("/indexes") && req.method().name().equals("POST")) {
            JsonObject def = new JsonObject(body.toString());
            if (indexes.containsKey(def.getString("name"))) {
                error(req, 409, "ResourceNameAlreadyInUse", "Cannot create index '" + def.getString("name")
                        + "' because it already exists.");
                return;
            }
            index(def);
            json(req, 201, indexes.get(def.getString("name")));
            return;
        }
        Matcher m = INDEX.matcher(req.path());
        if (!m.matches()) {
            error(req, 404, "NotFound", "No such resource: " + req.path());
            return;
        }
        String name = m.group(1) != null ? m.group(1) : m.group(2);
        JsonObject def = indexes.get(name);
        try {
            if (m.group(3) != null && m.group(3).contains("index") && req.method().name().equals("POST")) {
                if (def == null) {
                    error(req, 404, "ResourceNotFound", "The index '" + name + "' for service was not found.");
                } else {
                    indexBatch(req, def, new JsonObject(body.toString()));
                }
            } else if (m.group(3) != null && req.method().name().equals("POST")) {
                if (def == null) {
                    error(req, 404, "ResourceNotFound", "The index '" + name + "' for service was not found.");
                } else {
                    json(req, 200, FakeSearchQuery.answer(def, new ArrayList<>(documents.get(name).values()),
                            new JsonObject(body.toString()), vectorizer, endpoint()));
                }
            } else if (m.group(3) == null && req.method().name().equals("GET")) {
                if (def == null) {
                    error(req, 404, "ResourceNotFound", "No index with the name '" + name + "' was found in the service.");
                } else {
                    json(req, 200, def.copy().put("@odata.context", endpoint() + "/$metadata#indexes/$entity"));
                }
            } else if (m.group(3) == null && req.method().name().equals("PUT")) {
                int status = def == null ? 201 : 200;
                index(new JsonObject(body.toString()).put("name", name));
                json(req, status, indexes.get(name));
            } else {
                error(req, 405, "MethodNotAllowed", req.method() + " " + req.path());
            }
        } catch (IllegalArgumentException e) {
            error(req, 400, "InvalidRequestParameter", e.getMessage());
        }
    }

    /** An index batch: each action applied, or failed as {@link #failKey} says; 207 when any failed. */
    private void indexBatch(HttpServerRequest req, JsonObject def, JsonObject batch) {
        String key = keyField(def);
        Map<String, JsonObject> docs = documents.get(def.getString("name"));
        JsonArray results = new JsonArray();
        boolean anyFailed = false;
        for (Object o : batch.getJsonArray("value")) {
            JsonObject action = ((JsonObject) o).copy();
            String verb = (String) action.remove("@search.action");
            String k = action.getString(key);
            Integer failure;
            synchronized (this) {
                Deque<Integer> q = keyFailures.get(k);
                failure = q == null ? null : q.poll();
            }
            if (failure != null) {
                anyFailed = true;
                results.add(new JsonObject().put("key", k).put("status", false).put("statusCode", failure)
                        .put("errorMessage", "injected by the test"));
                continue;
            }
            switch (verb) {
                case "upload", "mergeOrUpload" -> docs.put(k, action);
                case "delete" -> docs.remove(k);
                default -> throw new IllegalArgumentException("unsupported action " + verb);
            }
            results.add(new JsonObject().put("key", k).put("status", true).put("statusCode", verb.equals("delete") ? 200 : 201)
                    .putNull("errorMessage"));
        }
        json(req, anyFailed ? 207 : 200, new JsonObject().put("value", results));
    }

    static String keyField(JsonObject def) {
        return def.getJsonArray("fields").stream().map(JsonObject.class::cast)
                .filter(f -> f.getBoolean("key", false)).findFirst().orElseThrow().getString("name");
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json; odata.metadata=minimal")
                .end(body.encode());
    }

    private static void error(HttpServerRequest req, int status, String code, String message) {
        json(req, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
    }

    @Override
    public void close() {
        vertx.close();
    }
}
