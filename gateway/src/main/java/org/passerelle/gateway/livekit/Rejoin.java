package org.passerelle.gateway.livekit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A full reconnect within a bound: after the participant lost its place in the room for a reason
 * that does not end the call (server crash or restart, signal or media connection lost), new joins
 * are attempted (a new participant, new peer connections: our PeerConnection cannot restart ICE)
 * with a short back-off until one succeeds or the bound has passed, then it gives up.
 *
 * <p>Each attempt is a future the owner makes; one that neither succeeds nor fails in time is
 * failed by a timer (the owner closes what it opened when its future fails). Timers and the clock
 * are injected; calls may come from any thread.
 */
final class Rejoin {
    /** Pause before each attempt; the last one repeats until the bound. */
    static final List<Duration> DELAYS = List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(3));
    /** One attempt never takes longer than this (joining, publishing, ICE and DTLS). */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    /** What the owner does. */
    interface Owner {
        /** Starts one join; completes when the participant is back in the room. */
        CompletableFuture<?> attempt();

        /** Back in the room after {@code attempts} attempts. */
        void rejoined(int attempts);

        /** The bound passed without success: the call cannot stay. */
        void gaveUp(int attempts, String lastError);
    }

    private final Timers timers;
    private final LongSupplier nanoTime;
    private final Duration bound;
    private final Owner owner;
    private boolean running;
    private boolean cancelled;
    private long deadline;
    private int attempts;
    private Timers.Task next;

    Rejoin(Timers timers, LongSupplier nanoTime, Duration bound, Owner owner) {
        this.timers = timers;
        this.nanoTime = nanoTime;
        this.bound = bound;
        this.owner = owner;
    }

    /** Starts rejoining unless already at it; the bound starts now. */
    synchronized boolean start() {
        if (running || cancelled) return false;
        running = true;
        attempts = 0;
        deadline = nanoTime.getAsLong() + bound.toNanos();
        schedule(DELAYS.get(0));
        return true;
    }

    synchronized boolean running() {
        return running;
    }

    /** Stops for good (the call ended): no more attempts, no more reports. */
    synchronized void cancel() {
        cancelled = true;
        running = false;
        if (next != null) next.cancel();
    }

    private void schedule(Duration delay) {
        next = timers.schedule(this::attemptNow, delay);
    }

    private void attemptNow() {
        CompletableFuture<?> f;
        long left;
        synchronized (this) {
            if (!running) return;
            attempts++;
            left = deadline - nanoTime.getAsLong();
        }
        try {
            f = owner.attempt();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<?> attempt = f;
        Duration timeout = Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), Math.min(left, ATTEMPT_TIMEOUT.toNanos())));
        Timers.Task guard = timers.schedule(() -> attempt.completeExceptionally(
                new TimeoutException("no join within " + timeout.toMillis() + " ms")), timeout);
        attempt.whenComplete((r, e) -> {
            guard.cancel();
            finished(e);
        });
    }

    private void finished(Throwable error) {
        int n;
        boolean giveUp = false;
        String why = null;
        synchronized (this) {
            if (!running) return;
            n = attempts;
            if (error == null) {
                running = false;
            } else {
                Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
                        ? error.getCause() : error;
                why = String.valueOf(cause.getMessage());
                Duration delay = DELAYS.get(Math.min(attempts, DELAYS.size() - 1));
                if (nanoTime.getAsLong() + delay.toNanos() >= deadline) {
                    running = false;
                    giveUp = true;
                } else {
                    schedule(delay);
                    return;
                }
            }
        }
        if (giveUp) owner.gaveUp(n, why);
        else owner.rejoined(n);
    }
}
