package org.passerelle.transcoder.audio;

/**
 * Sample-rate converter between 8, 16 and 48 kHz (integer ratios 2, 3, 6, or identity) for one
 * mono 16-bit stream.
 *
 * <p>Conceptually the input is upsampled by L (zeros inserted), low-pass filtered at the higher
 * rate and decimated by M; the polyphase form computes only the output samples, each with
 * {@code taps/L} multiply-adds. The filter is a Kaiser-windowed sinc designed for
 * {@value #STOPBAND_DB} dB stopband attenuation from the lower rate's Nyquist frequency, with the
 * passband (ripple well under ±0.1 dB) extending to {@value #PASSBAND_FRACTION} of it. It is
 * linear phase: the group delay is {@link #delaySamples()} output samples, an integer.
 *
 * <p>Interpolating (8→16, 8→48, 16→48) runs block by block over a contiguous line of inputs,
 * each vector holding consecutive outputs of one phase ({@link DotProduct#upsample}). Decimating
 * (48→8, 48→16, 16→8) uses the polyphase split of the filter by the factor M: output
 * {@code y[n] = sum_k h[k] x[M n - k]} is, with the input cut into M interleaved lines
 * {@code x[M m + r]} and the taps cut likewise, the sum of M contiguous convolutions at the
 * output rate ({@link DotProduct#decimate}); each input is written once into its line as it
 * arrives, and the outputs whose newest input has arrived are computed in one go.
 *
 * <p>The converter is stateful: the input history is kept across {@link #process} calls, so a
 * stream cut into 20 ms frames gives exactly the samples of the stream converted in one block.
 * All buffers are allocated at construction; {@code process} allocates nothing. Not thread-safe:
 * one instance per stream and direction.
 */
public final class Resampler {
    static final double STOPBAND_DB = 75;
    static final double PASSBAND_FRACTION = 0.85;

    private static final DotProduct DOT = DotProduct.INSTANCE;
    /** Inputs up-sampled per block: a 20 ms frame at 8 kHz in one go. */
    static final int CHUNK = 160;

    private final int fromRate;
    private final int toRate;
    private final int up;      // L
    private final int down;    // M
    private final int phaseTaps;        // K: taps per polyphase branch
    private final float[][] phases;     // phases[p][q] = h[p + L*(K-1-q)], oldest-first order
    private final int delayOut;
    private final DotProduct dot;
    /**
     * Up-sampling only (M = 1): the last K-1 inputs then up to {@value #CHUNK} new ones, in order,
     * so every input's window is contiguous and a whole block of inputs is filtered at once
     * ({@link DotProduct#upsample}); null when decimating.
     */
    private final float[] line;
    private final float[] scratch;
    /**
     * Decimation only (L = 1): the filter's taps split by branch, {@code branches[r][a]} =
     * {@code phases[0][M*a + r]} (window order, oldest input first); null when interpolating.
     */
    private final float[][] branches;
    /**
     * Decimation only: M lines of {@link #stride} floats, line r holding the inputs
     * {@code x[M*(i + first - D) + r]} at index i, where {@code first} is the next output to
     * compute and D = (K-1)/M; the first D entries of each line are the history.
     */
    private final float[] lines;
    private final int stride;
    private final int span;  // D: a window spans D+1 entries of line 0 and D of the others
    private int phase;  // decimation: line of the next input (its index modulo M)
    private int next;   // decimation: where the next input goes in its line

    /**
     * The filter of one rate pair, computed once and shared by every converter of that pair: a
     * gateway holds two converters per call, and one table for all of them stays in the CPU's
     * cache where hundreds of copies would not.
     */
    private record Filter(int phaseTaps, float[][] phases, int delayOut, float[][] branches) {}

    private static final java.util.Map<Long, Filter> FILTERS = new java.util.concurrent.ConcurrentHashMap<>();

