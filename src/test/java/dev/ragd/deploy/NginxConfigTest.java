package dev.ragd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.EdgeConfig;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code deploy/nginx/ragd.conf} read as text (no nginx needed): its values stay in
 * step with ragd's defaults, and the test's rendering of it ({@link Nginx#render}) rewrites exactly
 * the marked lines.
 */
class NginxConfigTest {

    static String shipped;

    @BeforeAll
    static void read() throws Exception {
        shipped = Files.readString(Nginx.SHIPPED);
    }

    /** The arguments of every {@code name ...;} directive, comments stripped. */
    static List<String> directive(String name) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + "\\s+([^;#\\n{]*);").matcher(shipped);
        while (m.find()) {
            out.add(m.group(1).strip());
        }
        return out;
    }

    static long seconds(String value) {
        Matcher m = Pattern.compile("(\\d+)s").matcher(value);
        assertThat(m.matches()).as("'%s' in seconds", value).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void timeoutsAndLimitsMatchRagdsDefaults() {
        assertThat(seconds(directive("proxy_read_timeout").getFirst()) * 1000)
                .as("above RAGD_IDLE_TIMEOUT_MS, so ragd's idle close (1001) comes first, not nginx's cut")
                .isGreaterThan(EdgeConfig.DEFAULT_IDLE_TIMEOUT_MS);
        assertThat(seconds(directive("proxy_send_timeout").getFirst()) * 1000)
                .isGreaterThan(EdgeConfig.DEFAULT_WRITE_STALL_TIMEOUT_MS);
        assertThat(seconds(directive("client_header_timeout").getFirst()) * 1000)
                .isEqualTo(EdgeConfig.DEFAULT_REQUEST_TIMEOUT_MS);
        assertThat(seconds(directive("client_body_timeout").getFirst()) * 1000)
                .isEqualTo(EdgeConfig.DEFAULT_REQUEST_TIMEOUT_MS);
        assertThat(directive("client_max_body_size")).as("ragd's 256 KiB body limit (HttpVerticle.MAX_BODY_BYTES)")
                .containsExactly("256k");
        assertThat(directive("limit_conn")).containsExactly("ragd_per_client " + EdgeConfig.DEFAULT_MAX_CONNECTIONS_PER_IP);
    }

    @Test
    void streamingWebSocketAndRetrySettingsAreThere() {
        assertThat(directive("proxy_http_version")).containsExactly("1.1");
        assertThat(directive("proxy_buffering")).containsExactly("off");
        assertThat(directive("proxy_set_header")).contains("Upgrade $http_upgrade", "Connection $connection_upgrade",
                "Host $http_host", "X-Forwarded-For $remote_addr", "X-Forwarded-Proto $scheme");
        assertThat(shipped).contains("map $http_upgrade $connection_upgrade {");
        assertThat(shipped).containsPattern("(?m)^\\s*least_conn;");
        assertThat(directive("zone")).containsExactly("ragd 64k");
        assertThat(directive("proxy_next_upstream")).containsExactly("error timeout http_503");
        // http_503 only: ragd's 503s are refusals before any work (warming up, draining); never a
        // POST (no non_idempotent), never a 500/502/504 that may follow work done.
        assertThat(shipped.replaceAll("#[^\n]*", "")).as("never retry a request that may have reached ragd")
                .doesNotContain("non_idempotent").doesNotContainPattern("http_50[0-24-9]");
        assertThat(directive("server")).allMatch(s -> s.contains("max_fails=") && s.contains("fail_timeout="));
        assertThat(directive("keepalive")).as("no upstream keep-alive (README)").isEmpty();
    }

    @Test
    void renderingRewritesTheMarkedLinesOnly() {
        String out = Nginx.render(shipped, List.of("127.0.0.1:5001", "127.0.0.1:5002"), "127.0.0.1:6000");
        assertThat(out).contains("    server 127.0.0.1:5001 max_fails=2 fail_timeout=10s;  # @replica\n"
                + "    server 127.0.0.1:5002 max_fails=2 fail_timeout=10s;  # @replica\n");
        assertThat(out).doesNotContain("10.0.0.").contains("listen 127.0.0.1:6000;").doesNotContain("listen 80;");
        // everything else is the shipped file, line for line
        List<String> kept = shipped.lines().filter(l -> !l.contains("# @")).toList();
        assertThat(out.lines().filter(l -> !l.contains("# @")).toList()).isEqualTo(kept);

        assertThatThrownBy(() -> Nginx.render("server 1.2.3.4:80;  # @replica\n", List.of("x:1"), "1"))
                .hasMessageContaining("@listen");
        assertThatThrownBy(() -> Nginx.render(shipped + "\n# @other\n", List.of("x:1"), "1"))
                .hasMessageContaining("unknown marker @other");
    }

    @Test
    void onlyTheRehearsalsCopyNamesTheReplicaInAHeader() {
        assertThat(shipped).as("the public must not learn the replicas' addresses").doesNotContain("X-Ragd-Upstream");
        String out = dev.ragd.ops.loadtest.run.NginxConfig.namingUpstream(
                Nginx.render(shipped, List.of("127.0.0.1:5001"), "127.0.0.1:6000"));
        assertThat(out).contains("proxy_http_version 1.1;\n    add_header X-Ragd-Upstream $upstream_addr always;\n");
        assertThatThrownBy(() -> dev.ragd.ops.loadtest.run.NginxConfig.namingUpstream("server {}"))
                .hasMessageContaining("proxy_http_version");
    }
}
