package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResamplerTest {
    static Stream<Arguments> pairs() {
        int[] rates = {8000, 16000, 48000};
        Stream.Builder<Arguments> b = Stream.builder();
        for (int f : rates) for (int t : rates) if (f != t) b.add(Arguments.of(f, t));
        return b.build();
    }

    static Stream<Arguments> downPairs() {
        return pairs().filter(a -> (int) a.get()[0] > (int) a.get()[1]);
    }

    private static short[] tone(int rate, double freq, double amplitude, int n) {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * freq * i / rate));
        return s;
    }

    /** Converts in 20 ms frames, as the media clock does. */
    private static short[] convert(Resampler r, short[] in) {
        int frame = r.fromRate() / 50;
        short[] out = new short[r.maxOutputLength(in.length)];
        int w = 0;
        for (int off = 0; off < in.length; off += frame) {
            w += r.process(in, off, Math.min(frame, in.length - off), out, w);
        }
        assertEquals(Resampler.outputLength(r.fromRate(), r.toRate(), in.length), w);
        return out;
    }

    /** Output power over the settled part (after the filter has filled), relative to A^2/2. */
    private static double gainDb(Resampler r, double freq, double amplitude) {
        short[] in = tone(r.fromRate(), freq, amplitude, r.fromRate()); // one second
        short[] out = convert(r, in);
        int skip = r.delaySamples() * 2 + r.toRate() / 50;
        double p = ToneAnalyzer.meanPower(out, skip, out.length - skip);
        return ToneAnalyzer.toDb(p, amplitude * amplitude / 2);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void passbandIsFlatWithinHalfADecibel(int from, int to) {
        Resampler r = Resampler.create(from, to);
        double edge = Resampler.PASSBAND_FRACTION * Math.min(from, to) / 2;
        for (double f : new double[] {100, 300, 1000, 2000, edge * 0.9, edge}) {
            double g = gainDb(r, f, 12000);
            assertTrue(Math.abs(g) <= 0.5, f + " Hz: gain " + g + " dB");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("downPairs")
    void toneAboveTheLowerNyquistIsAttenuatedWhenDownsampling(int from, int to) {
        Resampler r = Resampler.create(from, to);
        double nyquist = to / 2.0;
        for (double f : new double[] {nyquist * 1.02, nyquist * 1.25, nyquist * 1.9, from / 2.0 * 0.97}) {
            double g = gainDb(r, f, 20000);
            assertTrue(g <= -55, f + " Hz: gain " + g + " dB, aliasing audible");
            r.reset();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void frameByFrameEqualsOneBlock(int from, int to) {
        Random rnd = new Random(42);
        short[] in = new short[from / 2]; // 500 ms of noise plus a tone
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) (rnd.nextGaussian() * 3000 + 8000 * Math.sin(2 * Math.PI * 440 * i / from));
        }
        Resampler block = Resampler.create(from, to);
        short[] whole = new short[block.maxOutputLength(in.length)];
        int n = block.process(in, 0, in.length, whole, 0);

        short[] chunked = convert(Resampler.create(from, to), in);
        assertEquals(whole.length, n);
        assertArrayEquals(whole, chunked);

        // Odd chunk sizes (not multiples of the ratio) must give the same stream as well.
        Resampler odd = Resampler.create(from, to);
        short[] out = new short[whole.length];
        int w = 0;
        for (int off = 0, step = 1; off < in.length; off += step, step = step % 37 + 3) {
            w += odd.process(in, off, Math.min(step, in.length - off), out, w);
        }
        assertEquals(n, w);
        assertArrayEquals(whole, out);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void outputLagsTheInputByTheReportedDelay(int from, int to) {
        Resampler r = Resampler.create(from, to);
        double f = 440, a = 10000;
        short[] out = convert(r, tone(from, f, a, from / 2));
        int d = r.delaySamples();
        assertTrue(d > 0);
        double maxErr = 0;
        for (int m = 2 * d + 10; m < out.length; m++) {
            double expected = a * Math.sin(2 * Math.PI * f * (m - d) / to);
            maxErr = Math.max(maxErr, Math.abs(out[m] - expected));
        }
        assertTrue(maxErr < 0.005 * a, "max error " + maxErr);
        // A delay off by one sample would be far from the tone.
        double offByOne = 0;
        for (int m = 2 * d + 10; m < out.length; m++) {
            offByOne = Math.max(offByOne, Math.abs(out[m] - a * Math.sin(2 * Math.PI * f * (m - d - 1) / to)));
        }
        assertTrue(offByOne > 10 * maxErr);
    }

    @Test
    void identityCopies() {
        Resampler r = Resampler.create(16000, 16000);
        assertTrue(r.isIdentity());
        short[] in = tone(16000, 1000, 1000, 320);
        short[] out = new short[320];
        assertEquals(320, r.process(in, 0, 320, out, 0));
        assertArrayEquals(in, out);
        assertEquals(0, r.delaySamples());
    }

    @Test
    void resetForgetsHistory() {
        Resampler r = Resampler.create(8000, 48000);
        short[] in = tone(8000, 1000, 10000, 160);
        short[] first = new short[960];
        short[] again = new short[960];
        r.process(in, 0, 160, first, 0);
        r.process(in, 0, 160, again, 0);
        r.reset();
        r.process(in, 0, 160, again, 0);
        assertArrayEquals(first, again);
    }

    @Test
    void loudInputSaturatesInsteadOfWrapping() {
        // A full-scale 100 Hz square wave: the filter's Gibbs overshoot exceeds 16 bits.
        short[] full = new short[9600];
        short[] half = new short[9600];
        for (int i = 0; i < full.length; i++) {
            boolean high = (i / 240) % 2 == 0;
            full[i] = high ? Short.MAX_VALUE : -Short.MAX_VALUE;
            half[i] = (short) (full[i] / 2);
        }
        short[] outFull = convert(Resampler.create(48000, 8000), full);
        short[] outHalf = convert(Resampler.create(48000, 8000), half);
        boolean clipped = false;
        for (int i = 0; i < outFull.length; i++) {
            int expected = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, 2 * outHalf[i]));
            assertTrue(Math.abs(outFull[i] - expected) <= 3, "sample " + i + ": " + outFull[i] + " vs " + expected);
            clipped |= outFull[i] == Short.MAX_VALUE;
        }
        assertTrue(clipped, "the overshoot should have reached full scale");
    }

    @Test
    void processAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Resampler up = Resampler.create(8000, 48000);
        Resampler down = Resampler.create(48000, 8000);
        short[] in = tone(8000, 440, 8000, 160);
        short[] mid = new short[960];
        short[] out = new short[160];
        for (int i = 0; i < 500; i++) down.process(mid, 0, up.process(in, 0, 160, mid, 0), out, 0);
        long tid = Thread.currentThread().threadId();
        // Until the JIT has compiled the SIMD code, the vector API boxes its vectors (on a busy
        // machine that takes a while): the steady state is the first window of 2000 frames that
        // allocates nothing, and it must come.
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 30 && allocated >= 4096; window++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 2000; i++) down.process(mid, 0, up.process(in, 0, 160, mid, 0), out, 0);
            allocated = mx.getThreadAllocatedBytes(tid) - before;
        }
        assertTrue(allocated < 4096, "allocated " + allocated);
    }

    @Test
    void rejectsUnsupportedRates() {
        assertThrows(IllegalArgumentException.class, () -> Resampler.create(44100, 48000));
        assertThrows(IllegalArgumentException.class, () -> Resampler.create(8000, 32000));
    }

    @Test
    void besselI0MatchesKnownValues() {
        assertEquals(1.0, Resampler.besselI0(0), 1e-12);
        assertEquals(1.2660658777520082, Resampler.besselI0(1), 1e-12);
        assertEquals(27.239871823604442, Resampler.besselI0(5), 1e-9);
    }
}