    private Resampler(int fromRate, int toRate, DotProduct dot) {
        this.fromRate = fromRate;
        this.toRate = toRate;
        this.dot = dot;
        int g = gcd(fromRate, toRate);
        this.up = toRate / g;
        this.down = fromRate / g;
        if (up == 1 && down == 1) {
            phaseTaps = 0;
            phases = new float[0][];
            delayOut = 0;
            line = null;
            scratch = null;
            branches = null;
            lines = null;
            stride = 0;
            span = 0;
            return;
        }
        Filter f = FILTERS.computeIfAbsent(((long) fromRate << 32) | toRate, k -> design(fromRate, toRate, up, down));
        this.phaseTaps = f.phaseTaps();
        this.phases = f.phases();
        this.delayOut = f.delayOut();
        // Room for a vector's worth of lanes past the last window (at most 16 floats are read).
        this.line = down == 1 ? new float[phaseTaps - 1 + CHUNK + 64] : null;
        this.scratch = new float[64];
        this.branches = f.branches();
        // The design puts the filter's centre on a multiple of M: K-1 = 2*half is one too.
        this.span = down == 1 ? 0 : (phaseTaps - 1) / down;
        this.stride = span + CHUNK;
        this.lines = down == 1 ? null : new float[down * stride];
        this.next = span;
    }

    private static Filter design(int fromRate, int toRate, int up, int down) {
        int highRate = Math.max(fromRate, toRate);
        double lowNyquist = Math.min(fromRate, toRate) / 2.0;
        double passEdge = PASSBAND_FRACTION * lowNyquist;
        // Stopband begins at the lower Nyquist frequency, so nothing aliases when decimating and
        // no image survives when interpolating.
        double transition = (lowNyquist - passEdge) / highRate;           // cycles per sample
        double cutoff = (passEdge + lowNyquist) / 2 / highRate;           // cycles per sample
        // Kaiser's design formulas (Oppenheim & Schafer, 7.6): beta and length from attenuation.
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        int order = (int) Math.ceil((STOPBAND_DB - 7.95) / (2.285 * 2 * Math.PI * transition));
        // Odd length, centre on a multiple of M so the group delay is whole output samples.
        int half = (order + 1) / 2;
        half = ((half + down - 1) / down) * down;
        int taps = 2 * half + 1;
        int phaseTaps = (taps + up - 1) / up;
        double[] h = new double[phaseTaps * up];
        double i0Beta = besselI0(beta);
        for (int n = 0; n < taps; n++) {
            double x = n - half;
            double sinc = x == 0 ? 1 : Math.sin(2 * Math.PI * cutoff * x) / (2 * Math.PI * cutoff * x);
            double r = x / half;
            double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            h[n] = 2 * cutoff * sinc * window;
        }
        // Interpolation spreads each input over L outputs: a gain of L keeps the level.
        double sum = 0;
        for (double v : h) sum += v;
        double scale = up / sum;
        float[][] phases = new float[up][phaseTaps];
        for (int p = 0; p < up; p++) {
            for (int j = 0; j < phaseTaps; j++) {
                phases[p][phaseTaps - 1 - j] = (float) (h[p + up * j] * scale);
            }
        }
        float[][] branches = null;
        if (up == 1) {
            // Decimation: tap q of the window goes to branch q mod M (K-1 is a multiple of M, so
            // branch 0 holds one more tap than the others).
            branches = new float[down][];
            for (int r = 0; r < down; r++) {
                float[] b = new float[(phaseTaps - 1 - r) / down + 1];
                for (int a = 0; a < b.length; a++) b[a] = phases[0][down * a + r];
                branches[r] = b;
            }
        }
        return new Filter(phaseTaps, phases, half / down, branches);
    }

    /** A converter from {@code fromRate} to {@code toRate}; both in {8000, 16000, 48000}. */
    public static Resampler create(int fromRate, int toRate) {
        return create(fromRate, toRate, DotProduct.INSTANCE);
    }

    /** The same with a given filter implementation (tests: scalar against SIMD). */
    static Resampler create(int fromRate, int toRate, DotProduct dot) {
        if (!supported(fromRate) || !supported(toRate)) {
            throw new IllegalArgumentException("unsupported rates " + fromRate + " -> " + toRate);
        }
        return new Resampler(fromRate, toRate, dot);
    }

