package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.RagdConfig;
import dev.ragd.ingest.SampleCorpusBootstrap;
import dev.ragd.retrieval.Retrieval;
import dev.ragd.retrieval.LuceneStack;
import dev.ragd.testsupport.TestEmbedders;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RAGD_STATELESS=true} end to end: the real {@code ragd serve} in its own JVM, its index on a
 * real read-only bind mount (a private mount namespace via {@code unshare -m}; skipped where that is
 * not permitted), its working directory and {@code java.io.tmpdir} fresh directories of this test, so
 * that every file the server writes there is seen without noise from other processes. During a
 * chat (WebSocket, HTTP, page reload) nothing is created or modified in the index, the working
 * directory or the temporary directory.
 */
class StatelessE2ETest {

    private static final Pattern SERVING = Pattern.compile("ragd is serving on http://[^:]+:(\\d+)");
    private static final String QUESTION = "What is the warranty of the Cinder Kettle?";

    @TempDir
    Path base;

    private Process server;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChatInStatelessModeWritesNothingToTheIndexTheWorkingDirectoryOrTmp() throws Exception {
        Path data = Files.createDirectories(base.resolve("data"));
        Path index = data.resolve("index");
        RagdConfig builder = RagdConfig.defaults().withDataDir(data);
        try (LuceneStack built = Retrieval.open(builder, TestEmbedders.local())) {
            SampleCorpusBootstrap.seedIfNew(built, builder);
            assertThat(built.index().chunkCount()).isGreaterThan(60);
        }
        Assumptions.assumeTrue(canMountReadOnly(Files.createDirectories(base.resolve("probe"))),
                "needs `unshare -m` and bind mounts (root in a container that allows them)");
        Path work = Files.createDirectories(base.resolve("work"));
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        Map<String, Map<String, String>> beforeStart = snapshots(index, work, tmp);

        int port = startServer(index, data, work, tmp);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String page = get(http, port, "/");
        assertThat(page).containsIgnoringCase("<html");
        Map<String, Map<String, String>> started = snapshots(index, work, tmp);

        String wsAnswer = webSocketChat(http, port, "ws-1");
        String wsAnswer2 = webSocketChat(http, port, "ws-2");
        String postAnswer = post(http, port, "post-1");
        assertThat(get(http, port, "/")).isEqualTo(page);
        Map<String, Map<String, String>> afterChat = snapshots(index, work, tmp);

        assertThat(wsAnswer).contains("5 years").contains("[1]");
        assertThat(wsAnswer2).isEqualTo(wsAnswer);
        assertThat(postAnswer).isEqualTo(wsAnswer);
        assertThat(afterChat).as("files during the chats").isEqualTo(started);

        System.out.println("stateless e2e: written at startup (incl. the first page load): "
                + changes(beforeStart, started));
        assertThat(started.get("index")).as("index at startup").isEqualTo(beforeStart.get("index"));
        assertThat(started.get("work")).as("working directory at startup").isEqualTo(beforeStart.get("work"));
        // What startup still writes to java.io.tmpdir: only the empty directory the ONNX runtime 1.20
        // creates even when its libraries come from onnxruntime.native.path (the page is served from
        // memory and Vert.x's classpath file cache is off, so no vertx-cache-<uuid> directory).
        assertThat(started.get("tmp").keySet()).as("java.io.tmpdir at startup")
                .allMatch(p -> p.isEmpty() || p.startsWith("onnxruntime-java") && !p.contains("/"));

        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
        Map<String, Map<String, String>> stopped = snapshots(index, work, tmp);
        assertThat(stopped.get("index")).as("index after stopping").isEqualTo(beforeStart.get("index"));
        assertThat(stopped.get("work")).as("working directory after stopping").isEqualTo(beforeStart.get("work"));
        assertThat(stopped.get("tmp").keySet()).as("java.io.tmpdir after stopping: everything removed")
                .isEqualTo(beforeStart.get("tmp").keySet());
    }

