package org.passerelle.sip.auth;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.passerelle.sip.MutableClock;

class AttemptLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AttemptLimiter limiter = new AttemptLimiter(clock);

    @Test
    void fiveFailuresInTenMinutesLockForFifteen() {
        for (int i = 0; i < 4; i++) {
            assertFalse(limiter.recordFailure("a"));
            clock.advance(Duration.ofMinutes(2));
        }
        assertFalse(limiter.isLocked("a"));
        assertTrue(limiter.recordFailure("a"), "5th failure within 8 minutes");
        assertTrue(limiter.isLocked("a"));
        assertFalse(limiter.isLocked("b"), "other keys are not affected");
        clock.advance(Duration.ofMinutes(15).minusMillis(1));
        assertTrue(limiter.isLocked("a"));
        assertTrue(limiter.recordFailure("a"), "failures while locked do not unlock");
        clock.advance(Duration.ofMillis(1));
        assertFalse(limiter.isLocked("a"));
        assertFalse(limiter.recordFailure("a"), "a fresh count after the lockout");
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotLock() {
        for (int i = 0; i < 20; i++) {
            assertFalse(limiter.recordFailure("a"), "failure " + i);
            clock.advance(Duration.ofMinutes(2).plusSeconds(31));
        }
        assertFalse(limiter.isLocked("a"));
    }

    @Test
    void successForgetsPastFailures() {
        for (int i = 0; i < 4; i++) limiter.recordFailure("a");
        limiter.recordSuccess("a");
        for (int i = 0; i < 4; i++) assertFalse(limiter.recordFailure("a"));
        assertTrue(limiter.recordFailure("a"));
        limiter.recordSuccess("a");
        assertTrue(limiter.isLocked("a"), "a success does not lift a running lockout");
    }

    @Test
    void memoryIsBoundedOldestForgotten() {
        AttemptLimiter small = new AttemptLimiter(2, Duration.ofMinutes(10), Duration.ofMinutes(15), 3, clock);
        small.recordFailure("old");
        assertTrue(small.recordFailure("old"));
        for (String k : new String[] {"k1", "k2", "k3"}) small.recordFailure(k);
        assertEquals(3, small.size());
        assertFalse(small.isLocked("old"), "evicted as the least recently seen");
        assertThrows(IllegalArgumentException.class, () -> new AttemptLimiter(0, Duration.ZERO, Duration.ZERO, 1, clock));
    }
}
