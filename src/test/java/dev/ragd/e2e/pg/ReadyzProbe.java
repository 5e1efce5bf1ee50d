package dev.ragd.e2e.pg;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Polls {@code /readyz} every 50 ms on its own thread and keeps every answer with its time. */
final class ReadyzProbe implements AutoCloseable {

    record Sample(long nanos, int status, String body) {}

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;
    private final Thread thread;
    private volatile boolean stopped;

    ReadyzProbe(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/readyz");
        this.thread = Thread.ofPlatform().daemon().name("readyz-probe").start(this::loop);
    }

    /** One request now. */
    Sample now() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Sample(System.nanoTime(), r.statusCode(), r.body());
    }

    private void loop() {
        while (!stopped) {
            try {
                samples.add(now());
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                samples.add(new Sample(System.nanoTime(), -1, e.toString()));
            }
        }
    }

    /** The samples taken from {@code fromNanos} (inclusive) to {@code toNanos} (exclusive). */
    List<Sample> between(long fromNanos, long toNanos) {
        return samples.stream().filter(s -> s.nanos() >= fromNanos && s.nanos() < toNanos).toList();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
