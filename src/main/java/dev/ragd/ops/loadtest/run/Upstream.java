package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code ragd mock-llm} with a named profile, the model every replica (and the direct ramp) talks to. */
final class Upstream {

    private final int port;
    private final Process process;

    private Upstream(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static Upstream start(Children children, JavaChild java, String profile, Http http) throws IOException, InterruptedException {
        int port = Ports.free();
        Process p = children.start("mock-llm", java.ragd(List.of("mock-llm", "--profile", profile, "--host", "127.0.0.1",
                "--port", Integer.toString(port)), Map.of("RAGD_LOG_LEVEL", "warn")));
        http.awaitOk("http://127.0.0.1:" + port + "/mock/stats", "ragd mock-llm", p::isAlive, 60_000,
                () -> children.tail("mock-llm", 4000));
        return new Upstream(port, p);
    }

    /** The OpenAI base URL ({@code .../v1}). */
    String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    long pid() {
        return process.pid();
    }
}
