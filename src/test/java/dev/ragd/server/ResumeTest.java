package dev.ragd.server;

import static dev.ragd.server.NativeSocketTest.framesOf;
import static dev.ragd.server.NativeSocketTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Resuming a streaming answer after the client's connection went away, on one replica: the frames
 * after the client's last seq, then the live rest, so that what the client got in all equals what
 * the chat log keeps; a resume after the window gets the logged answer; nobody coming back cancels it.
 */
class ResumeTest {
    static String text(List<JsonObject> frames) {
        StringBuilder sb = new StringBuilder();
        frames.stream().filter(f -> f.getString("type").equals("token")).forEach(f -> sb.append(f.getString("text")));
        return sb.toString();
    }

    static void seqsFollowOn(List<JsonObject> frames, long from) {
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).getLong("seq")).as("frame %d: %s", i, frames.get(i)).isEqualTo(from + i);
        }
    }

    static JsonObject resume(String id, String logId, long after) {
        return new JsonObject().put("type", "resume").put("id", id).put("log_id", logId).put("after", after);
    }

    @Test
    void aSocketKilledAtRandomPointsResumesOnANewSocketWithNoTextLostOrRepeated() throws Exception {
        FakeGenerator slow = FakeGenerator.words(60, 3);
        Random random = new Random(42);
        try (ServerFixture f = ServerFixture.builder().generator(slow).start()) {
            for (int round = 0; round < 12; round++) {
                String id = "r" + round;
                int cut = 1 + random.nextInt(40); // start, sources, then tokens: anywhere among them
                List<JsonObject> got;
                String logId;
                try (WsSession first = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
                    first.send(request(id, "When?"));
                    got = new ArrayList<>(first.framesOf(id, cut));
                    logId = got.getFirst().getString("log_id");
                }
                long after = got.getLast().getLong("seq");
                try (WsSession second = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
                    second.send(resume("again-" + round, logId, after));
                    List<JsonObject> rest = framesOf(second, "again-" + round);
                    seqsFollowOn(rest, after + 1);
                    got.addAll(rest);
                }
                seqsFollowOn(got, 1);
                assertThat(got.getLast().getString("type")).isEqualTo("end");
                assertThat(got.getLast().getString("status")).isEqualTo("completed");
                ChatRecord r = f.memoryLog().byLogId(logId);
                assertThat(text(got)).as("round %d cut after %d frames", round, cut).isEqualTo(r.finalAnswer())
                        .isEqualTo(slow.fullText());
                assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
            }
            assertThat(slow.cancels).as("no answer was cancelled").hasValue(0);
        }
    }

    @Test
    void anEventStreamCutMidAnswerResumesWithLastEventId() throws Exception {
        FakeGenerator slow = FakeGenerator.words(80, 5);
        try (ServerFixture f = ServerFixture.builder().generator(slow).start()) {
            HttpClient client = f.vertx.createHttpClient();
            StringBuilder firstPart = new StringBuilder();
            CompletableFuture<Void> enough = new CompletableFuture<>();
            client.request(HttpMethod.POST, f.port(), "127.0.0.1", "/v1/chat")
                    .compose(req -> req.putHeader("content-type", "application/json")
                            .send(request("sse-1", "When?").encode()))
                    .onSuccess(resp -> resp.handler(b -> { // on the event loop: no chunk comes before it
                        synchronized (firstPart) {
                            firstPart.append(b.toString(StandardCharsets.UTF_8));
                            if (firstPart.toString().split("event: token").length > 10) {
                                enough.complete(null);
                            }
                        }
                    }));
            enough.get(10, TimeUnit.SECONDS);
            client.close().await(10, TimeUnit.SECONDS); // the connection drops mid-answer
            String before;
            synchronized (firstPart) {
                before = firstPart.substring(0, firstPart.lastIndexOf("\n\n") + 2); // whole events only
            }
            List<HttpChatTest.Event> got = new ArrayList<>(HttpChatTest.events(before));
            String logId = got.getFirst().data().getString("log_id");
            long last = got.getLast().data().getLong("seq");

            HttpClient again = f.vertx.createHttpClient();
            HttpChatTest.Reply rest = again.request(HttpMethod.GET, f.port(), "127.0.0.1", "/v1/chat/" + logId + "/events")
                    .compose(req -> req.putHeader("last-event-id", Long.toString(last)).send())
                    .compose(r -> r.body().map(b -> new HttpChatTest.Reply(r.statusCode(), r.headers(), b.toString())))
                    .await(20, TimeUnit.SECONDS);
            again.close();

            assertThat(rest.status()).as(rest.body() + " after " + before).isEqualTo(200);
            assertThat(rest.headers().get("content-type")).startsWith("text/event-stream");
            List<HttpChatTest.Event> tail = HttpChatTest.events(rest.body());
            assertThat(tail.getFirst().data().getLong("seq")).isEqualTo(last + 1);
            got.addAll(tail);
            assertThat(got.getLast().type()).isEqualTo("end");
            List<JsonObject> frames = got.stream().map(HttpChatTest.Event::data).toList();
            seqsFollowOn(frames, 1);
            assertThat(text(frames)).isEqualTo(f.memoryLog().byLogId(logId).finalAnswer()).isEqualTo(slow.fullText());
        }
    }

    @Test
    void anAnswerNobodyComesBackForIsCancelledOnceTheWindowHasPassed() throws Exception {
        FakeGenerator slow = FakeGenerator.words(100_000, 5);
        try (ServerFixture f = ServerFixture.builder().env("RAGD_RESUME_WINDOW_MS", "1000").generator(slow).start()) {
            try (WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
                s.send(request("gone", "When?"));
                s.framesOf("gone", 5);
            }
            int atClose = slow.emitted.get();
            Thread.sleep(400);
            assertThat(slow.emitted.get()).as("still generating within the window").isGreaterThan(atClose);
            ChatRecord r = f.memoryLog().await("gone", x -> true, Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
            assertThat(slow.cancels).hasValue(1);
        }
    }

    @Test
    void aResumeAfterTheWindowGetsTheLoggedAnswerAndAnUnknownOneIsExpired() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_RESUME_WINDOW_MS", "1000").start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request("done", "When?"));
            List<JsonObject> frames = framesOf(s, "done");
            String logId = frames.getFirst().getString("log_id");
            s.send(resume("soon", logId, frames.getLast().getLong("seq")));
            List<JsonObject> again = framesOf(s, "soon");
            assertThat(again).as("a client that had everything: its frames are not kept, the log has the answer")
                    .singleElement().satisfies(e -> {
                        assertThat(e.getString("type")).isEqualTo("answer");
                        assertThat(e.getString("from")).isEqualTo("chat_log");
                        assertThat(e.getString("answer")).isEqualTo(text(frames));
                    });

            Thread.sleep(1500); // the window passes: the frames are dropped
            s.send(resume("late", logId, 3));
            JsonObject answer = framesOf(s, "late").getLast();
            assertThat(answer.getString("type")).isEqualTo("answer");
            assertThat(answer.getString("from")).isEqualTo("chat_log");
            assertThat(answer.getString("answer")).isEqualTo(text(frames)).isNotEmpty();
            assertThat(answer.getString("status")).isEqualTo("completed");

            s.send(resume("nope", "0b8f1f0e-no-such-answer", 0));
            JsonObject expired = framesOf(s, "nope").getLast();
            assertThat(expired.getString("code")).isEqualTo("resume_expired");
            assertThat(expired.getString("message")).contains("0b8f1f0e-no-such-answer", "RAGD_RESUME_WINDOW_MS");

            HttpChatTest.Reply http = HttpChatTest.call(f, HttpMethod.GET, "/v1/chat/0b8f1f0e-no-such-answer/events", null);
            assertThat(http.status()).isEqualTo(410);
            assertThat(http.json().getJsonObject("error").getString("code")).isEqualTo("resume_expired");
            HttpChatTest.Reply logged = HttpChatTest.call(f, HttpMethod.GET, "/v1/chat/" + logId + "/events?after=2", null);
            assertThat(logged.status()).isEqualTo(200);
            assertThat(HttpChatTest.events(logged.body())).singleElement()
                    .satisfies(e -> assertThat(e.data().getString("answer")).isEqualTo(text(frames)));
        }
    }

    @Test
    void aSecondResumeTakesTheAnswerOverAndTheFirstReaderHearsNoMore() throws Exception {
        FakeGenerator slow = FakeGenerator.words(200, 5);
        try (ServerFixture f = ServerFixture.builder().generator(slow).start();
                WsSession a = WsSession.connect(f.vertx, f.port(), "/v1/chat");
                WsSession b = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            a.send(request("mine", "When?"));
            List<JsonObject> first = a.framesOf("mine", 6);
            String logId = first.getFirst().getString("log_id");
            b.send(resume("taken", logId, 0));
            List<JsonObject> all = framesOf(b, "taken");
            seqsFollowOn(all, 1);
            assertThat(text(all)).isEqualTo(slow.fullText());
            a.frames.clear();
            a.send(request("next", "When?"));
            assertThat(framesOf(a, "next").getLast().getString("type")).as("the first socket carries on").isEqualTo("end");
            assertThat(a.frames).noneMatch(fr -> fr.contains("\"mine\""));
            // A stop sent with the resume's id stops the answer it reads.
        }
    }

    @Test
    void aStopSentWithTheResumesIdStopsTheAnswer() throws Exception {
        FakeGenerator slow = FakeGenerator.words(100_000, 5);
        try (ServerFixture f = ServerFixture.builder().generator(slow).start()) {
            String logId;
            try (WsSession a = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
                a.send(request("long", "When?"));
                logId = a.framesOf("long", 4).getFirst().getString("log_id");
            }
            try (WsSession b = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
                b.send(resume("back", logId, 4));
                b.framesOf("back", 3);
                b.send(new JsonObject().put("type", "stop").put("id", "back"));
                JsonObject end = framesOf(b, "back").getLast();
                assertThat(end.getString("type")).isEqualTo("end");
                assertThat(end.getString("status")).isEqualTo("stopped");
            }
            Await.until(() -> f.memoryLog().byLogId(logId) != null);
            assertThat(f.memoryLog().byLogId(logId).status()).isEqualTo(ChatRecord.Status.stopped);
        }
    }

    @Test
    void aBadResumeFrameIsABadRequestNamingTheField() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            record Case(JsonObject frame, String names) {}
            for (Case c : List.of(
                    new Case(new JsonObject().put("type", "resume").put("id", "r1"), "log_id"),
                    new Case(resume("r2", "x", -1), "after"),
                    new Case(new JsonObject().put("type", "resume").put("id", "r3").put("log_id", "x").put("after", "7"), "after"),
                    new Case(new JsonObject().put("type", "resume").put("id", "r4").put("log_id", "x").put("after", 1.5), "after"),
                    new Case(resume("r5", "x", 1L << 50), "after"),
                    new Case(resume("r6", "../../etc", 0), "log_id"),
                    new Case(new JsonObject().put("type", "resume").put("id", "r7").put("log_id", 12), "log_id"))) {
                s.send(c.frame());
                JsonObject e = s.nextJson();
                assertThat(e.getString("type")).as(c.frame().encode()).isEqualTo("error");
                assertThat(e.getString("id")).isEqualTo(c.frame().getString("id"));
                assertThat(e.getString("code")).isEqualTo("bad_request");
                assertThat(e.getString("message")).contains(c.names());
            }
            for (String bad : List.of("after=-1", "after=abc", "after=99999999999999999999")) {
                HttpChatTest.Reply r = HttpChatTest.call(f, HttpMethod.GET, "/v1/chat/abc/events?" + bad, null);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().getJsonObject("error").getString("message")).contains("after");
            }
        }
    }
}
