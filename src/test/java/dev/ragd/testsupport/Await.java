package dev.ragd.testsupport;

import java.util.function.BooleanSupplier;

/** Polls a condition for up to 10 seconds. */
public final class Await {
    private Await() {}

    public static void until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
