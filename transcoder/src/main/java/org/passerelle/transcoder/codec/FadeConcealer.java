package org.passerelle.transcoder.codec;

/**
 * Repeat-and-fade loss concealment for codecs without their own PLC (G.711, G.722): repeats the
 * last good frame with a linear fade that reaches silence after {@link #FADE_FRAMES} frames, then
 * gives silence until a good frame arrives (in the spirit of G.711 Appendix I, without its pitch
 * search). Not thread-safe: one per decoder.
 */
final class FadeConcealer {
    static final int FADE_FRAMES = 3;

    private short[] last;
    private int lastLength;
    private int readPos;
    private long concealed;

    FadeConcealer(int initialCapacity) {
        last = new short[initialCapacity];
    }

    /** Keeps a copy of a good frame; resets the fade. Grows (allocates) only for a longer frame. */
    void remember(short[] pcm, int off, int n) {
        if (n <= 0) return;
        if (n > last.length) last = new short[n];
        System.arraycopy(pcm, off, last, 0, n);
        lastLength = n;
        readPos = 0;
        concealed = 0;
    }

    /** Writes {@code n} samples continuing the faded repetition of the last good frame. */
    int conceal(short[] out, int off, int n) {
        long fadeLength = (long) FADE_FRAMES * lastLength;
        for (int i = 0; i < n; i++) {
            long k = concealed + i;
            if (k >= fadeLength) {
                out[off + i] = 0;
            } else {
                out[off + i] = (short) (last[readPos] * (fadeLength - k) / fadeLength);
                if (++readPos == lastLength) readPos = 0;
            }
        }
        if (concealed < fadeLength) concealed += n;
        return n;
    }
}
