package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls real processes for a condition, bounded by a timeout (end-to-end tests only). */
public final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {}

    /** Waits until the condition holds; fails with the message (and the last value) on timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms: " + message.get());
            }
            pause(Duration.ofMillis(POLL_MILLIS));
        }
    }

    /** True when the condition held within the timeout. */
    public static boolean within(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(Duration.ofMillis(POLL_MILLIS));
        }
        return true;
    }

    /** Lets real media flow for a while. */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
