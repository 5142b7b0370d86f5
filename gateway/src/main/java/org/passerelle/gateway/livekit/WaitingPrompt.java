package org.passerelle.gateway.livekit;

import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.prompt.Prompt;

/**
 * The "waiting for others" voice of a LiveKit room's local mix: while the room's only caller is
 * alone, it says the prompt, then keeps quiet until {@code period} has passed since the prompt
 * began, and says it again. Only gateway callers hear it (it is a member of the local mix, which
 * is never published to LiveKit); it is silent while nobody is alone.
 *
 * <p>{@link #start} and {@link #stop} come from signalling threads; {@link #readFrame} runs on the
 * media clock and allocates nothing.
 */
final class WaitingPrompt implements Participant {
    /** One loop: what is said and how many samples until it is said again. */
    private record Loop(Prompt prompt, int periodSamples) {}

    private final String id;
    private volatile Loop loop;
    /** A new loop to start from its beginning (set by start, taken by the media thread). */
    private volatile boolean restart;
    private int position; // media thread only

    WaitingPrompt(String id) {
        this.id = id;
    }

    /** Says {@code prompt} now and every {@code periodMillis} (at least the prompt's length) until {@link #stop}. */
    void start(Prompt prompt, int periodMillis) {
        int period = Math.max(prompt.length(), (int) ((long) periodMillis * Prompt.SAMPLE_RATE / 1000));
        period = (period + FRAME_SAMPLES - 1) / FRAME_SAMPLES * FRAME_SAMPLES; // whole frames: each saying starts on a frame
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
    public boolean readFrame(short[] frame) {
        Loop l = loop;
        if (l == null) return false;
        if (restart) {
            restart = false;
            position = 0;
        }
        Prompt p = l.prompt;
        int start = position;
        position = (position + FRAME_SAMPLES) % l.periodSamples;
        if (start >= p.length()) return false; // the pause between two sayings
        int n = Math.min(FRAME_SAMPLES, p.length() - start);
        p.copyTo(start, frame, 0, n);
        java.util.Arrays.fill(frame, n, FRAME_SAMPLES, (short) 0);
        return true;
    }

    @Override
    public void writeFrame(short[] mix) {
        // a voice only: it listens to nobody
    }
}
