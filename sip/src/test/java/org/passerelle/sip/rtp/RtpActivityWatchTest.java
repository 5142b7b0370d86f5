package org.passerelle.sip.rtp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RtpActivityWatchTest {
    private long now = 1_000;
    private final RtpActivityWatch watch = new RtpActivityWatch(() -> now, TimeUnit.SECONDS.toNanos(30));

    private void advance(long seconds) {
        now += TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void notWatchingUntilResumed() {
        advance(100);
        assertFalse(watch.expired());
        watch.resume();
        advance(29);
        assertFalse(watch.expired());
        advance(1);
        assertTrue(watch.expired());
    }

    @Test
    void packetsKeepItAlive() {
        watch.resume();
        for (int i = 0; i < 10; i++) {
            advance(20);
            watch.packetAt(now);
            assertFalse(watch.expired());
        }
        advance(30);
        assertTrue(watch.expired());
    }

    @Test
    void holdPausesAndResumeRestartsTheClock() {
        watch.resume();
        advance(20);
        watch.pause();
        advance(600);
        assertFalse(watch.expired(), "on hold: silence is fine");
        watch.resume();
        advance(29);
        assertFalse(watch.expired());
        advance(1);
        assertTrue(watch.expired());
    }
}
