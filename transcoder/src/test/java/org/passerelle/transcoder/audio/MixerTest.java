package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MixerTest {
    private static final int N = 960;

    private static void fill(Mixer.Participant p, int value) {
        java.util.Arrays.fill(p.input(), (short) value);
        p.markInput();
    }

    private static short[] frame(int value) {
        short[] s = new short[N];
        java.util.Arrays.fill(s, (short) value);
        return s;
    }

    @Test
    void twoParticipantsHearEachOtherNotThemselves() {
        Mixer m = new Mixer(N);
        Mixer.Participant a = m.join();
        Mixer.Participant b = m.join();
        fill(a, 1000);
        fill(b, -300);
        m.mix();
        assertArrayEquals(frame(-300), a.output());
        assertArrayEquals(frame(1000), b.output());
    }

    @Test
    void aShorterMixTouchesOnlyTheFirstSamplesOfEachFrame() {
        Mixer m = new Mixer(N);
        Mixer.Participant a = m.join();
        Mixer.Participant b = m.join();
        java.util.Arrays.fill(b.output(), (short) 77); // what a 48 kHz tick left there
        java.util.Arrays.fill(a.input(), 0, 160, (short) 1000);
        java.util.Arrays.fill(a.input(), 160, N, (short) 5000); // stale: not part of this tick
        a.markInput();
        m.mix(160); // a room at 8 kHz
        assertEquals(1000, b.output()[0]);
        assertEquals(1000, b.output()[159]);
        assertEquals(77, b.output()[160], "past the tick's frame nothing is written");
        assertEquals(0, a.output()[159]);
        // the next tick at 48 kHz mixes whole frames again, the mark having been consumed
        fill(b, 20);
        m.mix(N);
        assertArrayEquals(frame(20), a.output());
        assertArrayEquals(frame(0), b.output());
    }

    @Test
    void aMixLongerThanTheFramesIsRefused() {
        Mixer m = new Mixer(160);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.mix(320));
    }

    @Test
    void threeParticipantsEachGetTheOtherTwo() {
        Mixer m = new Mixer(N);
        Mixer.Participant a = m.join(), b = m.join(), c = m.join();
        // Distinct per-sample signals, so a swapped or self-including mix cannot pass.
        for (int i = 0; i < N; i++) {
            a.input()[i] = (short) i;
            b.input()[i] = (short) (2 * i);
            c.input()[i] = (short) (-5 * i);
        }
        a.markInput();
        b.markInput();
        c.markInput();
        m.mix();
        for (int i = 0; i < N; i++) {
            assertEquals((short) (2 * i - 5 * i), a.output()[i]);
            assertEquals((short) (i - 5 * i), b.output()[i]);
            assertEquals((short) (3 * i), c.output()[i]);
        }
    }

    @Test
    void participantWithoutInputContributesNothingButHearsTheOthers() {
        Mixer m = new Mixer(N);
        Mixer.Participant a = m.join(), b = m.join(), c = m.join();
        fill(a, 100);
        fill(b, 20);
        java.util.Arrays.fill(c.input(), (short) 9999); // stale data, not marked
        m.mix();
        assertArrayEquals(frame(20), a.output());
        assertArrayEquals(frame(100), b.output());
        assertArrayEquals(frame(120), c.output());
        // Marks are consumed: the next tick without new input is silence for everyone.
        m.mix();
        assertArrayEquals(frame(0), a.output());
        assertArrayEquals(frame(0), c.output());
        assertFalse(a.hasInput());
    }

    @Test
    void clippingSaturates() {
        Mixer m = new Mixer(N);
        Mixer.Participant a = m.join(), b = m.join(), c = m.join(), d = m.join();
        fill(a, 30000);
        fill(b, 30000);
        fill(c, -30000);
        fill(d, 30000);
        m.mix();
        // The sum is kept in an int: only the final mix-minus is clipped.
        assertArrayEquals(frame(30000), a.output());            // 30000 - 30000 + 30000
        assertArrayEquals(frame(Short.MAX_VALUE), c.output());  // 90000
        fill(a, 30000);
        fill(b, 30000);
        fill(c, 30000);
        fill(d, 30000);
        m.mix();
        assertArrayEquals(frame(Short.MAX_VALUE), a.output());  // 90000, not wrapped
        fill(a, -30000);
        fill(b, -30000);
        fill(c, -30000);
        m.mix();
        assertArrayEquals(frame(Short.MIN_VALUE), d.output());
    }

    @Test
    void aloneIsSilence() {
        Mixer m = new Mixer(N);
        Mixer.Participant a = m.join();
        fill(a, 12345);
        m.mix();
        assertArrayEquals(frame(0), a.output());
    }

    @Test
    void leaverIsNoLongerMixed() {
        Mixer m = new Mixer(N);
        Mixer.Participant a = m.join(), b = m.join();
        b.leave();
        b.leave(); // twice is harmless
        assertEquals(1, m.size());
        fill(a, 5);
        fill(b, 7);
        m.mix();
        assertArrayEquals(frame(0), a.output());
        assertArrayEquals(frame(0), b.output()); // untouched since it left
    }

    @Test
    void joinAndLeaveWhileMixingOnAnotherThread() throws Exception {
        Mixer m = new Mixer(160);
        Mixer.Participant steady = m.join();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread mixerThread = new Thread(() -> {
            try {
                while (!stop.get()) {
                    java.util.Arrays.fill(steady.input(), (short) 1);
                    steady.markInput();
                    m.mix();
                    // Others never send audio: the steady participant must hear silence.
                    for (short s : steady.output()) if (s != 0) throw new AssertionError("heard " + s);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        mixerThread.start();
        for (int i = 0; i < 20000; i++) {
            Mixer.Participant p = m.join();
            if (i % 3 != 0) p.leave();
        }
        stop.set(true);
        mixerThread.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertEquals(1 + 6667, m.size());
    }

    @Test
    void mixAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Mixer m = new Mixer(N);
        Mixer.Participant[] ps = {m.join(), m.join(), m.join(), m.join()};
        for (int i = 0; i < 2000; i++) tick(m, ps);
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 5000; i++) tick(m, ps);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4096, "allocated " + allocated);
    }

    private static void tick(Mixer m, Mixer.Participant[] ps) {
        for (Mixer.Participant p : ps) p.markInput();
        m.mix();
    }
}
