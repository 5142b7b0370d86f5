package org.passerelle.transcoder.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromptPlayerTest {
    private final PromptPlayer player = new PromptPlayer();
    private final short[] frame = new short[PromptPlayer.FRAME_SAMPLES];

    /** A prompt whose sample i is (i % 1000) + 1: never zero, so silence is visible. */
    private static Prompt ramp(String name, int samples) {
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) s[i] = (short) (i % 1000 + 1);
        return new Prompt(name, "en", "test", s);
    }

    private int framesUntilDone() {
        int frames = 0;
        while (player.nextFrame(frame)) {
            frames++;
            assertTrue(frames < 100_000, "never ends");
        }
        return frames;
    }

    @ParameterizedTest(name = "{0} samples -> {1} frames")
    @CsvSource({"48000,50", "48001,51", "959,1", "960,1", "961,2", "1,1"})
    void framesForAPromptOfKnownLength(int samples, int frames) {
        player.play(ramp("p", samples));
        assertTrue(player.isPlaying());
        assertEquals(frames, framesUntilDone());
        assertFalse(player.isPlaying());
        assertFalse(player.nextFrame(frame), "stays done");
    }

    @Test
    void sequenceOfPromptsAndSilencesIsContiguous() {
        Prompt a = ramp("a", 1500);
        Prompt b = ramp("b", 700);
        player.play(a, Prompt.silence(10), b); // 1500 + 480 + 700 = 2680 samples: 3 frames
        short[] out = new short[3 * 960];
        for (int f = 0; f < 3; f++) {
            assertTrue(player.nextFrame(frame));
            System.arraycopy(frame, 0, out, f * 960, 960);
        }
        assertFalse(player.nextFrame(frame));
        short[] expected = new short[3 * 960];
        a.copyTo(0, expected, 0, 1500);
        b.copyTo(0, expected, 1980, 700);
        assertArrayEquals(expected, out, "prompt, 10 ms of silence, prompt, then zero padding");
    }

    @Test
    void stopEndsAtOnceAndPlayReplaces() {
        player.play(ramp("long", 48000 * 10));
        assertTrue(player.nextFrame(frame));
        player.stop();
        assertFalse(player.isPlaying());
        assertFalse(player.nextFrame(frame));
        assertTrue(Arrays.equals(frame, new short[960]), "silence after stop");

        player.play(ramp("long", 48000 * 10));
        player.nextFrame(frame);
        player.play(ramp("short", 1000));
        assertTrue(player.nextFrame(frame));
        assertEquals(1, frame[0], "the new prompt starts from its beginning");
        assertTrue(player.nextFrame(frame));
        assertFalse(player.nextFrame(frame));
    }

    @Test
    void nothingPlayedGivesSilenceAndFalse() {
        Arrays.fill(frame, (short) 7);
        assertFalse(player.nextFrame(frame));
        assertTrue(Arrays.equals(frame, new short[960]));
        player.play(Prompt.silence(0));
        assertFalse(player.nextFrame(frame), "empty prompts play nothing");
        assertThrows(IllegalArgumentException.class, () -> player.nextFrame(new short[480]));
    }

    @Test
    void silenceLength() {
        assertEquals(24000, Prompt.silence(500).length());
        assertEquals(500, Prompt.silence(500).durationMillis());
    }

    @Test
    void promptIsImmutable() {
        short[] s = {1, 2, 3};
        Prompt p = new Prompt("x", "fr", "test", s);
        s[0] = 9;
        p.samples()[1] = 9;
        assertArrayEquals(new short[] {1, 2, 3}, p.samples());
    }

    @Test
    void playingAllocatesNothingPerFrame() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Prompt a = ramp("a", 48000 * 30 + 123);
        Prompt gap = Prompt.silence(250);
        for (int i = 0; i < 3; i++) { // warm-up
            player.play(a, gap, a);
            framesUntilDone();
        }
        player.play(a, gap, a, gap, a);
        long before = threads.getCurrentThreadAllocatedBytes();
        int frames = 0;
        while (player.nextFrame(frame)) frames++;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals((3 * (48000 * 30 + 123) + 2 * 12000 + 959) / 960, frames);
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes over " + frames + " frames");
    }
}
