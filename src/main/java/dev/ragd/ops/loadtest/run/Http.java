package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The few HTTP GETs a rehearsal makes to its own children: readiness and {@code /metrics}. */
final class Http {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The body of a 200 answer, or null for any other status or no answer. */
    String get(String url) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Waits until {@code url} answers 200; fails naming {@code what} when {@code alive} turns false
     * (the process exited) or {@code timeoutMs} passes.
     */
    void awaitOk(String url, String what, BooleanSupplier alive, long timeoutMs, java.util.function.Supplier<String> log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (get(url) != null) {
                return;
            }
            if (!alive.getAsBoolean()) {
                throw new IOException(what + " exited before " + url + " answered 200:\n" + log.get());
            }
            Thread.sleep(100);
        }
        throw new IOException(what + ": " + url + " did not answer 200 within " + timeoutMs / 1000 + " s:\n" + log.get());
    }
}
