package dev.ragd.web;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP proxy in front of the real ragd server, so a test can make the network fail on
 * demand: {@link #hold()} swallows what clients send (a question sent then never reaches ragd and
 * stays unanswered), {@link #cutAll()} drops every connection as a broken network would. Everything
 * else passes through unchanged, so the page, HTTP and WebSocket traffic are the real server's.
 */
final class CuttableProxy implements AutoCloseable {

    private final Vertx vertx;
    private final int targetPort;
    private final Set<NetSocket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong heldBytes = new AtomicLong();
    private volatile boolean holding;
    private NetServer server;
    private NetClient client;

    CuttableProxy(Vertx vertx, int targetPort) {
        this.vertx = vertx;
        this.targetPort = targetPort;
    }

    /** Listens on an ephemeral loopback port; returns its base URL, e.g. {@code http://127.0.0.1:41234/}. */
    String start() throws TimeoutException {
        client = vertx.createNetClient();
        server = vertx.createNetServer().connectHandler(this::accept).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + server.actualPort() + "/";
    }

    private void accept(NetSocket inbound) {
        inbound.pause();
        connections.add(inbound);
        client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                inbound.close();
                return;
            }
            NetSocket upstream = ar.result();
            connections.add(upstream);
            inbound.handler(data -> {
                if (holding) {
                    heldBytes.addAndGet(data.length());
                } else {
                    upstream.write(data);
                }
            });
            upstream.handler(inbound::write);
            inbound.closeHandler(v -> {
                connections.remove(inbound);
                upstream.close();
            });
            upstream.closeHandler(v -> {
                connections.remove(upstream);
                inbound.close();
            });
            inbound.resume();
        });
    }

    /** From now on, swallow whatever clients send instead of forwarding it. */
    void hold() {
        heldBytes.set(0);
        holding = true;
    }

    /** Bytes swallowed since {@link #hold()}. */
    long heldBytes() {
        return heldBytes.get();
    }

    /** Drops every open connection and stops holding, so new connections work again. */
    void cutAll() {
        holding = false;
        connections.forEach(NetSocket::close);
    }

    @Override
    public void close() throws TimeoutException {
        if (server != null) {
            server.close().await(10, TimeUnit.SECONDS);
        }
        if (client != null) {
            client.close().await(10, TimeUnit.SECONDS);
        }
    }
}
