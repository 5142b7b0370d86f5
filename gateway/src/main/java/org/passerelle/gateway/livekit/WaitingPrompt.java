package org.passerelle.gateway.livekit;

import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.audio.SwitchingResampler;
import org.passerelle.transcoder.prompt.Prompt;
import org.passerelle.transcoder.prompt.PromptPlayer;

/**
 * The "waiting for others" voice of a LiveKit room's local mix: while the room's only caller is
 * alone, it says the prompt, then keeps quiet until {@code period} has passed since the prompt
 * began, and says it again. Only gateway callers hear it (it is a member of the local mix, which
 * is never published to LiveKit); it is silent while nobody is alone.
 *
 * <p>It speaks at any rate: the prompt (48 kHz) is converted to the room's mixing rate, so it
 * never raises it.
 *
 * <p>{@link #start} and {@link #stop} come from signalling threads; {@link #readFrame} runs on the
 * media clock and allocates nothing (after the first frame at a rate).
 */
final class WaitingPrompt implements Participant {
    /** Samples of the prompt per 20 ms frame (48 kHz). */
    private static final int PROMPT_FRAME = PromptPlayer.FRAME_SAMPLES;

    /** One loop: what is said and how many samples (48 kHz) until it is said again. */
    private record Loop(Prompt prompt, int periodSamples) {}

    private final String id;
    private volatile Loop loop;
    /** A new loop to start from its beginning (set by start, taken by the media thread). */
    private volatile boolean restart;
    private int position; // media thread only, in prompt samples
    private final short[] promptFrame = new short[PROMPT_FRAME];
    private final SwitchingResampler toRoom = SwitchingResampler.from(Prompt.SAMPLE_RATE);

    WaitingPrompt(String id) {
        this.id = id;
    }

    /** Says {@code prompt} now and every {@code periodMillis} (at least the prompt's length) until {@link #stop}. */
    void start(Prompt prompt, int periodMillis) {
        int period = Math.max(prompt.length(), (int) ((long) periodMillis * Prompt.SAMPLE_RATE / 1000));
        period = (period + PROMPT_FRAME - 1) / PROMPT_FRAME * PROMPT_FRAME; // whole frames: each saying starts on a frame
        loop = new Loop(prompt, period);
        restart = true;
    }

    /** Silent from the next frame on. */
    void stop() {
        loop = null;
    }

    boolean active() {
        return loop != null;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Passerelle";
    }

    @Override
    public int neededRate() {
        return ANY_RATE;
    }

    @Override
    public boolean readFrame(short[] frame, int rate) {
        Loop l = loop;
        if (l == null) return false;
        if (restart) {
            restart = false;
            position = 0;
        }
        Prompt p = l.prompt;
        int start = position;
        position = (position + PROMPT_FRAME) % l.periodSamples;
        if (start >= p.length()) return false; // the pause between two sayings
        int n = Math.min(PROMPT_FRAME, p.length() - start);
        p.copyTo(start, promptFrame, 0, n);
        java.util.Arrays.fill(promptFrame, n, PROMPT_FRAME, (short) 0);
        if (start == 0) toRoom.reset(); // each saying starts clean
        toRoom.process(rate, promptFrame, 0, PROMPT_FRAME, frame, 0);
        return true;
    }

    @Override
    public void writeFrame(short[] mix, int rate) {
        // a voice only: it listens to nobody
    }
}
