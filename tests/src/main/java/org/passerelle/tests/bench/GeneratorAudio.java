package org.passerelle.tests.bench;

import org.passerelle.transcoder.codec.G711;

/**
 * The PCMU the generator sends, pre-encoded one second (50 frames of 160 bytes) per pattern, and
 * the level measure it applies to what comes back.
 *
 * <p>In each room one call is the <em>talker</em>: a loud 1 kHz burst for the first
 * {@value #BURST_FRAMES} frames of every second, then digital silence; the moment its first burst
 * frame leaves is the reference for the added latency. The others are <em>listeners</em> with a
 * quiet steady tone (one of eight frequencies), so every call hears something (first audio back)
 * while a listener still sees the talker's burst stand far above the others' tones.
 */
final class GeneratorAudio {
    static final int FRAME = 160;
    static final int FRAMES_PER_SECOND = 50;
    static final int BURST_FRAMES = 10;
    static final int BURST_AMPLITUDE = 12000;
    static final int QUIET_AMPLITUDE = 100;
    /** A received frame whose peak reaches this is audio (not the silence of an empty room). */
    static final int AUDIO_PEAK = 40;
    /** A listener's frame whose peak reaches this carries the talker's burst. */
    static final int BURST_PEAK = 4000;
    /** Below this the burst is over. */
    static final int BURST_END_PEAK = 2000;

    private static final byte[] TALKER = build(1000, BURST_AMPLITUDE, BURST_FRAMES);
    private static final byte[][] LISTENERS = new byte[8][];

    static {
        for (int i = 0; i < LISTENERS.length; i++) LISTENERS[i] = build(300 + 60 * i, QUIET_AMPLITUDE, FRAMES_PER_SECOND);
    }

    private GeneratorAudio() {}

    /** One second of PCMU for a call: the talker's bursts, or a listener's quiet tone. */
    static byte[] pattern(boolean talker, int index) {
        return talker ? TALKER : LISTENERS[index % LISTENERS.length];
    }

    private static byte[] build(int hz, int amplitude, int toneFrames) {
        byte[] out = new byte[FRAME * FRAMES_PER_SECOND];
        for (int i = 0; i < out.length; i++) {
            double v = i < toneFrames * FRAME ? amplitude * Math.sin(2 * Math.PI * hz * i / 8000.0) : 0;
            out[i] = G711.linearToUlaw((short) Math.round(v));
        }
        return out;
    }

    /** Largest absolute sample of a PCMU payload. */
    static int peak(byte[] buf, int off, int len) {
        int max = 0;
        for (int i = off; i < off + len; i++) {
            int v = Math.abs(G711.ulawToLinear(buf[i]));
            if (v > max) max = v;
        }
        return max;
    }
}
