package org.passerelle.transcoder.prompt;

/**
 * Plays a sequence of prompts and silences into the media path as 20 ms frames of
 * {@value #FRAME_SAMPLES} samples at 48 kHz, one {@link #nextFrame} per media clock tick.
 *
 * <p>{@link #play} and {@link #stop} may be called from the call's signalling thread while the
 * media thread pulls frames: a play publishes a new immutable sequence with its own read
 * position, so a frame is never mixed from two sequences. {@code nextFrame} allocates nothing.
 */
public final class PromptPlayer {
    public static final int FRAME_SAMPLES = Prompt.SAMPLE_RATE / 50;

    /** One play: the prompts and how far the media thread has read them. */
    private static final class Sequence {
        final Prompt[] items;
        int index;      // media thread only
        int offset;     // media thread only
        volatile boolean finished;

        Sequence(Prompt[] items) {
            this.items = items;
        }
    }

    private volatile Sequence current;

    /** Plays {@code prompts} in order (use {@link Prompt#silence} for pauses), replacing any play. */
    public void play(Prompt... prompts) {
        for (Prompt p : prompts) java.util.Objects.requireNonNull(p, "prompt");
        current = new Sequence(prompts.clone());
    }

    /** Stops at once; the next frame is silence and {@link #nextFrame} returns false. */
    public void stop() {
        current = null;
    }

    /** True until the last sample of the current sequence has been handed out. */
    public boolean isPlaying() {
        Sequence s = current;
        return s != null && !s.finished;
    }

    /**
     * Writes the next {@value #FRAME_SAMPLES} samples into {@code frame[0..960)}: the prompts,
     * padded with silence after the last one. Returns false, with a silent frame, once everything
     * was played (or after {@link #stop}).
     */
    public boolean nextFrame(short[] frame) {
        if (frame.length < FRAME_SAMPLES) {
            throw new IllegalArgumentException("frame of " + frame.length + " samples, need " + FRAME_SAMPLES);
        }
        Sequence s = current;
        if (s == null || s.finished) {
            java.util.Arrays.fill(frame, 0, FRAME_SAMPLES, (short) 0);
            return false;
        }
        int w = 0;
        while (w < FRAME_SAMPLES && s.index < s.items.length) {
            Prompt p = s.items[s.index];
            int n = Math.min(FRAME_SAMPLES - w, p.length() - s.offset);
            p.copyTo(s.offset, frame, w, n);
            w += n;
            s.offset += n;
            if (s.offset == p.length()) {
                s.index++;
                s.offset = 0;
            }
        }
        if (w == 0) { // only empty prompts were left
            s.finished = true;
            java.util.Arrays.fill(frame, 0, FRAME_SAMPLES, (short) 0);
            return false;
        }
        java.util.Arrays.fill(frame, w, FRAME_SAMPLES, (short) 0);
        if (s.index == s.items.length) s.finished = true;
        return true;
    }
}
