package org.passerelle.tests;

/**
 * The level of what a recording holds in the telephone speech band (300-3400 Hz, ITU-T G.711's
 * passband): a 2nd-order high-pass at 300 Hz then a 2nd-order low-pass at 3400 Hz (Butterworth,
 * RBJ biquads), then the RMS of what is left. Tells a spoken prompt from silence or hum.
 */
public final class SpeechBand {
    public static final double LOW_HZ = 300;
    public static final double HIGH_HZ = 3400;

    private SpeechBand() {}

    /** RMS level in dBFS (a full-scale sine is -3 dB) of the 300-3400 Hz band of {@code wav}. */
    public static double levelDb(WavFile wav) {
        double[] x = wav.samples().clone();
        biquad(x, wav.sampleRate(), LOW_HZ, true);
        if (HIGH_HZ < wav.sampleRate() / 2.0) biquad(x, wav.sampleRate(), HIGH_HZ, false);
        double sum = 0;
        for (double v : x) sum += v * v;
        double rms = x.length == 0 ? 0 : Math.sqrt(sum / x.length);
        return rms <= 1e-10 ? -200 : 20 * Math.log10(rms);
    }

    /** In place; Q = 1/sqrt(2) (Butterworth). */
    private static void biquad(double[] x, int rate, double cornerHz, boolean highPass) {
        double w0 = 2 * Math.PI * cornerHz / rate;
        double alpha = Math.sin(w0) / (2 * Math.sqrt(0.5));
        double cos = Math.cos(w0);
        double b0 = highPass ? (1 + cos) / 2 : (1 - cos) / 2;
        double b1 = highPass ? -(1 + cos) : 1 - cos;
        double b2 = b0;
        double a0 = 1 + alpha, a1 = -2 * cos, a2 = 1 - alpha;
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < x.length; i++) {
            double in = x[i];
            double out = (b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
            x2 = x1;
            x1 = in;
            y2 = y1;
            y1 = out;
            x[i] = out;
        }
    }
}
