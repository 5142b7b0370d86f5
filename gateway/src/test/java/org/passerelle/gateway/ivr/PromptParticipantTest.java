package org.passerelle.gateway.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.audio.ToneAnalyzer;
import org.passerelle.transcoder.dtmf.DtmfToneGenerator;
import org.passerelle.transcoder.prompt.Prompt;

/**
 * The IVR's voice takes the room's rate (the caller's codec's): its 48 kHz prompts are heard at
 * that rate, and keys typed as tones are recognised at it, also after the rate changes.
 */
class PromptParticipantTest {
    private final List<String> events = new ArrayList<>();
    private final PromptParticipant voice = new PromptParticipant("ivr:1", Runnable::run, new PromptParticipant.Events() {
        @Override public void promptFinished() { events.add("finished"); }
        @Override public void inBandDigit(char key) { events.add("digit " + key); }
        @Override public void tick() { }
    });

    /** {@code millis} of a 48 kHz tone, amplitude 8000. */
    private static Prompt tone(double hz, int millis) {
        short[] s = new short[Prompt.SAMPLE_RATE * millis / 1000];
        for (int i = 0; i < s.length; i++) s[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / Prompt.SAMPLE_RATE));
        return new Prompt("tone", "fr", "test", s);
    }

    @Test
    void takesAnyRate() {
        assertEquals(Participant.ANY_RATE, voice.neededRate());
    }

    @Test
    void aPromptIsHeardAtTheRoomsRate() {
        for (int rate : new int[] {8000, 16000, 48000}) {
            events.clear();
            voice.play(tone(800, 500));
            int n = Participant.frameSamples(rate);
            short[] heard = new short[25 * n];
            short[] frame = new short[Participant.MAX_FRAME_SAMPLES];
            for (int t = 0; t < 25; t++) {
                assertTrue(voice.readFrame(frame, rate), "playing at " + rate);
                System.arraycopy(frame, 0, heard, t * n, n);
            }
            assertFalse(voice.readFrame(frame, rate));
            assertEquals(List.of("finished"), events);
            int skip = n; // the converter's delay at the start
            assertEquals(800, ToneAnalyzer.dominantFrequency(heard, skip, heard.length - 2 * skip, rate, 100, 3000, 5), 5);
            double db = ToneAnalyzer.toDb(ToneAnalyzer.meanPower(heard, skip, heard.length - 2 * skip), 8000.0 * 8000 / 2);
            assertEquals(0, db, 0.5, "level at " + rate);
        }
    }

    @Test
    void keysTypedAsTonesAreRecognisedAtTheRoomsRateAndAfterItChanges() {
        short[] mix = new short[Participant.MAX_FRAME_SAMPLES];
        for (int rate : new int[] {8000, 16000, 8000, 48000}) {
            DtmfToneGenerator phone = new DtmfToneGenerator(rate);
            int n = Participant.frameSamples(rate);
            phone.start('5', 100);
            for (int t = 0; t < 15; t++) { // 100 ms of key, 200 ms of silence
                java.util.Arrays.fill(mix, (short) 0);
                phone.mixInto(mix, 0, n);
                voice.writeFrame(mix, rate);
            }
        }
        assertEquals(List.of("digit 5", "digit 5", "digit 5", "digit 5"), events);
    }
}
