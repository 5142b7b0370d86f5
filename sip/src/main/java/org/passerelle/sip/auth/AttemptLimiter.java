package org.passerelle.sip.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed attempts per key (a source address, a caller number) and locks a key out for a
 * while once it failed too often: {@code maxFailures} within {@code window} → refused for
 * {@code lockout}. Memory is bounded: beyond {@code maxKeys} the least recently seen key is
 * forgotten. Thread-safe; meant for signalling, not the media path.
 */
public final class AttemptLimiter {
    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_LOCKOUT = Duration.ofMinutes(15);
    public static final int DEFAULT_MAX_KEYS = 10_000;

    /** The failure times of one key within the window (a ring), and its lockout end. */
    private static final class Failures {
        final long[] failures;
        int count;
        int next;
        long lockedUntil = Long.MIN_VALUE;

        Failures(int n) {
            failures = new long[n];
        }
    }

    private final int maxFailures;
    private final long windowMs;
    private final long lockoutMs;
    private final int maxKeys;
    private final Clock clock;
    private final LinkedHashMap<String, Failures> entries;

    /** The defaults: 5 failures in 10 minutes → locked for 15 minutes; 10 000 keys. */
    public AttemptLimiter(Clock clock) {
        this(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_LOCKOUT, DEFAULT_MAX_KEYS, clock);
    }

    public AttemptLimiter(int maxFailures, Duration window, Duration lockout, int maxKeys, Clock clock) {
        if (maxFailures < 1 || maxKeys < 1 || window.isNegative() || lockout.isNegative()) {
            throw new IllegalArgumentException("maxFailures and maxKeys must be ≥ 1, durations ≥ 0");
        }
        this.maxFailures = maxFailures;
        this.windowMs = window.toMillis();
        this.lockoutMs = lockout.toMillis();
        this.maxKeys = maxKeys;
        this.clock = clock;
        // Access order: the eldest entry is the one seen least recently.
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > AttemptLimiter.this.maxKeys;
            }
        };
    }

    /** True while {@code key} is locked out. */
    public synchronized boolean isLocked(String key) {
        Failures e = entries.get(key);
        return e != null && clock.millis() < e.lockedUntil;
    }

    /**
     * Records one failure; returns true when the key is (now or still) locked out. Failures while
     * locked do not extend the lockout.
     */
    public synchronized boolean recordFailure(String key) {
        long now = clock.millis();
        Failures e = entries.computeIfAbsent(key, k -> new Failures(maxFailures));
        if (now < e.lockedUntil) return true;
        e.failures[e.next] = now;
        e.next = (e.next + 1) % maxFailures;
        e.count = Math.min(e.count + 1, maxFailures);
        // The ring holds the last maxFailures failures; the oldest is at next once it is full.
        if (e.count == maxFailures && now - e.failures[e.next] < windowMs) {
            e.lockedUntil = now + lockoutMs;
            e.count = 0;
            return true;
        }
        return false;
    }

    /** A success forgets the key's past failures (not a running lockout). */
    public synchronized void recordSuccess(String key) {
        Failures e = entries.get(key);
        if (e != null && clock.millis() >= e.lockedUntil) entries.remove(key);
    }

    /** Keys currently remembered (for tests and metrics). */
    public synchronized int size() {
        return entries.size();
    }
}
