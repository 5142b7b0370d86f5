package org.passerelle.tests.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping the peers the tests and benchmarks start (servers, clients, browsers' drivers). */
public final class Processes {
    /** How long a killed process may take to be reaped. */
    private static final Duration REAP = Duration.ofSeconds(5);

    private Processes() {}

    /**
     * SIGTERM, then SIGKILL once {@code grace} has passed; waits (bounded) until it is gone. An
     * interrupted wait kills at once and keeps the interrupt.
     */
    public static void stop(Process p, Duration grace) {
        try {
            p.destroy();
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A livekit-server: a first SIGTERM lets it drain for a second; a second SIGTERM makes it stop
     * without waiting for participants; SIGKILL 5 s later.
     */
    public static void stopLiveKitServer(Process p) {
        try {
            p.destroy();
            if (p.waitFor(1, TimeUnit.SECONDS)) return;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return;
        }
        stop(p, Duration.ofSeconds(5)); // the second SIGTERM
    }
}
