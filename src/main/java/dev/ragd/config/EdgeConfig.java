package dev.ragd.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the server's edge allows one client: how long a connection may sit idle or take to send a
 * request, how many connections one address may hold, how long a client may leave its replies
 * unread, and which sites and host names may talk to it.
 *
 * @param idleTimeoutMs       {@code RAGD_IDLE_TIMEOUT_MS}: a connection with no request in flight is
 *                            closed after this long without traffic
 * @param requestTimeoutMs    {@code RAGD_REQUEST_TIMEOUT_MS}: the longest a client may take to send a
 *                            request's headers, and then its body
 * @param maxConnectionsPerIp {@code RAGD_MAX_CONNECTIONS_PER_IP}: open connections one client address
 *                            may hold; more are refused
 * @param writeStallTimeoutMs {@code RAGD_WRITE_STALL_TIMEOUT_MS}: a connection whose replies stay
 *                            unread (its write queue full) for this long is closed
 * @param allowedOrigins      {@code RAGD_ALLOWED_ORIGINS}: origins (e.g. {@code https://chat.example.com})
 *                            whose pages may open a socket or POST, besides pages of the request's
 *                            own host (always allowed); {@code ["*"]} means any
 * @param allowedHosts        {@code RAGD_ALLOWED_HOSTS}: host names (without port) the {@code Host}
 *                            header may name; empty means any (no DNS-rebinding check)
 * @param heartbeatMs         {@code RAGD_HEARTBEAT_MS}: while an answer is in flight, a stream with
 *                            nothing else to send gets an SSE comment, and a WebSocket a ping, this
 *                            often, so a proxy's idle timeout does not cut it; a socket whose pong
 *                            does not come back before the next ping is closed. 0: none
 * @param resumeWindowMs      {@code RAGD_RESUME_WINDOW_MS}: a streaming answer whose client went away
 *                            keeps being generated this long for the client to resume it, and its
 *                            frames are kept this long after its end. 0: no resuming, an answer is
 *                            cancelled when its client goes away
 */
public record EdgeConfig(int idleTimeoutMs, int requestTimeoutMs, int maxConnectionsPerIp, int writeStallTimeoutMs,
                         List<String> allowedOrigins, List<String> allowedHosts, int heartbeatMs, int resumeWindowMs) {

    public static final int DEFAULT_IDLE_TIMEOUT_MS = 120_000;
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 256;
    public static final int DEFAULT_WRITE_STALL_TIMEOUT_MS = 30_000;
    /** Under the 60 s idle timeout of most load balancers and proxies, with room for a lost beat. */
    public static final int DEFAULT_HEARTBEAT_MS = 15_000;
    /** Long enough for a page reload or a network blip, short enough not to keep abandoned answers running. */
    public static final int DEFAULT_RESUME_WINDOW_MS = 30_000;
    /** Frames are held in memory (and Redis) for the window: it stays short. */
    public static final int MAX_RESUME_WINDOW_MS = 600_000;
    /** The value of {@code RAGD_ALLOWED_ORIGINS} that allows every origin. */
    public static final String ANY = "*";

    public EdgeConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHosts = List.copyOf(allowedHosts);
        if (allowedOrigins.contains(ANY) && allowedOrigins.size() > 1) {
            throw new ConfigException("RAGD_ALLOWED_ORIGINS=" + String.join(",", allowedOrigins)
                    + " must be either * or a list of origins, not both");
        }
    }

    public static EdgeConfig from(Env env) {
        return new EdgeConfig(
                env.integer("RAGD_IDLE_TIMEOUT_MS", DEFAULT_IDLE_TIMEOUT_MS, 1_000, 86_400_000),
                env.integer("RAGD_REQUEST_TIMEOUT_MS", DEFAULT_REQUEST_TIMEOUT_MS, 100, 3_600_000),
                env.integer("RAGD_MAX_CONNECTIONS_PER_IP", DEFAULT_MAX_CONNECTIONS_PER_IP, 1, 1_000_000),
                env.integer("RAGD_WRITE_STALL_TIMEOUT_MS", DEFAULT_WRITE_STALL_TIMEOUT_MS, 100, 3_600_000),
                origins(env.raw("RAGD_ALLOWED_ORIGINS")),
                hosts(env.raw("RAGD_ALLOWED_HOSTS")),
                heartbeat(env.integer("RAGD_HEARTBEAT_MS", DEFAULT_HEARTBEAT_MS, 0, 3_600_000)),
                resumeWindow(env.integer("RAGD_RESUME_WINDOW_MS", DEFAULT_RESUME_WINDOW_MS, 0, MAX_RESUME_WINDOW_MS)));
    }

    private static int resumeWindow(int ms) {
        if (ms > 0 && ms < 1_000) {
            throw new ConfigException("RAGD_RESUME_WINDOW_MS=" + ms
                    + " must be 0 (no resuming) or at least 1000: a client needs time to reconnect");
        }
        return ms;
    }

    private static int heartbeat(int ms) {
        if (ms > 0 && ms < 100) {
            throw new ConfigException("RAGD_HEARTBEAT_MS=" + ms + " must be 0 (no heartbeats) or at least 100");
        }
        return ms;
    }

    /** Defaults only; for tests and tools. */
    public static EdgeConfig defaults() {
        return from(new Env(Map.of()));
    }

    /** Whether every origin is allowed ({@code RAGD_ALLOWED_ORIGINS=*}). */
    public boolean anyOrigin() {
        return allowedOrigins.equals(List.of(ANY));
    }

    /** The effective values by variable name, for {@code ragd config} and the startup log. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_IDLE_TIMEOUT_MS", Integer.toString(idleTimeoutMs));
        m.put("RAGD_REQUEST_TIMEOUT_MS", Integer.toString(requestTimeoutMs));
        m.put("RAGD_MAX_CONNECTIONS_PER_IP", Integer.toString(maxConnectionsPerIp));
        m.put("RAGD_WRITE_STALL_TIMEOUT_MS", Integer.toString(writeStallTimeoutMs));
        m.put("RAGD_ALLOWED_ORIGINS", allowedOrigins.isEmpty() ? "(same origin)" : String.join(",", allowedOrigins));
        m.put("RAGD_ALLOWED_HOSTS", allowedHosts.isEmpty() ? "(any)" : String.join(",", allowedHosts));
        m.put("RAGD_HEARTBEAT_MS", Integer.toString(heartbeatMs));
        m.put("RAGD_RESUME_WINDOW_MS", Integer.toString(resumeWindowMs));
        return m;
    }

    /** {@code scheme://host[:port]}, lower-cased, default ports dropped; each entry checked. */
    static List<String> origins(String raw) {
        List<String> out = new ArrayList<>();
        for (String item : items(raw)) {
            if (item.equals(ANY)) {
                out.add(ANY);
                continue;
            }
            String normal = normalOrigin(item);
            if (normal == null) {
                throw new ConfigException("RAGD_ALLOWED_ORIGINS: '" + item
                        + "' must be * or an origin such as https://chat.example.com (scheme, host, optional port; no path)");
            }
            out.add(normal);
        }
        return out;
    }

    /**
     * The canonical form of an origin ({@code scheme://host[:port]}, lower case, the scheme's default
     * port dropped), or {@code null} when {@code origin} is not one (a path, a query, no host).
     */
    public static String normalOrigin(String origin) {
        try {
            URI u = new URI(origin);
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null || u.getRawUserInfo() != null || u.getRawQuery() != null
                    || u.getRawFragment() != null || !(u.getRawPath() == null || u.getRawPath().isEmpty())) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static List<String> hosts(String raw) {
        List<String> out = new ArrayList<>();
        for (String item : items(raw)) {
            String h = item.toLowerCase(Locale.ROOT);
            if (!h.matches("[a-z0-9.\\-]+|\\[[0-9a-f:.]+]")) {
                throw new ConfigException("RAGD_ALLOWED_HOSTS: '" + item
                        + "' must be a host name or address without scheme or port, e.g. chat.example.com");
            }
            out.add(h);
        }
        return out;
    }

    private static List<String> items(String raw) {
        List<String> out = new ArrayList<>();
        if (raw != null) {
            for (String part : raw.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }
}
