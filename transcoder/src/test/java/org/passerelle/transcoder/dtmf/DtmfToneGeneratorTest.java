package org.passerelle.transcoder.dtmf;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DtmfToneGeneratorTest {

    /** Every key, generated at 8 and 48 kHz in 20 ms frames, is heard by the Q.24 detector as itself. */
    @ParameterizedTest
    @ValueSource(ints = {8000, 48000})
    void everyKeyIsDetectedAsItself(int rate) {
        String keys = "0123456789*#ABCD";
        List<String> heard = new ArrayList<>();
        DtmfToneDetector detector = new DtmfToneDetector(rate, (key, ms) -> heard.add(key + ":" + ms));
        DtmfToneGenerator gen = new DtmfToneGenerator(rate);
        short[] frame = new short[rate / 50];
        for (char key : keys.toCharArray()) {
            assertTrue(gen.start(key, 160));
            for (int f = 0; f < 8 + 5; f++) { // 160 ms of key, then 100 ms of silence
                java.util.Arrays.fill(frame, (short) 0);
                gen.mixInto(frame, 0, frame.length);
                detector.process(frame, 0, frame.length);
            }
            assertFalse(gen.active());
        }
        assertEquals(keys.length(), heard.size(), heard.toString());
        for (int i = 0; i < keys.length(); i++) {
            String[] h = heard.get(i).split(":");
            assertEquals(keys.charAt(i), h[0].charAt(0));
            assertTrue(Math.abs(Integer.parseInt(h[1]) - 160) <= 25, "duration " + h[1] + " ms for 160");
        }
    }

    @Test
    void itIsAddedToWhatIsAlreadyThereAndEndsOnTime() {
        DtmfToneGenerator gen = new DtmfToneGenerator(8000);
        short[] frame = new short[160];
        java.util.Arrays.fill(frame, (short) 32000);
        gen.start('5', 25); // 200 samples: one frame and a quarter
        gen.mixInto(frame, 0, 160);
        int saturated = 0;
        for (short s : frame) if (s == Short.MAX_VALUE) saturated++;
        assertTrue(saturated > 0, "added, saturating rather than wrapping");
        for (short s : frame) assertTrue(s > 0, "no wrap-around to negative");
        short[] next = new short[160];
        gen.mixInto(next, 0, 160);
        int nonZero = 0, lastNonZero = -1;
        for (int i = 0; i < 160; i++) if (next[i] != 0) { nonZero++; lastNonZero = i; }
        assertTrue(nonZero > 0 && lastNonZero < 40, "the last 40 samples only, then silence: " + lastNonZero);
        assertFalse(gen.active());
    }

    @Test
    void notAKeyStartsNothing() {
        DtmfToneGenerator gen = new DtmfToneGenerator(8000);
        assertFalse(gen.start('x', 100));
        assertFalse(gen.active());
    }
}
