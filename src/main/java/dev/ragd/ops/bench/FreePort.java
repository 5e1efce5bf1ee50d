package dev.ragd.ops.bench;

import java.io.IOException;
import java.net.ServerSocket;

/** Prints a free TCP port on loopback, for benchmark scripts. */
public final class FreePort {

    private FreePort() {}

    public static void main(String[] args) throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            System.out.println(s.getLocalPort());
        }
    }
}