    private int startServer(Path index, Path data, Path work, Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path nativeLibs = onnxNativeLibraries(Files.createDirectories(base.resolve("native")));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\"", "sh",
                index.toString(), java, "-XX:-UsePerfData", "-Xmx1g", "-Djava.io.tmpdir=" + tmp,
                "-Donnxruntime.native.path=" + nativeLibs,
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-cp", cp, "dev.ragd.Main", "serve", "--port", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("RAGD_") || k.equals("PORT"));
        pb.environment().putAll(Map.of("RAGD_STATELESS", "true", "RAGD_INDEX_DIR", index.toString(),
                "RAGD_DATA_DIR", data.toString(), "RAGD_CHATLOG", "none", "RAGD_HOST", "127.0.0.1",
                "RAGD_EXTRACTIVE_TOKEN_MS", "0", "RAGD_LOG_FORMAT", "text", "RAGD_WARMUP_MS", "0"));
        server = pb.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException("server ended before serving:\n"
                    + String.join("\n", output)));
        });
        return port.get(180, TimeUnit.SECONDS);
    }

    /**
     * The ONNX runtime's native libraries unpacked once, as an image build would (e.g. to
     * {@code /opt/ragd/native}), so the server loads them from there instead of copying 16 MB into
     * {@code java.io.tmpdir} on every start.
     */
    private static Path onnxNativeLibraries(Path dir) throws IOException {
        for (String lib : List.of("libonnxruntime.so", "libonnxruntime4j_jni.so")) {
            try (var in = StatelessE2ETest.class.getResourceAsStream("/ai/onnxruntime/native/linux-x64/" + lib)) {
                Assumptions.assumeTrue(in != null, "ONNX runtime natives for linux-x64 only");
                Files.copy(in, dir.resolve(lib));
            }
        }
        return dir;
    }

    private static boolean canMountReadOnly(Path dir) throws Exception {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c",
                    "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && ! touch \"$1/x\" 2>/dev/null",
                    "sh", dir.toString()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !Files.exists(dir.resolve("x"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
        return r.body();
    }

    private static String post(HttpClient http, int port, String id) throws Exception {
        String body = NativeSocketE2ETest.request(id, QUESTION).put("stream", false).encode();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST /v1/chat: " + r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("answer");
    }

    /** One chat over the native WebSocket protocol: the concatenated tokens once {@code end} arrives. */
    private static String webSocketChat(HttpClient http, int port, String id) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        StringBuilder tokens = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/chat"),
                new WebSocket.Listener() {
                    private final StringBuilder frame = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        frame.append(data);
                        if (last) {
                            JsonObject event = new JsonObject(frame.toString());
                            frame.setLength(0);
                            switch (event.getString("type")) {
                                case "token" -> tokens.append(event.getString("text"));
                                case "end" -> answer.complete(tokens.toString());
                                case "error" -> answer.completeExceptionally(new AssertionError(event.encode()));
                                default -> { }
                            }
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        ws.sendText(NativeSocketE2ETest.request(id, QUESTION).encode(), true).get(10, TimeUnit.SECONDS);
        String result = answer.get(60, TimeUnit.SECONDS);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        return result;
    }

    /** The data directory (the index and, were RAGD_CHATLOG=file, the chat log) as "index", work, tmp. */
    private static Map<String, Map<String, String>> snapshots(Path index, Path work, Path tmp) throws IOException {
        Map<String, Map<String, String>> all = new TreeMap<>();
        all.put("index", snapshot(index.getParent()));
        all.put("work", snapshot(work));
        all.put("tmp", snapshot(tmp));
        return all;
    }

    /** Every entry under {@code dir} (the directory itself as "") with its size and modification time. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                files.put(dir.relativize(p).toString(), (a.isDirectory() ? "dir" : a.size()) + "@"
                        + a.lastModifiedTime().toInstant());
            }
        }
        return files;
    }

    private static Map<String, String> changes(Map<String, Map<String, String>> before,
                                               Map<String, Map<String, String>> after) {
        Map<String, String> out = new TreeMap<>();
        after.forEach((root, files) -> files.forEach((p, v) -> {
            if (!v.equals(before.get(root).get(p))) {
                out.put(root + "/" + p, before.get(root).containsKey(p) ? "modified" : "created");
            }
        }));
        before.forEach((root, files) -> files.keySet().stream().filter(p -> !after.get(root).containsKey(p))
                .forEach(p -> out.put(root + "/" + p, "deleted")));
        return out;
    }
}
