package dev.ragd.server;

import static dev.ragd.server.ServerFixture.DEFAULT_ANSWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.FakeGenerator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpChatTest {

    record Reply(int status, MultiMap headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    static Reply call(ServerFixture f, HttpMethod method, String path, String body) throws Exception {
        HttpClient client = f.vertx.createHttpClient();
        try {
            return client.request(method, f.port(), "127.0.0.1", path)
                    .compose(req -> method != HttpMethod.POST ? req.send()
                            : req.putHeader("content-type", "application/json").send(body == null ? "" : body))
                    .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())))
                    .await(20, TimeUnit.SECONDS);
        } finally {
            client.close().await(10, TimeUnit.SECONDS);
        }
    }

    static Reply post(ServerFixture f, JsonObject body) throws Exception {
        return call(f, HttpMethod.POST, "/v1/chat", body.encode());
    }

    record Event(String type, JsonObject data) {}

    static List<Event> events(String sse) {
        List<Event> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertThat(lines).hasSizeBetween(2, 3);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            JsonObject data = new JsonObject(lines[1].substring(6));
            if (lines.length == 3) {
                assertThat(lines[2]).as("an answer's event carries its seq as the event id (Last-Event-ID)")
                        .isEqualTo("id: " + data.getLong("seq"));
            } else {
                assertThat(data.containsKey("seq")).as("an event without an id line is not a frame of the answer").isFalse();
            }
            out.add(new Event(lines[0].substring(7), data));
        }
        return out;
    }

    @Test
    void streamsServerSentEventsInOrder() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            Reply r = post(f, NativeSocketTest.request("h1", "When?"));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).startsWith("text/event-stream");
            List<Event> events = events(r.body());
            assertThat(events).extracting(Event::type).startsWith("start", "sources", "token").endsWith("end")
                    .filteredOn(t -> t.equals("token")).hasSize(FakeGenerator.splitWords(DEFAULT_ANSWER).size());
            assertThat(events).allSatisfy(e -> {
                assertThat(e.data().getString("type")).isEqualTo(e.type());
                assertThat(e.data().getString("id")).isEqualTo("h1");
            });
            StringBuilder answer = new StringBuilder();
            events.stream().filter(e -> e.type().equals("token")).forEach(e -> answer.append(e.data().getString("text")));
            assertThat(answer).hasToString(DEFAULT_ANSWER);
            assertThat(events.getLast().data().getString("log_id")).isEqualTo(events.getFirst().data().getString("log_id"))
                    .isEqualTo(f.memoryLog().record("h1").id());
            assertThat(f.memoryLog().record("h1").status()).isEqualTo(ChatRecord.Status.completed);
        }
    }

    @Test
    void tokensArrivingWithinTheCoalescingWindowShareFramesFirstTokenAloneTextUnchanged() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_STREAM_COALESCE_MS", "200").start()) {
            Reply r = post(f, NativeSocketTest.request("h2", "When?"));

            List<String> texts = events(r.body()).stream().filter(e -> e.type().equals("token"))
                    .map(e -> e.data().getString("text")).toList();
            List<String> words = FakeGenerator.splitWords(DEFAULT_ANSWER);
            assertThat(texts).hasSizeBetween(2, words.size() - 1);
            assertThat(texts.getFirst()).isEqualTo(words.getFirst());
            assertThat(String.join("", texts)).isEqualTo(DEFAULT_ANSWER);
            assertThat(f.memoryLog().record("h2").finalAnswer()).isEqualTo(DEFAULT_ANSWER);
        }
    }

    @Test
    void streamFalseReturnsOneJsonBody() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            Reply r = post(f, NativeSocketTest.request(null, "When?").put("stream", false));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).startsWith("application/json");
            JsonObject o = r.json();
            assertThat(o.getString("id")).isNotBlank();
            assertThat(o.getString("answer")).isEqualTo(DEFAULT_ANSWER);
            assertThat(o.getJsonArray("sources")).hasSize(2);
            assertThat(o.getString("log_id")).isNotBlank().isNotEqualTo(o.getString("id"));
            assertThat(o.getJsonObject("timings").getInteger("completion_tokens"))
                    .isEqualTo(FakeGenerator.splitWords(DEFAULT_ANSWER).size());
            assertThat(f.memoryLog().byLogId(o.getString("log_id")).requestId()).isEqualTo(o.getString("id"));
        }
    }

    @Test
    void testModeReturnsAJsonBodyEvenForAStreamingRequest() throws Exception {
        try (ServerFixture f = ServerFixture.builder().testMode().start()) {
            Reply r = post(f, NativeSocketTest.request("tm", "When?"));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).startsWith("application/json");
            assertThat(r.json().getString("answer")).isEqualTo(DEFAULT_ANSWER);
        }
    }

    @Test
    void badInputGets400WithACodeAndAMessageNamingTheProblem() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            Reply badJson = call(f, HttpMethod.POST, "/v1/chat", "{oops");
            Reply noMessages = post(f, new JsonObject().put("id", "x"));
            Reply badStream = post(f, NativeSocketTest.request("y", "q").put("stream", "yes"));

            for (Reply r : List.of(badJson, noMessages, badStream)) {
                assertThat(r.status()).isEqualTo(400);
                JsonObject error = r.json().getJsonObject("error");
                assertThat(error.getString("code")).isEqualTo("bad_request");
                assertThat(error.getBoolean("retryable")).isFalse();
            }
            assertThat(badJson.json().getJsonObject("error").getString("message")).startsWith("invalid JSON");
            assertThat(noMessages.json().getJsonObject("error").getString("message")).contains("messages");
            assertThat(badStream.json().getJsonObject("error").getString("message")).contains("stream");
        }
    }

    @Test
    void anOverLongQuestionGets400QuestionTooLong() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_MAX_QUESTION_CHARS", "5").start()) {
            Reply r = post(f, NativeSocketTest.request("l", "far too long"));

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("question_too_long");
        }
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            String huge = "x".repeat(HttpVerticle.MAX_BODY_BYTES + 1);
            Reply r = post(f, NativeSocketTest.request("big", huge));

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
        }
    }

    @Test
    void aGenerationFailureMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
        try (ServerFixture f = ServerFixture.builder().generator(FakeGenerator.text(DEFAULT_ANSWER, 0).failingAfter(2))
                .start()) {
            Reply r = post(f, NativeSocketTest.request("gf", "When?"));

            List<Event> events = events(r.body());
            assertThat(events).extracting(Event::type).containsExactly("start", "sources", "token", "token", "error");
            assertThat(events.getLast().data().getString("code")).isEqualTo("answer_cut");
            assertThat(events.getLast().data().getBoolean("retryable")).isTrue();
        }
    }

    @Test
    void withoutAResumeWindowAClientThatDisconnectsMidStreamCancelsTheRequest() throws Exception {
        FakeGenerator slow = FakeGenerator.words(10_000, 5);
        try (ServerFixture f = ServerFixture.builder().env("RAGD_RESUME_WINDOW_MS", "0").generator(slow).start()) {
            HttpClient client = f.vertx.createHttpClient();
            CompletableFuture<Void> disconnected = new CompletableFuture<>();
            StringBuilder received = new StringBuilder();
            HttpClientResponse resp = client.request(HttpMethod.POST, f.port(), "127.0.0.1", "/v1/chat")
                    .compose(req -> req.putHeader("content-type", "application/json")
                            .send(NativeSocketTest.request("dc", "When?").encode()))
                    .await(10, TimeUnit.SECONDS);
            resp.handler(buf -> {
                received.append(buf.toString(StandardCharsets.UTF_8));
                if (received.toString().split("event: token").length > 4 && !disconnected.isDone()) {
                    resp.request().connection().close();
                    disconnected.complete(null);
                }
            });
            disconnected.get(10, TimeUnit.SECONDS);

            ChatRecord r = f.memoryLog().await("dc", x -> true, Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
            assertThat(r.finalAnswer()).startsWith("w0 w1 w2");
            assertThat(r.finalAnswer().length()).isLessThan(slow.fullText().length());
            assertThat(slow.cancels).hasValue(1);
            client.close().await(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "coalescing window {0} ms")
    @ValueSource(ints = {0, 30})
    void aClientThatStopsReadingTheEventStreamPausesTheGenerator(int coalesceMs) throws Exception {
        // joined tokens carry ~10x fewer bytes: more of them are needed to fill the socket buffers
        int tokens = coalesceMs == 0 ? 200_000 : 2_000_000;
        FakeGenerator fast = FakeGenerator.words(tokens, 0);
        try (ServerFixture f = ServerFixture.builder().generator(fast)
                .env("RAGD_STREAM_COALESCE_MS", Integer.toString(coalesceMs)).start()) {
            HttpClient client = f.vertx.createHttpClient();
            HttpClientResponse resp = client.request(HttpMethod.POST, f.port(), "127.0.0.1", "/v1/chat")
                    .compose(req -> req.putHeader("content-type", "application/json")
                            .send(NativeSocketTest.request("slow", "When?").encode()))
                    .map(r -> r.pause())
                    .await(10, TimeUnit.SECONDS);

            Await.until(() -> fast.pausedNow);
            int emittedWhilePaused = fast.emitted.get();
            Thread.sleep(300);
            assertThat(fast.emitted.get()).isEqualTo(emittedWhilePaused).isLessThan(tokens);

            StringBuilder tail = new StringBuilder();
            CompletableFuture<Long> bytes = new CompletableFuture<>();
            long[] count = {0};
            resp.handler(buf -> {
                count[0] += buf.length();
                tail.append(buf.toString(StandardCharsets.UTF_8));
                if (tail.length() > 4096) {
                    tail.delete(0, tail.length() - 4096);
                }
            });
            resp.endHandler(v -> bytes.complete(count[0]));
            resp.resume();
            assertThat(bytes.get(60, TimeUnit.SECONDS)).isGreaterThan(coalesceMs == 0 ? (long) tokens * 40
                    : fast.fullText().length());
            assertThat(tail.toString()).contains("event: end");
            assertThat(f.memoryLog().record("slow").finalAnswer()).isEqualTo(fast.fullText());
            client.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void healthAndReadinessAreJson() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            Reply live = call(f, HttpMethod.GET, "/healthz", null);
            Reply ready = call(f, HttpMethod.GET, "/readyz", null);

            assertThat(live.status()).isEqualTo(200);
            assertThat(live.json().getString("status")).isEqualTo("live");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().getString("status")).isEqualTo("ready");
            assertThat(ready.json().getString("model")).isEqualTo("fake-words");
            assertThat(ready.json().getBoolean("language_model")).isFalse();
        }
    }

    @Test
    void servesThePageFromTheClasspathAtTheRoot() throws Exception {
        byte[] page;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("webroot/index.html")) {
            assumeTrue(in != null, "webroot/index.html is not on the classpath in this branch");
            page = in.readAllBytes();
        }
        try (ServerFixture f = ServerFixture.builder().start()) {
            Reply r = call(f, HttpMethod.GET, "/", null);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).startsWith("text/html");
            assertThat(r.headers().get("referrer-policy")).isEqualTo("no-referrer");
            assertThat(r.headers().get("content-security-policy")).contains("frame-ancestors 'none'");
            assertThat(r.body()).isEqualTo(new String(page, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aWebSocketToAnUnknownPathIsRefused() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            var client = f.vertx.createWebSocketClient();
            Throwable failure = client.connect(f.port(), "127.0.0.1", "/nope")
                    .map(ws -> (Throwable) null).otherwise(e -> e).await(10, TimeUnit.SECONDS);
            assertThat(failure).isNotNull().hasMessageContaining("404");
            client.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBodyThatIsNotValidUtf8Gets400NamingTheProblemAndIsNotAnswered() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            String json = NativeSocketTest.request("u", "When does it open?").encode();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            int at = json.indexOf('?');
            body[at] = (byte) 0xFF; // never valid in UTF-8
            HttpClient client = f.vertx.createHttpClient();
            Reply r;
            try {
                r = client.request(HttpMethod.POST, f.port(), "127.0.0.1", "/v1/chat")
                        .compose(req -> req.putHeader("content-type", "application/json").send(Buffer.buffer(body)))
                        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())))
                        .await(20, TimeUnit.SECONDS);
            } finally {
                client.close().await(10, TimeUnit.SECONDS);
            }

            assertThat(r.status()).isEqualTo(400);
            JsonObject error = r.json().getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("bad_request");
            assertThat(error.getString("message")).contains("UTF-8").contains("byte " + at);
            assertThat(f.memoryLog().size()).as("nothing answered or logged").isZero();
        }
    }
}
