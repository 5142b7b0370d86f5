package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The polyphase decimator ({@link DotProduct#decimate}, used when L = 1). Its scalar and SIMD forms
 * sum in the same fixed order and give the very same samples, however the stream is cut; against
 * the filter applied by the direct formula in double precision, and against the converter as it
 * was (a ring of the last K inputs, one {@link DotProduct#dot} per output), a sample moves by at
 * most one 16-bit step (float rounding).
 */
class ResamplerDecimateTest {
    private static final int SECONDS_OF_INPUT = 1;

    /** Speech-like input: tones, noise, and bursts beyond full scale once filtered (saturation). */
    private static short[] signal(int rate, int n) {
        Random rnd = new Random(7);
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            double v = 9000 * Math.sin(2 * Math.PI * 440 * i / rate) + 7000 * Math.sin(2 * Math.PI * 3130 * i / rate)
                    + 3000 * rnd.nextGaussian();
            if (i % 1999 < 40) v *= 4;
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return s;
    }

    /** Uneven pieces: single samples, parts of a group of M, more than a block of outputs. */
    private static final int[] PIECES = {960, 1, 5, 7, 960, 2000, 333, 16, 17, 959, 961, 2, 480, 6, 3};

    private interface Processor {
        int process(short[] in, int inOff, int inLen, short[] out, int outOff);
    }

    private static short[] run(int from, int to, int[] pieces, Processor p) {
        short[] in = signal(from, from * SECONDS_OF_INPUT);
        short[] out = new short[in.length * to / from];
        int i = 0, w = 0, piece = 0;
        while (i < in.length) {
            int len = Math.min(pieces[piece++ % pieces.length], in.length - i);
            w += p.process(in, i, len, out, w);
            i += len;
        }
        assertEquals(out.length, w);
        return out;
    }

    /** The window's taps, oldest input first: {@code phases[0]} of the converter. */
    private static float[] window(Resampler r) {
        try {
            var f = Resampler.class.getDeclaredField("phases");
            f.setAccessible(true);
            return ((float[][]) f.get(r))[0];
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"48000,8000", "48000,16000", "16000,8000"})
    void scalarAndSimdGiveTheVerySameSamples(int from, int to) {
        short[] scalar = run(from, to, PIECES, Resampler.create(from, to, new DotProduct.Scalar())::process);
        short[] inUse = run(from, to, PIECES, Resampler.create(from, to)::process);
        assertArrayEquals(scalar, inUse, DotProduct.INSTANCE.describe());
        short[] frames = run(from, to, new int[] {from / 50}, Resampler.create(from, to)::process);
        assertArrayEquals(frames, inUse, "20 ms frames and uneven pieces");
        short[] whole = run(from, to, new int[] {Integer.MAX_VALUE}, Resampler.create(from, to)::process);
        assertArrayEquals(whole, inUse, "one call and uneven pieces");
    }

    @ParameterizedTest
    @CsvSource({"48000,8000", "48000,16000", "16000,8000"})
    void withinOneStepOfTheDirectFormula(int from, int to) {
        Resampler r = Resampler.create(from, to);
        int m = from / to;
        float[] w = window(r);
        int k = w.length;
        short[] x = signal(from, from * SECONDS_OF_INPUT);
        short[] now = run(from, to, PIECES, r::process);
        int differ = 0;
        boolean clipped = false;
        for (int n = 0; n < now.length; n++) {
            // y[n] = sum_j h[j] x[M n - j], h[j] = w[K-1-j]; the input is zero before the stream.
            double y = 0;
            for (int j = 0; j < k && m * n - j >= 0; j++) y += (double) w[k - 1 - j] * x[m * n - j];
            long expected = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(y)));
            long d = Math.abs(now[n] - expected);
            assertTrue(d <= 1, "sample " + n + ": " + expected + " by the formula, " + now[n] + " (" + DotProduct.INSTANCE.describe() + ")");
            if (d != 0) differ++;
            clipped |= Math.abs(y) > Short.MAX_VALUE + 1;
        }
        assertTrue(clipped, "the signal should reach saturation");
        assertTrue(differ < now.length / 20, differ + " of " + now.length + " samples differ");
    }

    @ParameterizedTest
    @CsvSource({"48000,8000", "48000,16000", "16000,8000"})
    void withinOneStepOfTheFormerRing(int from, int to) {
        Resampler r = Resampler.create(from, to);
        int m = from / to;
        float[] w = window(r);
        int k = w.length;
        float[] hist = new float[2 * k];
        int[] pos = {0};
        long[] count = {0};
        // The former L = 1 loop: every input into a doubled ring, one dot product per M inputs.
        Processor ring = (in, inOff, inLen, out, outOff) -> {
            int o = outOff;
            for (int i = inOff; i < inOff + inLen; i++) {
                hist[pos[0]] = in[i];
                hist[pos[0] + k] = in[i];
                pos[0] = pos[0] + 1 == k ? 0 : pos[0] + 1;
                if (count[0]++ % m == 0) out[o++] = DotProduct.saturate(DotProduct.INSTANCE.dot(w, hist, pos[0], k));
            }
            return o - outOff;
        };
        short[] old = run(from, to, PIECES, ring);
        short[] now = run(from, to, PIECES, r::process);
        for (int i = 0; i < old.length; i++) {
            assertTrue(Math.abs(old[i] - now[i]) <= 1, "sample " + i + ": " + old[i] + " then " + now[i]);
        }
    }
}
