package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromThirtySecondsUpToTenMinutes() {
        Backoff b = Backoff.DEFAULT;
        assertEquals(Duration.ofSeconds(30), b.delay(1, 0));
        assertEquals(Duration.ofSeconds(60), b.delay(2, 0));
        assertEquals(Duration.ofSeconds(120), b.delay(3, 0));
        assertEquals(Duration.ofSeconds(480), b.delay(5, 0));
        assertEquals(Duration.ofMinutes(10), b.delay(6, 0));
        assertEquals(Duration.ofMinutes(10), b.delay(1000, 0));
    }

    @Test
    void jitterOnlyShortensByAtMostTheFraction() {
        Backoff b = Backoff.DEFAULT;
        assertEquals(Duration.ofSeconds(24), b.delay(1, 1.0));
        Duration d = b.delay(1, 0.5);
        assertTrue(d.compareTo(Duration.ofSeconds(24)) > 0 && d.compareTo(Duration.ofSeconds(30)) < 0, d.toString());
        assertEquals(Duration.ofMinutes(8), b.delay(50, 1.0));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofMinutes(1), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMinutes(2), Duration.ofMinutes(1), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 1.0));
    }
}
