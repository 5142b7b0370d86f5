package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A converter whose other rate changes from frame to frame (a room's mixing rate): each frame
 * comes out whole at the asked rate, the tone survives every change, equal rates are a plain
 * copy, and going back and forth between rates already used allocates nothing.
 */
class SwitchingResamplerTest {
    private static void tone(short[] pcm, int n, int rate, double hz, long start) {
        for (int i = 0; i < n; i++) pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * (start + i) / rate));
    }

    @Test
    void equalRatesCopyTheFrame() {
        SwitchingResampler r = SwitchingResampler.from(8000);
        short[] in = new short[160];
        tone(in, 160, 8000, 700, 0);
        short[] out = new short[960];
        assertEquals(160, r.process(8000, in, 0, 160, out, 0));
        assertArrayEquals(in, java.util.Arrays.copyOf(out, 160));
        assertEquals(8000, r.lastRate());
    }

    @Test
    void aToneFromEightKilohertzReachesEveryRoomRateAcrossChanges() {
        SwitchingResampler toRoom = SwitchingResampler.from(8000);
        SwitchingResampler back = SwitchingResampler.to(8000);
        short[] in = new short[160];
        short[] room = new short[960];
        short[] out = new short[160];
        long t = 0;
        for (int rate : new int[] {8000, 48000, 16000, 8000, 48000}) {
            int n = rate / 50;
            short[] heard = new short[25 * n];
            short[] phone = new short[25 * 160];
            for (int f = 0; f < 25; f++, t += 160) {
                tone(in, 160, 8000, 1000, t);
                assertEquals(n, toRoom.process(rate, in, 0, 160, room, 0), "a whole frame at " + rate);
                System.arraycopy(room, 0, heard, f * n, n);
                assertEquals(160, back.process(rate, room, 0, n, out, 0));
                System.arraycopy(out, 0, phone, f * 160, 160);
            }
            int skip = 3 * n; // the filters' delay after the change
            assertEquals(1000, ToneAnalyzer.dominantFrequency(heard, skip, heard.length - skip, rate, 100, 3000, 5), 5);
            double db = ToneAnalyzer.toDb(ToneAnalyzer.meanPower(heard, skip, heard.length - skip), 8000.0 * 8000 / 2);
            assertEquals(0, db, 0.5, "level at " + rate);
            double back8 = ToneAnalyzer.toDb(ToneAnalyzer.meanPower(phone, 3 * 160, phone.length - 3 * 160), 8000.0 * 8000 / 2);
            assertEquals(0, back8, 0.5, "level back at 8 kHz via " + rate);
        }
    }

    @Test
    void aConverterUsedAgainStartsFromSilenceNotFromWhatItHeldBefore() {
        SwitchingResampler r = SwitchingResampler.from(8000);
        short[] loud = new short[160];
        java.util.Arrays.fill(loud, (short) 20000);
        short[] quiet = new short[160];
        short[] out = new short[960];
        r.process(48000, loud, 0, 160, out, 0);   // history full of a loud signal
        r.process(8000, quiet, 0, 160, out, 0);   // the room went back to 8 kHz
        r.process(48000, quiet, 0, 160, out, 0);  // and up again: silence in, silence out
        for (int i = 0; i < 960; i++) assertEquals(0, out[i], "sample " + i);
    }

    @Test
    void switchingBetweenKnownRatesAllocatesNothing() {
        SwitchingResampler r = SwitchingResampler.from(16000);
        short[] in = new short[320];
        short[] out = new short[960];
        int[] rates = {8000, 16000, 48000};
        for (int i = 0; i < 3000; i++) r.process(rates[i % 3], in, 0, 320, out, 0);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 10 && allocated >= 1024; window++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 3000; i++) r.process(rates[i % 3], in, 0, 320, out, 0);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(allocated < 1024, "allocated " + allocated);
    }

    @Test
    void ratesTheResamplersDoNotConvertAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SwitchingResampler.from(44100));
        SwitchingResampler r = SwitchingResampler.to(8000);
        assertThrows(IllegalArgumentException.class, () -> r.process(24000, new short[480], 0, 480, new short[160], 0));
    }
}
