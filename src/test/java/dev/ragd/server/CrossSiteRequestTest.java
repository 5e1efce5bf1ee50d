package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A page on another web site must not be able to use ragd through its visitors' browsers: not over
 * either WebSocket, not with a POST of any content type a form can send, not through a hostile DNS
 * name pointing at ragd. Non-browser clients (no {@code Origin}) keep working.
 */
class CrossSiteRequestTest {

    private static final String EVIL = "http://evil.example";

    record Reply(int status, JsonObject body) {}

    static Reply post(ServerFixture f, Map<String, String> headers, String body, String authority) throws Exception {
        HttpClient client = f.vertx.createHttpClient();
        try {
            RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setPort(f.port()).setHost("127.0.0.1")
                    .setURI("/v1/chat");
            headers.forEach(ro::putHeader);
            return client.request(ro).compose(req -> {
                if (authority != null) {
                    req.authority(HostAndPort.parseAuthority(authority, -1));
                }
                return req.send(Buffer.buffer(body));
            }).compose(r -> r.body().map(b -> new Reply(r.statusCode(), bodyJson(r, b))))
                    .await(10, TimeUnit.SECONDS);
        } finally {
            client.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static JsonObject bodyJson(HttpClientResponse r, Buffer b) {
        String type = r.getHeader("content-type");
        return type != null && type.startsWith("application/json") && b.length() > 0 ? b.toJsonObject() : null;
    }

    static String question() {
        return NativeSocketTest.request("x", "When does it open?").encode();
    }

    /** Connects to {@code path} with the given Origin (none when {@code null}) and Host. */
    static WebSocket connect(ServerFixture f, String path, String origin, String host) throws Exception {
        WebSocketClient client = f.vertx.createWebSocketClient();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setPort(f.port()).setHost("127.0.0.1").setURI(path)
                .setAllowOriginHeader(origin != null); // false drops even a header set here
        if (origin != null) {
            o.putHeader("origin", origin);
        }
        if (host != null) {
            o.putHeader("host", host);
        }
        return client.connect(o).await(10, TimeUnit.SECONDS);
    }

    static int rejectedStatus(ServerFixture f, String path, String origin, String host) {
        Throwable t = catchThrowable(() -> connect(f, path, origin, host));
        assertThat(t).as("upgrade refused").isInstanceOf(UpgradeRejectedException.class);
        return ((UpgradeRejectedException) t).getStatus();
    }

    @Test
    void aResumeFromAnotherSitesPageIsRefusedAndASameSiteOneIsAnswered() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            HttpClient client = f.vertx.createHttpClient();
            try {
                for (Map<String, String> headers : List.of(Map.of("origin", EVIL), Map.of("sec-fetch-site", "cross-site"))) {
                    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setPort(f.port())
                            .setHost("127.0.0.1").setURI("/v1/chat/some-answer/events");
                    headers.forEach(ro::putHeader);
                    Reply r = client.request(ro).compose(req -> req.send())
                            .compose(x -> x.body().map(b -> new Reply(x.statusCode(), bodyJson(x, b)))).await(10, TimeUnit.SECONDS);
                    assertThat(r.status()).as(headers.toString()).isEqualTo(403);
                    assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("origin_not_allowed");
                }
                Reply same = client.request(new RequestOptions().setMethod(HttpMethod.GET).setPort(f.port()).setHost("127.0.0.1")
                        .setURI("/v1/chat/some-answer/events").putHeader("origin", "http://127.0.0.1:" + f.port()))
                        .compose(req -> req.send()).compose(x -> x.body().map(b -> new Reply(x.statusCode(), bodyJson(x, b))))
                        .await(10, TimeUnit.SECONDS);
                assertThat(same.status()).as("same site: no such answer").isEqualTo(410);
            } finally {
                client.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/v1/chat"})
    void aWebSocketFromAnotherSitesPageIsRefused(String path) throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            assertThat(rejectedStatus(f, path, EVIL, null)).isEqualTo(403);
            assertThat(rejectedStatus(f, path, "null", null)).as("sandboxed page").isEqualTo(403);
            assertThat(rejectedStatus(f, path, "http://127.0.0.1:" + f.port() + ".evil.example", null)).isEqualTo(403);

            assertThat(connect(f, path, null, null).isClosed()).as("no Origin: not a browser").isFalse();
            assertThat(connect(f, path, "http://127.0.0.1:" + f.port(), null).isClosed()).as("same origin").isFalse();
            assertThat(connect(f, path, "https://127.0.0.1:" + f.port(), null).isClosed())
                    .as("same host behind a TLS proxy").isFalse();
            assertThat(f.memoryLog().size()).isZero();
        }
    }

    @Test
    void aCrossSitePostIsRefusedWhateverItsContentType() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            for (String type : new String[] {"application/json", "text/plain", "application/x-www-form-urlencoded"}) {
                Reply r = post(f, Map.of("origin", EVIL, "content-type", type), question(), null);
                assertThat(r.status()).as(type).isEqualTo(403);
                assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("origin_not_allowed");
                assertThat(r.body().getJsonObject("error").getString("message")).contains("evil.example");
            }
            Reply fetchMarked = post(f, Map.of("sec-fetch-site", "cross-site", "content-type", "application/json"),
                    question(), null);
            assertThat(fetchMarked.status()).isEqualTo(403);
            assertThat(f.memoryLog().size()).as("no record written").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "(none)"})
    void aPostThatIsNotJsonGets415(String type) throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            Reply r = post(f, type.equals("(none)") ? Map.of() : Map.of("content-type", type), question(), null);
            assertThat(r.status()).isEqualTo(415);
            assertThat(r.body().getJsonObject("error").getString("code")).isEqualTo("unsupported_media_type");
            assertThat(r.body().getJsonObject("error").getString("message")).contains("application/json");
            assertThat(f.memoryLog().size()).isZero();

            Reply json = post(f, Map.of("content-type", "Application/JSON; charset=utf-8"), question(), null);
            assertThat(json.status()).as("JSON with parameters, any case").isEqualTo(200);
        }
    }

    @Test
    void listedOriginsAreAllowedBesidesTheSameOrigin() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_ALLOWED_ORIGINS", "https://chat.example.com").start()) {
            assertThat(connect(f, "/v1/chat", "https://chat.example.com", null).isClosed()).isFalse();
            assertThat(connect(f, "/v1/chat", "https://CHAT.example.com:443", null).isClosed()).as("normalised").isFalse();
            assertThat(connect(f, "/v1/chat", "http://127.0.0.1:" + f.port(), null).isClosed()).isFalse();
            assertThat(rejectedStatus(f, "/v1/chat", "http://chat.example.com", null)).as("other scheme").isEqualTo(403);
            assertThat(rejectedStatus(f, "/", EVIL, null)).isEqualTo(403);
            assertThat(post(f, Map.of("origin", "https://chat.example.com", "content-type", "application/json"),
                    question(), null).status()).isEqualTo(200);
        }
    }

    @Test
    void aStarAllowsEveryOrigin() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_ALLOWED_ORIGINS", "*").start()) {
            assertThat(connect(f, "/", EVIL, null).isClosed()).isFalse();
            assertThat(post(f, Map.of("origin", EVIL, "content-type", "application/json"), question(), null).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void withAllowedHostsAnotherHostNameIsRefusedButProbesStillAnswer() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_ALLOWED_HOSTS", "ragd.example,127.0.0.1").start()) {
            Reply rebound = post(f, Map.of("content-type", "application/json"), question(), "evil.example:" + f.port());
            assertThat(rebound.status()).isEqualTo(421);
            assertThat(rebound.body().getJsonObject("error").getString("code")).isEqualTo("host_not_allowed");
            assertThat(rejectedStatus(f, "/v1/chat", null, "evil.example")).isEqualTo(421);
            assertThat(post(f, Map.of("content-type", "application/json"), question(), "ragd.example:8000").status())
                    .isEqualTo(200);
            assertThat(connect(f, "/v1/chat", "http://ragd.example", "ragd.example").isClosed()).isFalse();

            HttpClient client = f.vertx.createHttpClient();
            try {
                int probe = client.request(new RequestOptions().setPort(f.port()).setHost("127.0.0.1").setURI("/healthz"))
                        .compose(req -> req.authority(HostAndPort.create("10.1.2.3", f.port())).send())
                        .map(HttpClientResponse::statusCode).await(10, TimeUnit.SECONDS);
                assertThat(probe).as("a probe naming the pod's address").isEqualTo(200);
            } finally {
                client.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void configurationNamesTheBadVariable() {
        assertThatThrownBy(() -> RagdConfig.from(new Env(
                Map.of("RAGD_ALLOWED_ORIGINS", "https://ok.example,evil.example/path"))))
                .hasMessageContaining("RAGD_ALLOWED_ORIGINS").hasMessageContaining("evil.example/path");
        assertThatThrownBy(() -> RagdConfig.from(new Env(
                Map.of("RAGD_ALLOWED_ORIGINS", "*,https://ok.example"))))
                .hasMessageContaining("RAGD_ALLOWED_ORIGINS");
        assertThatThrownBy(() -> RagdConfig.from(new Env(
                Map.of("RAGD_ALLOWED_HOSTS", "ragd.example:8000"))))
                .hasMessageContaining("RAGD_ALLOWED_HOSTS").hasMessageContaining("without scheme or port");
    }
}