    private static boolean supported(int rate) {
        return rate == 8000 || rate == 16000 || rate == 48000;
    }

    public int fromRate() { return fromRate; }
    public int toRate() { return toRate; }

    /** True when rates are equal: {@link #process} copies. */
    public boolean isIdentity() { return up == 1 && down == 1; }

    /**
     * Largest number of samples one {@link #process} call can write for {@code inLen} input
     * samples; size output buffers with it. For whole 10 ms frames it is exact.
     */
    public int maxOutputLength(int inLen) {
        return (int) (((long) inLen * up + down - 1) / down);
    }

    /** Output samples for {@code inLen} input samples at these rates, for whole frames. */
    public static int outputLength(int fromRate, int toRate, int inLen) {
        return (int) ((long) inLen * toRate / fromRate);
    }

    /** Group delay of the filter in output samples (0 for identity). */
    public int delaySamples() { return delayOut; }

    /** Taps per polyphase branch: the cost in multiply-adds of one output sample. */
    public int tapsPerOutput() { return phaseTaps; }

    /**
     * Converts {@code inLen} samples from {@code in[inOff]} and writes the output at
     * {@code out[outOff]}; returns the number of samples written (at most
     * {@link #maxOutputLength}). Output is rounded and saturated to 16 bits.
     */
    public int process(short[] in, int inOff, int inLen, short[] out, int outOff) {
        if (isIdentity()) {
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        if (line != null) return upsample(in, inOff, inLen, out, outOff);
        return decimate(in, inOff, inLen, out, outOff);
    }

    /**
     * L = 1: each input into its line; output n is due once x[M n] (line 0) has arrived, and the
     * due outputs are computed together when the lines are full or the call ends.
     */
    private int decimate(short[] in, int inOff, int inLen, short[] out, int outOff) {
        final int m = down;
        final int d = span;
        final int s = stride;
        final float[] ls = lines;
        int r = phase;
        int i = next;
        int w = outOff;
        for (int t = inOff, end = inOff + inLen; t < end; t++) {
            if (r == 0 && i == s) {
                w += flush(CHUNK, out, w);
                i -= CHUNK;
            }
            ls[r * s + i] = in[t];
            if (++r == m) {
                r = 0;
                i++;
            }
        }
        // Due: every output whose newest input, on line 0, is in.
        int due = (r == 0 ? i : i + 1) - d;
        if (due > 0) {
            w += flush(due, out, w);
            i -= due;
        }
        phase = r;
        next = i;
        return w - outOff;
    }

    /** Computes the next {@code n} outputs, then moves each line's last D entries to its front. */
    private int flush(int n, short[] out, int outOff) {
        dot.decimate(branches, lines, stride, n, out, outOff, scratch);
        for (int r = 0; r < down; r++) System.arraycopy(lines, r * stride + n, lines, r * stride, span);
        return n;
    }

    /** M = 1: block by block through the contiguous line of inputs; the same outputs as the ring. */
    private int upsample(short[] in, int inOff, int inLen, short[] out, int outOff) {
        final int k = phaseTaps;
        final float[] l = line;
        int w = outOff;
        for (int i = inOff, end = inOff + inLen; i < end; ) {
            int n = Math.min(CHUNK, end - i);
            for (int j = 0; j < n; j++) l[k - 1 + j] = in[i + j];
            dot.upsample(phases, up, k, l, n, out, w, scratch);
            w += n * up;
            // The last K-1 inputs lead the next block.
            System.arraycopy(l, n, l, 0, k - 1);
            i += n;
        }
        return w - outOff;
    }

    /** How the filter runs here: "vector N bit" (SIMD) or "scalar". */
    public static String implementation() {
        return DOT.describe();
    }

    /** Forgets the history, as at construction (e.g. after a stream restart). */
    public void reset() {
        if (line != null) java.util.Arrays.fill(line, 0f);
        if (lines != null) java.util.Arrays.fill(lines, 0f);
        phase = 0;
        next = span;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 64; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
