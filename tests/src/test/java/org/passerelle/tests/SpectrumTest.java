package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The analysis the end-to-end tests rely on, checked on synthetic signals. */
class SpectrumTest {

    private static double[] tones(int rate, double seconds, double[] hz, double[] amp, double noise) {
        double[] x = new double[(int) (rate * seconds)];
        Random r = new Random(42);
        for (int i = 0; i < x.length; i++) {
            double v = noise * (r.nextDouble() * 2 - 1);
            for (int k = 0; k < hz.length; k++) {
                v += amp[k] * Math.sin(2 * Math.PI * hz[k] * i / rate + k);
            }
            x[i] = v;
        }
        return x;
    }

    @Test
    void findsTheDominantToneAtEveryCodecRate() {
        for (int rate : new int[] {8000, 16000, 48000}) {
            for (double hz : new double[] {440, 1000, 1700, 1234.5}) {
                Spectrum s = Spectrum.of(tones(rate, 2, new double[] {hz, 300}, new double[] {0.5, 0.1}, 0.02), rate);
                assertEquals(hz, s.dominantFrequency(), 3, "rate " + rate + ", " + s.describe(hz));
            }
        }
    }

    @Test
    void measuresAmplitudeAndRelativeLevel() {
        int rate = 16000;
        Spectrum s = Spectrum.of(tones(rate, 2, new double[] {1000, 440}, new double[] {0.5, 0.05}, 0), rate);
        assertEquals(0.5, s.amplitude(1000), 0.02);
        assertEquals(-20, s.relativeDb(440, 1000), 0.5);
        assertTrue(s.levelDb(1700) < s.levelDb(440) - 30, s.describe(440, 1000, 1700));
    }

    @Test
    void silenceHasNoLevel() {
        Spectrum s = Spectrum.of(new double[8000], 8000);
        assertEquals(-200, s.rmsDb());
        assertEquals(-200, s.levelDb(1000));
    }

    @Test
    void skipLeavesOutTheStart() {
        int rate = 8000;
        double[] first = tones(rate, 1, new double[] {440}, new double[] {0.8}, 0);
        double[] second = tones(rate, 2, new double[] {1000}, new double[] {0.2}, 0);
        double[] all = new double[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        WavFile wav = new WavFile(rate, 1, all);
        assertEquals(440, Spectrum.of(wav, 0).dominantFrequency(), 3);
        assertEquals(1000, Spectrum.of(wav, 1).dominantFrequency(), 3);
    }
}
