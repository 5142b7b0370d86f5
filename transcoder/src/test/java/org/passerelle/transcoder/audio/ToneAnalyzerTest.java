package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ToneAnalyzerTest {
    private static short[] tones(int rate, int n, double[] freqs, double[] amps) {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int k = 0; k < freqs.length; k++) v += amps[k] * Math.sin(2 * Math.PI * freqs[k] * i / rate);
            s[i] = (short) Math.round(v);
        }
        return s;
    }

    @Test
    void goertzelPowerOfAPureToneIsHalfTheSquaredAmplitude() {
        short[] s = tones(8000, 800, new double[] {1000}, new double[] {10000});
        double p = ToneAnalyzer.power(s, 0, s.length, 1000, 8000);
        assertEquals(10000.0 * 10000 / 2, p, 10000.0 * 10000 / 2 * 0.01);
        assertEquals(p, ToneAnalyzer.meanPower(s, 0, s.length), p * 0.01);
        // Far from the tone there is next to nothing.
        assertTrue(ToneAnalyzer.toDb(ToneAnalyzer.power(s, 0, s.length, 2000, 8000), p) < -60);
    }

    @Test
    void powerRespectsOffsetAndLength() {
        short[] s = new short[1600];
        short[] t = tones(8000, 800, new double[] {697}, new double[] {8000});
        System.arraycopy(t, 0, s, 800, 800);
        assertTrue(ToneAnalyzer.power(s, 0, 800, 697, 8000) < 1);
        assertTrue(ToneAnalyzer.power(s, 800, 800, 697, 8000) > 8000.0 * 8000 / 2 * 0.9);
        assertEquals(0, ToneAnalyzer.power(s, 0, 0, 697, 8000));
    }

    @Test
    void dominantAmongDtmfRowFrequencies() {
        double[] rows = {697, 770, 852, 941};
        double[] cols = {1209, 1336, 1477, 1633};
        // Digit 8: 852 Hz + 1336 Hz, 40 ms at 8 kHz, with noise.
        short[] s = tones(8000, 320, new double[] {852, 1336}, new double[] {7000, 7000});
        Random rnd = new Random(1);
        for (int i = 0; i < s.length; i++) s[i] += (short) (rnd.nextGaussian() * 500);
        assertEquals(2, ToneAnalyzer.dominantAmong(s, 0, s.length, 8000, rows));
        assertEquals(1, ToneAnalyzer.dominantAmong(s, 0, s.length, 8000, cols));
    }

    @Test
    void fineScanFindsTheLouderOfTwoTones() {
        short[] s = tones(48000, 48000, new double[] {440, 1234}, new double[] {3000, 9000});
        assertEquals(1234, ToneAnalyzer.dominantFrequency(s, 0, s.length, 48000, 100, 4000, 1), 1);
        short[] t = tones(48000, 48000, new double[] {440, 1234}, new double[] {9000, 3000});
        assertEquals(440, ToneAnalyzer.dominantFrequency(t, 0, t.length, 48000, 100, 4000, 1), 1);
    }

    @Test
    void toDbAndBadScan() {
        assertEquals(-20, ToneAnalyzer.toDb(1, 100), 1e-9);
        assertEquals(-200, ToneAnalyzer.toDb(0, 100));
        short[] s = new short[10];
        assertThrows(IllegalArgumentException.class, () -> ToneAnalyzer.dominantFrequency(s, 0, 10, 8000, 10, 5, 1));
    }
}
