package dev.ragd.ops.loadtest.run;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped {@code deploy/nginx/ragd.conf} made runnable on this machine: the same file the
 * reference setup documents, with only its marked lines rewritten (the replica addresses and the
 * listen address), inside a minimal main configuration that keeps nginx's pid, logs and temp
 * paths in one private folder. Used by {@code ragd loadtest --replicas N} and by the nginx tests.
 */
public final class NginxConfig {

    private static final Pattern MARKER = Pattern.compile("#\\s*@([a-z-]+)\\s*$");
    private static final Pattern SERVER_ADDRESS = Pattern.compile("^(\\s*server\\s+)(\\S+)(\\s.*)$");
    private static final Pattern LISTEN = Pattern.compile("listen\\s+[^;]+;");
    private static final Pattern HTTP_VERSION = Pattern.compile("proxy_http_version 1\\.1;");
    private static final Pattern PER_CLIENT = Pattern.compile("limit_conn ragd_per_client \\d+;");

    private NginxConfig() {}

    /**
     * The shipped file with its marked lines rewritten: the first {@code # @replica} line is repeated
     * once per address in {@code replicas} (its {@code server} address replaced, its parameters
     * kept) and the other {@code # @replica} lines dropped; every {@code # @listen} line's
     * {@code listen ...;} becomes {@code listen <listen>;}. Fails on an unknown marker or when a
     * marker is missing, so a reshaped shipped file fails loudly instead of being half-used.
     */
    public static String render(String shipped, List<String> replicas, String listen) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("no replicas");
        }
        StringBuilder out = new StringBuilder();
        boolean replicasDone = false;
        int listens = 0;
        for (String line : shipped.split("\n", -1)) {
            Matcher marker = MARKER.matcher(line);
            if (!marker.find()) {
                out.append(line).append('\n');
                continue;
            }
            switch (marker.group(1)) {
                case "replica" -> {
                    if (!replicasDone) {
                        Matcher server = SERVER_ADDRESS.matcher(line);
                        if (!server.matches()) {
                            throw new IllegalArgumentException("a @replica line must be 'server ADDRESS ...;': " + line);
                        }
                        for (String address : replicas) {
                            out.append(server.group(1)).append(address).append(server.group(3)).append('\n');
                        }
                        replicasDone = true;
                    }
                }
                case "listen" -> {
                    Matcher l = LISTEN.matcher(line);
                    if (!l.find()) {
                        throw new IllegalArgumentException("a @listen line must hold 'listen ...;': " + line);
                    }
                    out.append(l.replaceFirst(Matcher.quoteReplacement("listen " + listen + ";"))).append('\n');
                    listens++;
                }
                default -> throw new IllegalArgumentException("unknown marker @" + marker.group(1) + ": " + line);
            }
        }
        if (!replicasDone || listens == 0) {
            throw new IllegalArgumentException("the file needs '# @replica' and '# @listen' lines (found replicas: "
                    + replicasDone + ", listens: " + listens + ")");
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /**
     * {@code rendered} with its per-client connection cap set to {@code cap}: a load test's simulated
     * users all come from one address, which the shipped cap (sized for one real client) would refuse.
     */
    public static String perClientCap(String rendered, int cap) {
        Matcher m = PER_CLIENT.matcher(rendered);
        if (!m.find()) {
            throw new IllegalArgumentException("the nginx file has no 'limit_conn ragd_per_client N;' line");
        }
        return m.replaceFirst("limit_conn ragd_per_client " + cap + ";");
    }

    /**
     * {@code rendered} with every response naming the replica that served it, in an
     * {@code X-Ragd-Upstream} header ({@code $upstream_addr}; after a retry, every replica tried,
     * the last one the answer's). WebSocket handshakes included, so a load test can tell which
     * replica each user's answers came from. For rehearsals only: the public should not learn the
     * replicas' addresses.
     */
    public static String namingUpstream(String rendered) {
        Matcher m = HTTP_VERSION.matcher(rendered);
        if (!m.find()) {
            throw new IllegalArgumentException("the nginx file has no 'proxy_http_version 1.1;' line");
        }
        return m.replaceFirst(Matcher.quoteReplacement(m.group() + "\n    add_header X-Ragd-Upstream $upstream_addr always;"));
    }

    /**
     * The main configuration around the rendered include, everything in {@code dir}. The access log
     * names the replica(s) each request was passed to ({@code $upstream_addr}: "a, b" when nginx
     * tried a second one) and their statuses.
     */
    public static String mainConfig(Path dir, int workerConnections) {
        return """
                # Generated around deploy/nginx/ragd.conf (rendered into ragd.conf here).
                worker_processes 2;
                worker_rlimit_nofile %2$d;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections %3$d; }
                http {
                    log_format upstreams '$request_method $uri $status upstream=$upstream_addr upstream_status=$upstream_status';
                    access_log %1$s/access.log upstreams;
                    client_body_temp_path %1$s/temp/client_body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    include %1$s/ragd.conf;
                }
                """.formatted(dir, workerConnections * 2 + 64, workerConnections);
    }
}
