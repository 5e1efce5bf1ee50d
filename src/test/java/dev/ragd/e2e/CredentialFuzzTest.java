package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.TestIssuer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of the credential paths with {@code RAGD_AUTH=jwt} against a local
 * issuer: mutated and made-up tokens (see {@link HostileCredentials}) in the {@code Authorization}
 * header of {@code POST /v1/chat}, and in the {@code bearer.} and {@code ticket.} subprotocols of
 * * WebSocket upgrades sent byte for byte. Every one must be refused with 400 or 401 (431 past the header size limit) (an upgrade is
 * never accepted, an answer never given) and a message that does not repeat it; nothing is
 * logged at ERROR, no credential is logged at all, and a valid token still works afterwards.
 */
class CredentialFuzzTest {

    /** 431: a header past the server's header size limit (Vert.x's own answer, before any route). */
    static final Set<Integer> REFUSED = Set.of(400, 401, 431);

    private static TestIssuer issuer;
    private static RunningApp app;
    private static RecordedLog log;
    private static HttpClient http;
    private static String valid;

    @BeforeContainer
    static void start() throws Exception {
        log = RecordedLog.start();
        issuer = new TestIssuer();
        app = RunningApp.start(Map.of("RAGD_AUTH", "jwt", "RAGD_JWT_ISSUER", TestIssuer.ISSUER,
                "RAGD_JWT_AUDIENCE", TestIssuer.AUDIENCE, "RAGD_JWT_JWKS_URL", issuer.jwksUrl(), "RAGD_CHATLOG", "none",
                "RAGD_RATE_LIMIT_PER_MINUTE", "0", "RAGD_MAX_CONCURRENT_PER_USER", "0"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        valid = issuer.token("alice", List.of("eng"));
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            assertThat(post("Bearer " + valid).statusCode()).as("a valid token after the fuzzing").isEqualTo(200);
            assertThat(log.atLeast(Level.ERROR)).as("nothing logged at ERROR").isEmpty();
            for (ILoggingEvent e : log.events()) {
                String all = e.getFormattedMessage() + " " + e.getKeyValuePairs();
                assertThat(all).as("a logged event").doesNotContain(valid.substring(valid.lastIndexOf('.') + 1));
            }
        } finally {
            http.close();
            app.close();
            issuer.close();
            log.close();
        }
    }

    private static HttpResponse<String> post(String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat"))
                .header("content-type", "application/json").header("authorization", authorization)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("stream", false)
                        .put("messages", List.of(Map.of("role", "user", "content", "Do you ship to Canada?"))).encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Provide
    Arbitrary<String> tokens() {
        return HostileCredentials.tokens(valid, issuer.key());
    }

    @Provide
    Arbitrary<String> authorizations() {
        return HostileCredentials.authorizations(tokens());
    }

    @Property(tries = 1500)
    void everyHostileAuthorizationHeaderIsRefusedWithoutRepeatingIt(@ForAll("authorizations") String header)
            throws Exception {
        HttpResponse<String> r = post(header);
        assertThat(r.statusCode()).as("status for %s", header).isIn(REFUSED);
        if (r.statusCode() == 431) {
            return;
        }
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("code")).isIn("unauthorized", "bad_request");
        assertThat(error.getString("message")).isNotBlank();
        String credential = header.length() > 7 ? header.substring(7).strip() : "";
        if (credential.length() >= 12) {
            assertThat(error.getString("message")).doesNotContain(credential);
        }
    }

    @Property(tries = 1500)
    void everyHostileSubprotocolIsRefusedBeforeTheUpgrade(@ForAll("tokens") String token) throws Exception {
        String prefix = token.hashCode() % 3 == 0 ? "ticket." : "bearer.";
        int status = upgrade(token.hashCode() % 2 == 0 ? "/v1/chat" : "/", "ragd, " + prefix + token);
        assertThat(status).as("status for %s", token).isIn(REFUSED);
    }

    /** The status line's code of a handshake sent as raw bytes (so any header value can be tried). */
    static int upgrade(String path, String protocols) throws Exception {
        try (Socket s = new Socket("127.0.0.1", app.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + app.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + protocols + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }
    }
}
