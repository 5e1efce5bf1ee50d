package dev.ragd.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code POST /v1/chat} with the JDK client, the whole body read. Not Vert.x's client: Vert.x 5 may
 * hand over a body's first chunks before the response callback attached its handlers
 * (eclipse-vertx/vert.x#5825), which once lost the start and sources events, and once a whole 400 body.
 */
public final class ChatPost {

    /** What came back; {@code contentType} is empty when there was none. */
    public record Reply(int status, String contentType, String body) {}

    private ChatPost() {}

    /** Posts {@code body} as written (e.g. with JSON escapes no encoder would produce) to ragd on {@code port}. */
    public static Reply post(int port, String body, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat"))
                    .header("content-type", "application/json").timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
        } finally {
            http.close();
        }
    }
}
