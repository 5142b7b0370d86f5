package org.passerelle.sip.outbound;

import java.time.Duration;

/**
 * Retry delays after failed registrations: {@code initial} doubling per consecutive failure up to
 * {@code max}, shortened by up to {@code jitter} (a fraction) so that many gateways restarted
 * together do not hit the registrar in step (the spirit of RFC 5626 §4.5).
 */
public record Backoff(Duration initial, Duration max, double jitter) {
    /** 30 s, 60 s, 2 min, ... up to 10 min, minus up to 20 %. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(10), 0.2);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("bad backoff " + initial + " " + max + " " + jitter);
        }
    }

    /**
     * The delay before the next attempt after {@code failures} consecutive failures (1 or more);
     * {@code random} in [0, 1) picks the jitter.
     */
    public Duration delay(int failures, double random) {
        long ms = initial.toMillis();
        long cap = max.toMillis();
        for (int i = 1; i < failures && ms < cap; i++) ms *= 2;
        ms = Math.min(ms, cap);
        return Duration.ofMillis(Math.round(ms * (1 - jitter * random)));
    }
}
