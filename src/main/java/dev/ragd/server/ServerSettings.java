package dev.ragd.server;

import dev.ragd.config.EdgeConfig;
import dev.ragd.config.RagdConfig;

/**
 * The server's own settings.
 *
 * @param host                 address to bind ({@code RAGD_HOST})
 * @param port                 port to bind, 0 for any free one ({@code PORT}); {@link RagdServer#PRIVATE_RANDOM_PORT}
 *                             for a free one not shared with another server of the same Vert.x
 * @param testMode             answers as one frame, for deterministic tests ({@code RAGD_TEST_MODE})
 * @param maxInflightPerSocket requests in flight on one native WebSocket ({@code RAGD_WS_MAX_INFLIGHT})
 * @param edge                 timeouts, connection caps and cross-site rules
 */
public record ServerSettings(String host, int port, boolean testMode, int maxInflightPerSocket, EdgeConfig edge) {

    public static ServerSettings from(RagdConfig config) {
        return new ServerSettings(config.host(), config.port(), config.testMode(), config.maxInflightPerSocket(),
                config.edge());
    }
}
