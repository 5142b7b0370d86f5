package org.passerelle.transcoder.audio;

/**
 * Measures tones in a block of 16-bit PCM without allocating: the Goertzel algorithm gives the
 * power of one frequency in O(n), which is cheaper than an FFT when only a few frequencies matter
 * (in-band DTMF uses eight, ITU-T Q.23/Q.24), and a scan of many frequencies finds the dominant
 * one (tests: "the other side hears the tone you sent").
 *
 * <p>Powers are mean powers in PCM units squared: a sine of amplitude {@code A} exactly on the
 * analysed frequency gives {@code A*A/2}, the same scale as {@link #meanPower}, so the two can be
 * compared directly and converted to dB with {@link #toDb}.
 */
public final class ToneAnalyzer {
    private ToneAnalyzer() {
    }

    /**
     * Mean power of the component at {@code frequency} Hz in {@code pcm[off, off+len)}, by the
     * Goertzel recurrence s[n] = x[n] + 2cos(w)s[n-1] - s[n-2]. Frequencies need not fall on a
     * DFT bin; a Hann window is not applied, so leakage from strong nearby tones is that of a
     * rectangular window: analyse whole periods or long blocks when it matters.
     */
    public static double power(short[] pcm, int off, int len, double frequency, int sampleRate) {
        if (len <= 0) return 0;
        double w = 2 * Math.PI * frequency / sampleRate;
        double coeff = 2 * Math.cos(w);
        double s1 = 0, s2 = 0;
        for (int i = off, end = off + len; i < end; i++) {
            double s0 = pcm[i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        // |X(w)|^2 for a (possibly non-integer) bin; amplitude estimate is 2|X|/N.
        double re = s1 - s2 * Math.cos(w);
        double im = s2 * Math.sin(w);
        double mag2 = re * re + im * im;
        double amplitude2 = 4 * mag2 / ((double) len * len);
        return amplitude2 / 2;
    }

    /** Mean power of the whole block (square of the RMS level). */
    public static double meanPower(short[] pcm, int off, int len) {
        if (len <= 0) return 0;
        double acc = 0;
        for (int i = off, end = off + len; i < end; i++) acc += (double) pcm[i] * pcm[i];
        return acc / len;
    }

    /** Index in {@code candidates} of the frequency with the highest Goertzel power. */
    public static int dominantAmong(short[] pcm, int off, int len, int sampleRate, double... candidates) {
        int best = -1;
        double bestPower = -1;
        for (int i = 0; i < candidates.length; i++) {
            double p = power(pcm, off, len, candidates[i], sampleRate);
            if (p > bestPower) {
                bestPower = p;
                best = i;
            }
        }
        return best;
    }

    /**
     * Frequency in [{@code fromHz}, {@code toHz}] with the highest power, scanned every
     * {@code stepHz}. Resolution is also bounded by the block: about sampleRate/len Hz.
     */
    public static double dominantFrequency(short[] pcm, int off, int len, int sampleRate,
                                           double fromHz, double toHz, double stepHz) {
        if (stepHz <= 0 || toHz < fromHz) throw new IllegalArgumentException("bad scan range");
        double best = fromHz;
        double bestPower = -1;
        for (double f = fromHz; f <= toHz + 1e-9; f += stepHz) {
            double p = power(pcm, off, len, f, sampleRate);
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        return best;
    }

    /** 10·log10(power / reference), with -200 dB for silence. */
    public static double toDb(double power, double reference) {
        if (power <= 0 || reference <= 0) return -200;
        return 10 * Math.log10(power / reference);
    }
}
