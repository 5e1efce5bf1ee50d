package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.UpgradeRejectedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code RAGD_MAX_CONNECTIONS_PER_IP}: one client address may hold that many open connections, across
 * all server instances of the process; more are refused with 429 until one closes.
 */
class ConnectionsPerAddressTest {

    static final int LIMIT = 3;

    static ServerFixture.Builder limited() {
        // Several instances: the count must be one for the whole server, not one per event loop.
        return ServerFixture.builder().env("RAGD_MAX_CONNECTIONS_PER_IP", Integer.toString(LIMIT)).instances(3);
    }

    /** {@link #LIMIT} connections, each seen by the server (a request answered on it). */
    static List<RawHttp> holdTheLimit(ServerFixture f) throws IOException {
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            RawHttp c = RawHttp.connect(f.port());
            held.add(c);
            assertThat(c.send(RawHttp.get("/healthz")).read().status()).isEqualTo(200);
        }
        return held;
    }

    static void closeAll(List<RawHttp> held) throws IOException {
        for (RawHttp c : held) {
            c.close();
        }
    }

    static int statusOfANewConnection(ServerFixture f) throws IOException {
        try (RawHttp c = RawHttp.connect(f.port())) {
            return c.send(RawHttp.get("/healthz")).read().status();
        }
    }

    @Test
    void aConnectionOverTheLimitGets429NamingItAndIsClosed() throws Exception {
        try (ServerFixture f = limited().start()) {
            List<RawHttp> held = holdTheLimit(f);
            try (RawHttp extra = RawHttp.connect(f.port())) {
                RawHttp.Response r = extra.send(RawHttp.get("/healthz")).read();

                assertThat(r.status()).isEqualTo(429);
                assertThat(r.error().getString("code")).isEqualTo("too_many_requests");
                assertThat(r.error().getBoolean("retryable")).isTrue();
                assertThat(r.error().getString("message")).contains(LIMIT + " open connections");
                assertThat(extra.closedByServer()).isTrue();
            } finally {
                closeAll(held);
            }
        }
    }

    @Test
    void aNewConnectionIsAcceptedAgainOnceOneOfTheAddressesConnectionsCloses() throws Exception {
        try (ServerFixture f = limited().start()) {
            List<RawHttp> held = holdTheLimit(f);
            try {
                assertThat(statusOfANewConnection(f)).isEqualTo(429);
                assertThat(statusOfANewConnection(f)).as("refused connections do not count").isEqualTo(429);

                held.removeFirst().close();

                Await.until(() -> {
                    try {
                        return statusOfANewConnection(f) == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
            } finally {
                closeAll(held);
            }
        }
    }

    @Test
    void aWebSocketOverTheLimitIsRefusedWith429() throws Exception {
        try (ServerFixture f = limited().start()) {
            List<RawHttp> held = holdTheLimit(f);
            try {
                assertThatThrownBy(() -> WsSession.connect(f.vertx, f.port(), "/v1/chat").close())
                        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(429));
            } finally {
                closeAll(held);
            }
        }
    }

    @Test
    void anotherAddressIsNotLimitedByTheFirstOnesConnections() throws Exception {
        try (ServerFixture f = limited().start()) {
            List<RawHttp> held = holdTheLimit(f);
            try (RawHttp other = RawHttp.connect(f.port(), "127.0.0.2")) {
                assertThat(other.send(RawHttp.get("/healthz")).read().status()).isEqualTo(200);
            } finally {
                closeAll(held);
            }
        }
    }
}
