package org.passerelle.transcoder.dtmf;

/**
 * In-band DTMF for phones that did not negotiate RFC 4733 telephone-events: the key's two ITU-T
 * Q.23 tones, added to the audio going to the phone. Each tone is {@value #TONE_DBFS} dBFS, within
 * Q.23's recommended sending level once the codec's 0 dBm0 ≈ -3 dBFS is taken into account, with no
 * twist; the key starts and ends on a 5 ms ramp so that no click reaches the detector at the far end.
 *
 * <p>Nothing is allocated per frame; not thread-safe: the owner serialises {@link #start} and
 * {@link #mixInto}.
 */
public final class DtmfToneGenerator {
    /** Level of each of the two tones. */
    static final double TONE_DBFS = -10;
    private static final String KEYS = "123A456B789C*0#D";
    private static final double[] LOW_HZ = {697, 770, 852, 941};
    private static final double[] HIGH_HZ = {1209, 1336, 1477, 1633};
    private static final double AMPLITUDE = 32767 * Math.pow(10, TONE_DBFS / 20);
    private static final int RAMP_MS = 5;

    private final int sampleRate;
    private final int rampSamples;
    private double lowStep, highStep;
    private double lowPhase, highPhase;
    private int total;
    private int played;

    public DtmfToneGenerator(int sampleRate) {
        this.sampleRate = sampleRate;
        this.rampSamples = Math.max(1, sampleRate * RAMP_MS / 1000);
    }

    /**
     * Starts a key, replacing one still sounding.
     *
     * @return false (and nothing starts) when {@code key} is not a DTMF key
     */
    public boolean start(char key, int durationMs) {
        int k = KEYS.indexOf(Character.toUpperCase(key));
        if (k < 0 || durationMs <= 0) return false;
        lowStep = 2 * Math.PI * LOW_HZ[k / 4] / sampleRate;
        highStep = 2 * Math.PI * HIGH_HZ[k % 4] / sampleRate;
        lowPhase = 0;
        highPhase = 0;
        total = (int) ((long) durationMs * sampleRate / 1000);
        played = 0;
        return true;
    }

    /** Whether a key is still sounding. */
    public boolean active() {
        return played < total;
    }

    /**
     * Adds the next {@code len} samples of the key to {@code pcm}, saturating; past the key's end
     * nothing is added.
     */
    public void mixInto(short[] pcm, int off, int len) {
        int n = Math.min(len, total - played);
        for (int i = 0; i < n; i++, played++) {
            int edge = Math.min(played, total - 1 - played);
            double gain = edge < rampSamples ? (double) edge / rampSamples : 1;
            double s = AMPLITUDE * gain * (Math.sin(lowPhase) + Math.sin(highPhase));
            lowPhase += lowStep;
            highPhase += highStep;
            int v = pcm[off + i] + (int) Math.round(s);
            pcm[off + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
        if (lowPhase > 2 * Math.PI) lowPhase %= 2 * Math.PI;
        if (highPhase > 2 * Math.PI) highPhase %= 2 * Math.PI;
    }
}
