package dev.ragd.testsupport;

import java.util.function.BooleanSupplier;

/** Polls a condition for up to 10 seconds. */
public final class Await {
    private Await() {}

    /** A check that may throw (an assertion, an I/O call). */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    public static void until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    /** Runs {@code check} until it passes; after 10 s its last failure is thrown. */
    public static void untilPasses(Check check) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** Polls {@code value} until it is present (for up to 10 s); returns it. */
    public static <T> T untilPresent(java.util.function.Supplier<java.util.Optional<T>> value) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<T> found = new java.util.concurrent.atomic.AtomicReference<>();
        until(() -> value.get().map(v -> {
            found.set(v);
            return true;
        }).orElse(false));
        return found.get();
    }
}
