package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The block up-sampler ({@link DotProduct#upsample}, used when M = 1) against the converter as it
 * was: a ring of the last K inputs and one {@link DotProduct#dot} per output, summed across taps
 * then horizontally. The new one sums across time in its own fixed order, the same in its scalar
 * and SIMD forms: those two give the very same samples; against the old output a float rounding
 * may move a sample by one step of 16 bits, never more (the old SIMD and scalar paths already
 * differed that way from each other).
 */
class ResamplerUpsampleTest {
    /** The former M = 1 loop, kept here as the reference. */
    private static final class RingReference {
        final float[][] phases;
        final int k;
        final int up;
        final float[] hist;
        final DotProduct dot;
        int pos;

        RingReference(int from, int to, DotProduct dot) {
            Resampler r = Resampler.create(from, to);
            this.up = to / from;
            this.k = r.tapsPerOutput();
            this.phases = phasesOf(r);
            this.hist = new float[2 * k];
            this.dot = dot;
        }

        int process(short[] in, int inOff, int inLen, short[] out, int outOff) {
            int w = outOff;
            for (int i = inOff; i < inOff + inLen; i++) {
                hist[pos] = in[i];
                hist[pos + k] = in[i];
                pos = pos + 1 == k ? 0 : pos + 1;
                for (int p = 0; p < up; p++) out[w++] = DotProduct.saturate(dot.dot(phases[p], hist, pos, k));
            }
            return w - outOff;
        }
    }

    private static float[][] phasesOf(Resampler r) {
        try {
            var f = Resampler.class.getDeclaredField("phases");
            f.setAccessible(true);
            return (float[][]) f.get(r);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Speech-like test input: tones, noise, full-scale peaks (saturation), fed in uneven pieces. */
    private static short[] signal(int rate, int n) {
        Random rnd = new Random(42);
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            double v = 9000 * Math.sin(2 * Math.PI * 440 * i / rate) + 7000 * Math.sin(2 * Math.PI * 1330 * i / rate)
                    + 3000 * rnd.nextGaussian();
            if (i % 997 < 20) v *= 4; // clipped bursts
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return s;
    }

    private static final int[] PIECES = {160, 1, 7, 160, 333, 16, 17, 159, 161, 320, 2, 480};

    private static short[] run(int from, int to, int n, java.util.function.IntSupplier unused,
                               Processor p) {
        short[] in = signal(from, n);
        short[] out = new short[n * (to / from)];
        int i = 0, w = 0, piece = 0;
        while (i < n) {
            int len = Math.min(PIECES[piece++ % PIECES.length], n - i);
            w += p.process(in, i, len, out, w);
            i += len;
        }
        assertEquals(out.length, w);
        return out;
    }

    private interface Processor {
        int process(short[] in, int inOff, int inLen, short[] out, int outOff);
    }

    @ParameterizedTest
    @CsvSource({"8000,48000", "16000,48000", "8000,16000"})
    void scalarAndSimdGiveTheVerySameSamples(int from, int to) {
        Resampler r = Resampler.create(from, to);
        float[][] phases = phasesOf(r);
        int k = r.tapsPerOutput();
        int up = to / from;
        short[] scalar = blocks(from, to, k, up, phases, new DotProduct.Scalar());
        short[] inUse = blocks(from, to, k, up, phases, DotProduct.INSTANCE);
        assertArrayEquals(scalar, inUse, DotProduct.INSTANCE.describe());
        assertArrayEquals(inUse, run(from, to, 24000, null, r::process), "Resampler drives it so");
    }

    /** The block path with one DotProduct, driven as Resampler drives it. */
    private static short[] blocks(int from, int to, int k, int up, float[][] phases, DotProduct dot) {
        float[] line = new float[k - 1 + Resampler.CHUNK];
        float[] scratch = new float[64];
        Processor blocks = (in, inOff, inLen, out, outOff) -> {
            int w = outOff;
            for (int i = inOff, end = inOff + inLen; i < end; ) {
                int n = Math.min(Resampler.CHUNK, end - i);
                for (int j = 0; j < n; j++) line[k - 1 + j] = in[i + j];
                dot.upsample(phases, up, k, line, n, out, w, scratch);
                w += n * up;
                System.arraycopy(line, n, line, 0, k - 1);
                i += n;
            }
            return w - outOff;
        };
        return run(from, to, 24000, null, blocks);
    }

    @ParameterizedTest
    @CsvSource({"8000,48000", "16000,48000", "8000,16000"})
    void inUseGivesTheRingsSamplesWithinOneStep(int from, int to) {
        RingReference ref = new RingReference(from, to, DotProduct.INSTANCE);
        Resampler r = Resampler.create(from, to);
        short[] old = run(from, to, 24000, null, ref::process);
        short[] now = run(from, to, 24000, null, r::process);
        int differ = 0;
        for (int i = 0; i < old.length; i++) {
            int d = Math.abs(old[i] - now[i]);
            assertTrue(d <= 1, "sample " + i + ": " + old[i] + " then " + now[i] + " (" + DotProduct.INSTANCE.describe() + ")");
            if (d != 0) differ++;
        }
        // Float rounding only: a small share of samples, each by one step.
        assertTrue(differ < old.length / 20, differ + " of " + old.length + " samples differ");
    }
}
