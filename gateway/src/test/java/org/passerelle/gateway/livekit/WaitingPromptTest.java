package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.prompt.Prompt;

class WaitingPromptTest {
    private static final int FRAME = Participant.MAX_FRAME_SAMPLES;

    /** 2.5 frames of a recognisable ramp (sample i = i + 1). */
    private static Prompt prompt() {
        short[] s = new short[FRAME * 5 / 2];
        for (int i = 0; i < s.length; i++) s[i] = (short) (i % 30000 + 1);
        return new Prompt("waiting", "fr", "test", s);
    }

    /** Which of the next {@code n} frames carried sound. */
    private static boolean[] frames(WaitingPrompt w, int n) {
        boolean[] out = new boolean[n];
        short[] f = new short[FRAME];
        for (int i = 0; i < n; i++) out[i] = w.readFrame(f, 48000);
        return out;
    }

    @Test
    void silentUntilStarted() {
        WaitingPrompt w = new WaitingPrompt("w");
        short[] f = new short[FRAME];
        Arrays.fill(f, (short) 7);
        assertFalse(w.readFrame(f, 48000));
        assertFalse(w.active());
    }

    @Test
    void saysThePromptThenPausesThenSaysItAgainEveryPeriod() {
        WaitingPrompt w = new WaitingPrompt("w");
        w.start(prompt(), 100); // 100 ms = 5 frames: 3 frames of prompt, 2 of pause
        short[] f = new short[FRAME];
        assertTrue(w.readFrame(f, 48000));
        assertEquals(1, f[0]);
        assertEquals(FRAME, f[FRAME - 1]);
        assertArrayEquals(new boolean[] {true, true, false, false, true, true, true, false, false},
                frames(w, 9));
    }

    @Test
    void theLastPartialFrameIsPaddedWithSilence() {
        WaitingPrompt w = new WaitingPrompt("w");
        w.start(prompt(), 1000);
        short[] f = new short[FRAME];
        w.readFrame(f, 48000);
        w.readFrame(f, 48000);
        Arrays.fill(f, (short) 9);
        assertTrue(w.readFrame(f, 48000));
        assertEquals(2 * FRAME + 1, f[0]);
        assertEquals(0, f[FRAME / 2]);
        assertEquals(0, f[FRAME - 1]);
    }

    @Test
    void aPeriodShorterThanThePromptNeverCutsIt() {
        WaitingPrompt w = new WaitingPrompt("w");
        w.start(prompt(), 1); // rounded up to the prompt's 3 frames
        assertArrayEquals(new boolean[] {true, true, true, true, true, true}, frames(w, 6));
    }

    @Test
    void speaksAtTheRoomsRateWithoutRaisingIt() {
        assertEquals(Participant.ANY_RATE, new WaitingPrompt("w").neededRate());
        short[] s = new short[48000]; // a second of 600 Hz
        for (int i = 0; i < s.length; i++) s[i] = (short) (8000 * Math.sin(2 * Math.PI * 600 * i / 48000.0));
        WaitingPrompt w = new WaitingPrompt("w");
        w.start(new Prompt("waiting", "fr", "test", s), 2000);
        short[] heard = new short[50 * 160];
        short[] f = new short[FRAME];
        for (int t = 0; t < 50; t++) {
            assertTrue(w.readFrame(f, 8000));
            System.arraycopy(f, 0, heard, t * 160, 160);
        }
        assertFalse(w.readFrame(f, 8000), "a second of prompt is 50 frames, at any rate");
        assertEquals(600, org.passerelle.transcoder.audio.ToneAnalyzer.dominantFrequency(heard, 160, heard.length - 320,
                8000, 100, 3000, 5), 5);
        double power = org.passerelle.transcoder.audio.ToneAnalyzer.meanPower(heard, 160, heard.length - 320);
        assertEquals(0, org.passerelle.transcoder.audio.ToneAnalyzer.toDb(power, 8000.0 * 8000 / 2), 0.5);
    }

    @Test
    void stopSilencesAtOnceAndStartBeginsFromTheTop() {
        WaitingPrompt w = new WaitingPrompt("w");
        w.start(prompt(), 1000);
        short[] f = new short[FRAME];
        w.readFrame(f, 48000);
        w.stop();
        assertFalse(w.readFrame(f, 48000));
        assertFalse(w.active());
        w.start(prompt(), 1000);
        assertTrue(w.readFrame(f, 48000));
        assertEquals(1, f[0], "a new start says the prompt from its beginning");
    }
}
