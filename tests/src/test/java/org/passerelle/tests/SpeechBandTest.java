package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpeechBandTest {
    private static WavFile sine(double hz, double amplitude, int rate) {
        double[] s = new double[rate];
        for (int i = 0; i < s.length; i++) s[i] = amplitude * Math.sin(2 * Math.PI * hz * i / rate);
        return new WavFile(rate, 1, s);
    }

    @Test
    void aToneInTheBandKeepsItsLevel() {
        // A sine of amplitude 0.5 has an RMS of 0.354: -9 dBFS.
        assertEquals(-9.0, SpeechBand.levelDb(sine(1000, 0.5, 16000)), 1.0);
        assertEquals(-9.0, SpeechBand.levelDb(sine(1000, 0.5, 48000)), 1.0);
    }

    @Test
    void humAndHissOutsideTheBandAreCut() {
        assertTrue(SpeechBand.levelDb(sine(50, 0.5, 16000)) < -35, "50 Hz hum");
        assertTrue(SpeechBand.levelDb(sine(12000, 0.5, 48000)) < -25, "12 kHz");
    }

    @Test
    void silenceIsSilent() {
        assertTrue(SpeechBand.levelDb(new WavFile(8000, 1, new double[8000])) < -100);
    }
}
