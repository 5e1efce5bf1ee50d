package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code RAGD_AUTH=api-key} through every protocol of the real server: a request without a
 * credential, or with a wrong one, is refused with a message naming the problem; the right key
 * is accepted as a header (HTTP) or a subprotocol (both WebSocket protocols) or traded for a
 * single-use ticket bound to its page's origin; the chat log names the key's user, never the
 * {@code user_email} the client sent; and neither key nor ticket is ever logged.
 */
class ApiKeyAuthE2ETest {

    static final String KEY = "sk-alice-4f1e9c2b7d0a8e3f";
    static final String OTHER_SITE = "https://other.example";
    static final String ALLOWED_SITE = "https://chat.example";

    @RegisterExtension
    static final SharedApp APP = SharedApp.with(Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS",
            "alice=" + KEY + ",bob=sk-bob-77aa01bb22cc33dd", "RAGD_ALLOWED_ORIGINS", ALLOWED_SITE + "," + OTHER_SITE));

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(APP.get().baseUrl() + path.substring(1)))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String question(String id) {
        return new JsonObject().put("id", id).put("user_email", "eve@example.org").put("stream", false)
                .put("messages", List.of(Map.of("role", "user", "content", BookSocketE2ETest.QUESTION))).encode();
    }

    private static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    private static String message(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("message");
    }

    @Test
    void httpWithoutOrWithAWrongKeyIsRefusedAndTheRightKeyAnswersAsItsUser() throws Exception {
        HttpResponse<String> none = post("/v1/chat", question("n-1"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"ragd\"");
        assertThat(code(none)).isEqualTo("unauthorized");
        assertThat(message(none)).contains("Authorization: Bearer");

        HttpResponse<String> wrong = post("/v1/chat", question("w-1"), "authorization", "Bearer sk-alice-4f1e9c2b7d0a8e3X");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(message(wrong)).isEqualTo("the API key is not valid");
        HttpResponse<String> basic = post("/v1/chat", question("b-1"), "authorization", "Basic YWxpY2U6eA==");
        assertThat(message(basic)).contains("must be 'Bearer");

        HttpResponse<String> ok = post("/v1/chat", question("ok-1"), "authorization", "Bearer " + KEY);
        assertThat(ok.statusCode()).isEqualTo(200);
        String logId = new JsonObject(ok.body()).getString("log_id");
        ChatRecord record = APP.get().record(logId).orElseThrow();
        assertThat(record.userEmail()).as("the key's user, not the client's user_email").isEqualTo("alice");
    }

    @Test
    void aCredentialInTheUrlIsRefusedNamingTheParameter() throws Exception {
        HttpResponse<String> r = post("/v1/chat?access_token=" + KEY, question("u-1"), "authorization", "Bearer " + KEY);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(message(r)).contains("credentials in the URL").contains("access_token").doesNotContain(KEY);
        Throwable t = catchThrowable(() -> WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/v1/chat?ticket=abc").addSubProtocol("bearer." + KEY)));
        assertThat(t).isInstanceOf(UpgradeRejectedException.class);
        assertThat(((UpgradeRejectedException) t).getStatus()).isEqualTo(400);
    }

    @Test
    void probesAndThePageNeedNoCredential() throws Exception {
        for (String path : List.of("healthz", "readyz", "")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(APP.get().baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void socketsRefuseAnUpgradeWithoutACredentialAndAcceptTheBearerSubprotocol() throws Exception {
        for (String path : List.of("/v1/chat", "/")) {
            Throwable t = catchThrowable(() -> WsSession.connect(APP.get().clientVertx(), APP.get().port(), path));
            assertThat(t).as(path).isInstanceOf(UpgradeRejectedException.class);
            assertThat(((UpgradeRejectedException) t).getStatus()).isEqualTo(401);
        }
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol("bearer." + KEY))) {
            assertThat(ws.ws.subProtocol()).as("the offered protocol is selected, as browsers require")
                    .isEqualTo("bearer." + KEY);
            ws.send(new JsonObject(question("ws-1")));
            JsonObject answer = ws.nextJson();
            assertThat(answer.getString("type")).isEqualTo("answer");
            assertThat(APP.get().record(answer.getString("log_id")).orElseThrow().userEmail()).isEqualTo("alice");
        }
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/").addSubProtocol("ragd").addSubProtocol("bearer." + KEY))) {
            assertThat(ws.ws.subProtocol()).as("a client that offers a plain protocol first keeps its key out of the reply")
                    .isEqualTo("ragd");
            ws.send(BookSocketE2ETest.bookRequest("eve@example.org", BookSocketE2ETest.QUESTION));
            List<String> frames = ws.readUntilClosed();
            Matcher first = BookSocketE2ETest.PRINT_FRAME.matcher(frames.getFirst());
            assertThat(first.matches()).isTrue();
            String uuid = first.group(1);
            Await.until(() -> APP.get().record(uuid).isPresent());
            assertThat(APP.get().record(uuid).orElseThrow().userEmail()).isEqualTo("alice");
        }
    }

    @Test
    void aTicketOpensOneSocketFromItsOwnOriginOnly() throws Exception {
        HttpResponse<String> issued = post("/v1/ws-ticket", "", "authorization", "Bearer " + KEY, "origin", ALLOWED_SITE);
        assertThat(issued.statusCode()).isEqualTo(200);
        JsonObject t = new JsonObject(issued.body());
        assertThat(t.getString("user")).isEqualTo("alice");
        assertThat(t.getLong("expires_in_ms")).isPositive();
        String protocol = t.getString("subprotocol");
        assertThat(protocol).isEqualTo("ticket." + t.getString("ticket"));

        Throwable elsewhere = catchThrowable(() -> WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol(protocol).addHeader("origin", OTHER_SITE)));
        assertThat(((UpgradeRejectedException) elsewhere).getStatus()).as("a page of another site").isEqualTo(403);

        HttpResponse<String> again = post("/v1/ws-ticket", "", "authorization", "Bearer " + KEY, "origin", ALLOWED_SITE);
        String second = new JsonObject(again.body()).getString("subprotocol");
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol(second).addHeader("origin", ALLOWED_SITE))) {
            ws.send(new JsonObject(question("t-1")));
            JsonObject answer = ws.nextJson();
            assertThat(APP.get().record(answer.getString("log_id")).orElseThrow().userEmail()).isEqualTo("alice");
        }
        Throwable reused = catchThrowable(() -> WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol(second).addHeader("origin", ALLOWED_SITE)));
        assertThat(((UpgradeRejectedException) reused).getStatus()).as("a used ticket").isEqualTo(401);
        HttpResponse<String> anonymous = post("/v1/ws-ticket", "");
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void oneKeyAskingForTicketsBeyondItsAllowanceIsToldToWaitAndOthersStillGetTheirs() throws Exception {
        String bob = "Bearer sk-bob-77aa01bb22cc33dd";
        HttpResponse<String> last = null;
        int issued = 0;
        for (int i = 0; i < 30 && (last == null || last.statusCode() == 200); i++) {
            last = post("/v1/ws-ticket", "", "authorization", bob);
            issued += last.statusCode() == 200 ? 1 : 0;
        }
        assertThat(issued).isEqualTo(dev.ragd.auth.TicketAllowance.PER_WINDOW);
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(code(last)).isEqualTo("quota_exceeded");
        assertThat(message(last)).contains("WebSocket tickets").contains("bob");
        assertThat(new JsonObject(last.body()).getJsonObject("error").getLong("retry_after_ms")).isPositive();
        assertThat(last.headers().firstValue("retry-after")).isPresent();

        assertThat(post("/v1/ws-ticket", "", "authorization", "Bearer " + KEY).statusCode()).as("alice").isEqualTo(200);
    }

    private double refusedUnauthorized() throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(APP.get().baseUrl() + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = java.util.regex.Pattern.compile("(?m)^ragd_requests_refused_total\\{code=\"unauthorized\"} (\\S+)$")
                .matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void refusedCredentialsAreCountedByCodeOnEveryProtocol() throws Exception {
        double before = refusedUnauthorized();
        post("/v1/chat", question("m-1"), "authorization", "Bearer not-a-key");
        catchThrowable(() -> WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol("bearer.not-a-key")));

        assertThat(refusedUnauthorized()).isGreaterThanOrEqualTo(before + 2);
    }

    @Test
    void neitherKeysNorTicketsAreEverLogged() throws Exception {
        List<String> secrets = new ArrayList<>(List.of(KEY, "sk-bob-77aa01bb22cc33dd"));
        try (RecordedLog log = RecordedLog.start()) {
            post("/v1/chat", question("l-1"), "authorization", "Bearer " + KEY);
            post("/v1/chat", question("l-2"), "authorization", "Bearer " + KEY + "x");
            HttpResponse<String> issued = post("/v1/ws-ticket", "", "authorization", "Bearer " + KEY);
            String ticket = new JsonObject(issued.body()).getString("ticket");
            secrets.add(ticket);
            try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                    new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol("ticket." + ticket))) {
                ws.send(new JsonObject(question("l-3")));
                ws.nextJson();
            }
            catchThrowable(() -> WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                    new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol("ticket." + ticket)));
            for (ILoggingEvent e : log.events()) {
                String all = e.getFormattedMessage() + " " + e.getKeyValuePairs() + " " + e.getMDCPropertyMap();
                assertThat(secrets).noneMatch(all::contains);
            }
            assertThat(log.events()).isNotEmpty();
        }
    }
}
