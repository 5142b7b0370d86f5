package org.passerelle.transcoder.audio;

/**
 * Mix-minus for one room: every participant hears the sum of all the others, never itself.
 *
 * <p>Each {@link Participant} owns a fixed-size input frame and output frame (e.g. 960 samples,
 * 20 ms at 48 kHz). A tick may use only the first part of them ({@link #mix(int)}: 160 samples
 * for a room mixing at 8 kHz), so a room can change its rate without new frames. Per media-clock
 * tick, producers fill {@link Participant#input()} and call
 * {@link Participant#markInput()}; then {@link #mix()} sums the marked inputs once into an int
 * accumulator and writes {@code saturate(sum - own)} into each output frame, so the cost is
 * O(participants × samples) rather than O(participants²). Participants without input that tick
 * contribute nothing but still receive the mix. Marks are consumed by {@code mix()}, so stale
 * audio is never mixed twice.
 *
 * <p>Threads: {@link #join()} and {@link Participant#leave()} may run on any thread; they replace
 * a copy-on-write array under this mixer's own lock, and {@code mix()} reads the array without
 * locking, so no lock is shared across rooms and mixing never waits on signalling. A participant
 * that leaves during a mix may still be mixed in that tick. Filling an input happens-before the
 * mix that consumes it when the producer calls {@code markInput()} after writing (a volatile
 * write). Output frames are valid until the next {@code mix()}. {@code mix()} itself must be
 * called from one thread (the media clock) and allocates nothing.
 */
public final class Mixer {
    private static final Participant[] NONE = new Participant[0];

    private final int frameSize;
    private final int[] sum;
    private final Object membership = new Object();
    private volatile Participant[] participants = NONE;

    public Mixer(int frameSize) {
        if (frameSize <= 0) throw new IllegalArgumentException("frame size " + frameSize);
        this.frameSize = frameSize;
        this.sum = new int[frameSize];
    }

    public int frameSize() { return frameSize; }

    public int size() { return participants.length; }

    /** Adds a participant; its frames are allocated here, once. */
    public Participant join() {
        Participant p = new Participant(this, frameSize);
        synchronized (membership) {
            Participant[] old = participants;
            Participant[] next = java.util.Arrays.copyOf(old, old.length + 1);
            next[old.length] = p;
            participants = next;
        }
        return p;
    }

    private void remove(Participant p) {
        synchronized (membership) {
            Participant[] old = participants;
            int i = 0;
            while (i < old.length && old[i] != p) i++;
            if (i == old.length) return;
            Participant[] next = new Participant[old.length - 1];
            System.arraycopy(old, 0, next, 0, i);
            System.arraycopy(old, i + 1, next, i, old.length - i - 1);
            participants = next;
        }
    }

    /** Computes every participant's output for this tick and consumes the input marks. */
    public void mix() {
        mix(frameSize);
    }

    /**
     * As {@link #mix()} over the first {@code samples} of each frame only (at most the frame
     * size): the inputs' first {@code samples} are mixed into the outputs' first {@code samples}.
     */
    public void mix(int samples) {
        if (samples < 0 || samples > frameSize) throw new IllegalArgumentException("mix of " + samples + " samples");
        final int n = samples;
        Participant[] ps = participants;
        int[] acc = sum;
        java.util.Arrays.fill(acc, 0, n, 0);
        for (Participant p : ps) {
            p.mixing = p.hasInput;
            if (p.mixing) {
                p.hasInput = false;
                short[] in = p.input;
                for (int i = 0; i < n; i++) acc[i] += in[i];
            }
        }
        for (Participant p : ps) {
            short[] out = p.output;
            if (p.mixing) {
                short[] in = p.input;
                for (int i = 0; i < n; i++) out[i] = saturate(acc[i] - in[i]);
            } else {
                for (int i = 0; i < n; i++) out[i] = saturate(acc[i]);
            }
        }
    }

    static short saturate(int v) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }

    /** One member of the room, with its own input and output frames. */
    public static final class Participant {
        private final Mixer mixer;
        private final short[] input;
        private final short[] output;
        private volatile boolean hasInput;
        private boolean mixing;

        private Participant(Mixer mixer, int frameSize) {
            this.mixer = mixer;
            this.input = new short[frameSize];
            this.output = new short[frameSize];
        }

        /** Frame to fill with this tick's audio from this participant. */
        public short[] input() { return input; }

        /** This participant's mix-minus after the last {@link Mixer#mix()}. */
        public short[] output() { return output; }

        /** Declares the input frame filled for the coming mix. */
        public void markInput() { hasInput = true; }

        public boolean hasInput() { return hasInput; }

        /** Leaves the room; the frames are no longer touched by later mixes. */
        public void leave() { mixer.remove(this); }
    }
}
