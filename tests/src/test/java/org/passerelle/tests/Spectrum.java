package org.passerelle.tests;

/**
 * Tone analysis of a recording with the Goertzel algorithm over Hann-windowed blocks of 100 ms
 * (about 10 Hz resolution, so a frequency scan in 5 Hz steps never falls between two tones).
 */
public final class Spectrum {
    /** Scan range for {@link #dominantFrequency()}: covers the test tones, below every codec's Nyquist. */
    public static final double SCAN_MIN_HZ = 100;
    public static final double SCAN_MAX_HZ = 3800;
    private static final double SCAN_STEP_HZ = 5;

    private final double[] samples;
    private final int sampleRate;
    private final int blockSize;
    private final double[] window;

    private Spectrum(double[] samples, int sampleRate) {
        this.samples = samples;
        this.sampleRate = sampleRate;
        this.blockSize = Math.max(64, sampleRate / 10);
        this.window = new double[blockSize];
        for (int i = 0; i < blockSize; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (blockSize - 1));
        }
    }

    /** Analysis of a recording after its first {@code skipSeconds} (call set-up, jitter buffer fill). */
    public static Spectrum of(WavFile wav, double skipSeconds) {
        WavFile rest = wav.skip(skipSeconds);
        return new Spectrum(rest.samples(), rest.sampleRate());
    }

    public static Spectrum of(double[] samples, int sampleRate) {
        return new Spectrum(samples, sampleRate);
    }

    /** Seconds of audio analysed. */
    public double seconds() {
        return samples.length / (double) sampleRate;
    }

    /** RMS level of the whole signal in dBFS (a full-scale sine is -3 dB); -200 for digital silence. */
    public double rmsDb() {
        double sum = 0;
        for (double s : samples) {
            sum += s * s;
        }
        return toDb(Math.sqrt(sum / Math.max(1, samples.length)));
    }

    /** Estimated amplitude (0..1 of full scale) of a sine at {@code hz}, averaged in power over blocks. */
    public double amplitude(double hz) {
        int blocks = samples.length / blockSize;
        if (blocks == 0) {
            return 0;
        }
        double coeff = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double powerSum = 0;
        for (int b = 0; b < blocks; b++) {
            int off = b * blockSize;
            double s1 = 0, s2 = 0;
            for (int i = 0; i < blockSize; i++) {
                double s0 = samples[off + i] * window[i] + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            powerSum += s1 * s1 + s2 * s2 - coeff * s1 * s2;
        }
        // |X| of a sine of amplitude A under a Hann window is A * N / 4.
        return Math.sqrt(powerSum / blocks) * 4 / blockSize;
    }

    /** Level of the tone at {@code hz} in dBFS (sine amplitude, so a full-scale sine is 0 dB). */
    public double levelDb(double hz) {
        return toDb(amplitude(hz));
    }

    /** How much louder (positive) or weaker (negative) {@code hz} is than {@code referenceHz}, in dB. */
    public double relativeDb(double hz, double referenceHz) {
        return levelDb(hz) - levelDb(referenceHz);
    }

    /** The strongest frequency between {@link #SCAN_MIN_HZ} and {@link #SCAN_MAX_HZ} (or Nyquist), in Hz. */
    public double dominantFrequency() {
        double max = Math.min(SCAN_MAX_HZ, sampleRate / 2.0 - 50);
        double best = SCAN_MIN_HZ, bestAmp = -1;
        for (double f = SCAN_MIN_HZ; f <= max; f += SCAN_STEP_HZ) {
            double a = amplitude(f);
            if (a > bestAmp) {
                bestAmp = a;
                best = f;
            }
        }
        double coarse = best;
        for (double f = coarse - SCAN_STEP_HZ; f <= coarse + SCAN_STEP_HZ; f += 0.5) {
            double a = amplitude(f);
            if (a > bestAmp) {
                bestAmp = a;
                best = f;
            }
        }
        return best;
    }

    /** One line for assertion messages: duration, RMS and the levels of the given tones. */
    public String describe(double... tonesHz) {
        StringBuilder sb = new StringBuilder(String.format("%.1f s, rms %.1f dBFS, dominant %.0f Hz",
                seconds(), rmsDb(), dominantFrequency()));
        for (double t : tonesHz) {
            sb.append(String.format(", %.0f Hz at %.1f dB", t, levelDb(t)));
        }
        return sb.toString();
    }

    private static double toDb(double amplitude) {
        return amplitude <= 1e-10 ? -200 : 20 * Math.log10(amplitude);
    }
}
