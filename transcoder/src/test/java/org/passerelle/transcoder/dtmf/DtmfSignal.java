package org.passerelle.transcoder.dtmf;

import java.util.Arrays;
import java.util.Random;

/**
 * Test signal builder: DTMF key presses (frequencies written out here from ITU-T Q.23, apart from
 * the detector's own table), pauses, tones, sweeps and noise, mixed in floating point and
 * rounded to 16-bit PCM once at the end. Levels are in dBFS relative to a full-scale sine.
 */
final class DtmfSignal {
    private static final String ROWS = "123A456B789C*0#D";
    private static final double[] LOW = {697, 770, 852, 941};
    private static final double[] HIGH = {1209, 1336, 1477, 1633};

    private final int rate;
    private double[] x = new double[0];

    DtmfSignal(int rate) {
        this.rate = rate;
    }

    static double lowOf(char key) { return LOW[ROWS.indexOf(key) / 4]; }

    static double highOf(char key) { return HIGH[ROWS.indexOf(key) % 4]; }

    static double amplitude(double dbfs) { return 32767 * Math.pow(10, dbfs / 20); }

    private int samples(double ms) { return (int) Math.round(ms * rate / 1000); }

    private int grow(double ms) {
        int start = x.length;
        x = Arrays.copyOf(x, start + samples(ms));
        return start;
    }

    /** A key: both tones; {@code levelDbfs} is the peak of their sum when twist is 0. */
    DtmfSignal key(char key, double ms, double levelDbfs) {
        return key(key, ms, levelDbfs, 0);
    }

    /** A key with twist: the high tone {@code twistDb} above (positive) or below the low one. */
    DtmfSignal key(char key, double ms, double levelDbfs, double twistDb) {
        double a = amplitude(levelDbfs) / 2;
        return tones(ms, new double[] {lowOf(key), highOf(key)},
                new double[] {a, a * Math.pow(10, twistDb / 20)});
    }

    /** Sum of sines of the given frequencies and amplitudes (PCM units). */
    DtmfSignal tones(double ms, double[] hz, double[] amplitude) {
        int start = grow(ms);
        for (int i = start; i < x.length; i++) {
            double t = (double) (i - start) / rate;
            for (int k = 0; k < hz.length; k++) x[i] += amplitude[k] * Math.sin(2 * Math.PI * hz[k] * t + k);
        }
        return this;
    }

    /** Equal-level chord, the sum peaking at {@code levelDbfs}. */
    DtmfSignal chord(double ms, double levelDbfs, double... hz) {
        double[] a = new double[hz.length];
        Arrays.fill(a, amplitude(levelDbfs) / hz.length);
        return tones(ms, hz, a);
    }

    /** Linear sweep from {@code fromHz} to {@code toHz}. */
    DtmfSignal sweep(double ms, double fromHz, double toHz, double levelDbfs) {
        int start = grow(ms);
        double a = amplitude(levelDbfs);
        double phase = 0;
        int n = x.length - start;
        for (int i = 0; i < n; i++) {
            double f = fromHz + (toHz - fromHz) * i / n;
            phase += 2 * Math.PI * f / rate;
            x[start + i] += a * Math.sin(phase);
        }
        return this;
    }

    DtmfSignal pause(double ms) {
        grow(ms);
        return this;
    }

    /** Adds white Gaussian noise of the given RMS level over everything so far. */
    DtmfSignal noise(double rmsDbfs, long seed) {
        Random r = new Random(seed);
        double sigma = amplitude(rmsDbfs) / Math.sqrt(2); // RMS of a sine at that level
        for (int i = 0; i < x.length; i++) x[i] += sigma * r.nextGaussian();
        return this;
    }

    /** Appends {@code ms} of white noise alone. */
    DtmfSignal noiseOnly(double ms, double rmsDbfs, long seed) {
        int start = grow(ms);
        Random r = new Random(seed);
        double sigma = amplitude(rmsDbfs) / Math.sqrt(2);
        for (int i = start; i < x.length; i++) x[i] += sigma * r.nextGaussian();
        return this;
    }

    /** Zeroes {@code ms} starting {@code atMs} into the signal (a dropout). */
    DtmfSignal cut(double atMs, double ms) {
        Arrays.fill(x, samples(atMs), samples(atMs) + samples(ms), 0);
        return this;
    }

    short[] pcm() {
        short[] s = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(x[i])));
        }
        return s;
    }
}
