package org.passerelle.transcoder.dtmf;

import org.passerelle.transcoder.audio.ToneAnalyzer;

/**
 * In-band DTMF detection, for phones that send neither RFC 4733 events nor SIP INFO: the eight
 * ITU-T Q.23 frequencies are measured with Goertzel filters ({@link ToneAnalyzer}) and each key
 * press is reported once, when it ends, with its duration.
 *
 * <p>How it works. A window of {@value #WINDOW_MS} ms (long enough to tell 697 Hz from 770 Hz,
 * the closest pair) slides over the stream every {@value #HOP_MS} ms. A window holds a key when
 * all of these hold (ITU-T Q.24 asks for the first three; the others reject speech and music):
 * <ul>
 *   <li>each of its two tones, the strongest of its group, is above {@link Thresholds#minToneDbfs};</li>
 *   <li>twist within limits: the high-group tone at most {@link Thresholds#normalTwistDb} dB above
 *       the low one (normal twist) and at most {@link Thresholds#reverseTwistDb} dB below it;</li>
 *   <li>the two tones carry at least {@link Thresholds#minRelativePower} of the window's power:
 *       speech, music, chords and noise spread theirs elsewhere;</li>
 *   <li>the second harmonic of the high tone is at least {@link Thresholds#harmonicRejectDb} dB
 *       below it (voices are rich in harmonics; Q.23 generators are not). The low tone's harmonic
 *       is not checked: 2 x 697 Hz lies within one filter bandwidth of 1336 Hz and would trip on
 *       every "2", "5", "8" and "0".</li>
 * </ul>
 * A window only partly covered by a tone gives a relative power about equal to the covered
 * fraction, so a tone of D ms yields valid windows over about D - W(2r - 1) ms (W the window, r
 * the relative power threshold): the duration is measured from the first and last valid windows
 * with that correction. A key is reported once a gap of {@link Thresholds#minGapMs} follows it,
 * and only if it lasted at least {@link Thresholds#minToneMs}; shorter interruptions (a lost packet,
 * Q.24 asks to bridge 10 ms) do not split a key in two. A different key without a gap ends the
 * current one.
 *
 * <p>Feed 16-bit PCM in frames of any size; 8, 16 and 48 kHz (any rate of at least 8 kHz works).
 * Nothing is allocated per frame; not thread-safe: one detector per stream.
 */
public final class DtmfToneDetector {
    /** Called once per key press, when it ends. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param key 0-9, *, #, A-D
         * @param durationMs how long the tones lasted, as measured (a few ms of error)
         */
        void onDigit(char key, int durationMs);
    }

    /**
     * Decision limits; {@link #DEFAULT} follows ITU-T Q.24: tones of 40 ms and pauses of 40 ms are
     * recognised, 20 ms bursts are not, twist up to 8 dB normal and 4 dB reverse.
     *
     * @param minToneMs shortest key press reported (measured duration)
     * @param minGapMs shortest pause that separates two presses of the same key
     * @param minToneDbfs weakest tone accepted, each tone's level relative to a full-scale sine
     * @param normalTwistDb how much stronger the high-group tone may be
     * @param reverseTwistDb how much stronger the low-group tone may be
     * @param minRelativePower share of the window's power the two tones must carry (0-1)
     * @param harmonicRejectDb how far below the high tone its second harmonic must be
     */
    public record Thresholds(int minToneMs, int minGapMs, double minToneDbfs, double normalTwistDb,
                             double reverseTwistDb, double minRelativePower, double harmonicRejectDb) {
        public static final Thresholds DEFAULT = new Thresholds(30, 25, -40, 8, 4, 0.75, 10);

        public Thresholds {
            if (minToneMs <= 0 || minGapMs <= 0) throw new IllegalArgumentException("durations must be positive");
            if (minRelativePower <= 0.5 || minRelativePower >= 1) {
                throw new IllegalArgumentException("minRelativePower must be in (0.5, 1)");
            }
            if (normalTwistDb < 0 || reverseTwistDb < 0) throw new IllegalArgumentException("twist limits must be >= 0");
        }
    }

    static final int WINDOW_MS = 14;
    static final int HOP_MS = 5;

    /** ITU-T Q.23 low group (rows) and high group (columns). */
    private static final double[] LOW = {697, 770, 852, 941};
    private static final double[] HIGH = {1209, 1336, 1477, 1633};
    private static final String KEYS = "123A456B789C*0#D"; // row-major

    /** Power of a full-scale sine in PCM units squared (ToneAnalyzer's scale). */
    private static final double FULL_SCALE_SINE = 32767.0 * 32767.0 / 2;

    private enum State { IDLE, IN_KEY }

    private final int sampleRate;
    private final Thresholds limits;
    private final Listener listener;
    private final int window;       // samples per window
    private final int hop;          // samples between windows
    private final short[] ring;     // last `window` samples, stored twice so a window is contiguous
    private final double minTonePower;
    private final double normalTwist;
    private final double reverseTwist;
    private final double harmonicReject;
    private final int gapWindows;
    private final double durationCorrectionMs;

    private int pos;
    private int sinceHop;
    private long windowIndex;

    private State state = State.IDLE;
    private int key;                // index in KEYS while IN_KEY
    private long firstWindow;
    private long lastWindow;
    private int misses;

    private long digits;
    private long rejectedShort;

    public DtmfToneDetector(int sampleRate, Listener listener) {
        this(sampleRate, Thresholds.DEFAULT, listener);
    }

    public DtmfToneDetector(int sampleRate, Thresholds limits, Listener listener) {
        if (sampleRate < 8000) throw new IllegalArgumentException("sample rate " + sampleRate + " below 8000 Hz");
        this.sampleRate = sampleRate;
        this.limits = limits;
        this.listener = listener;
        this.window = sampleRate * WINDOW_MS / 1000;
        this.hop = sampleRate * HOP_MS / 1000;
        this.ring = new short[2 * window];
        this.minTonePower = FULL_SCALE_SINE * Math.pow(10, limits.minToneDbfs() / 10);
        this.normalTwist = Math.pow(10, limits.normalTwistDb() / 10);
        this.reverseTwist = Math.pow(10, limits.reverseTwistDb() / 10);
        this.harmonicReject = Math.pow(10, -limits.harmonicRejectDb() / 10);
        // A tone is valid over W(2r - 1) ms less than it lasts, and a pause over as much more.
        double shrinkMs = WINDOW_MS * (2 * limits.minRelativePower() - 1);
        this.gapWindows = (int) Math.ceil((limits.minGapMs() + shrinkMs) / HOP_MS);
        this.durationCorrectionMs = shrinkMs + HOP_MS / 2.0;
    }

    public int sampleRate() { return sampleRate; }

    public Thresholds thresholds() { return limits; }

    /** Feeds {@code len} samples from {@code pcm[off]}; digits are reported from this call. */
    public void process(short[] pcm, int off, int len) {
        final int w = window;
        for (int i = off, end = off + len; i < end; i++) {
            short x = pcm[i];
            ring[pos] = x;
            ring[pos + w] = x;
            pos = pos + 1 == w ? 0 : pos + 1;
            if (++sinceHop == hop) {
                sinceHop = 0;
                onWindow(classify());
            }
        }
    }

    /** Reports a key still pending (its closing pause not yet seen), e.g. at the end of a stream. */
    public void flush() {
        if (state == State.IN_KEY) finish();
    }

    /** Forgets all audio and any pending key, as at construction. */
    public void reset() {
        java.util.Arrays.fill(ring, (short) 0);
        pos = 0;
        sinceHop = 0;
        state = State.IDLE;
        misses = 0;
    }

    /** Key presses reported so far. */
    public long digits() { return digits; }

    /** Key presses heard but shorter than {@link Thresholds#minToneMs}, so not reported. */
    public long rejectedShort() { return rejectedShort; }

    /** The key index (into KEYS) the current window holds, or -1. */
    private int classify() {
        final short[] r = ring;
        final int p = pos;
        final int n = window;
        int row = -1;
        int col = -1;
        double low = 0;
        double high = 0;
        for (int i = 0; i < 4; i++) {
            double pl = ToneAnalyzer.power(r, p, n, LOW[i], sampleRate);
            if (pl > low) {
                low = pl;
                row = i;
            }
            double ph = ToneAnalyzer.power(r, p, n, HIGH[i], sampleRate);
            if (ph > high) {
                high = ph;
                col = i;
            }
        }
        if (low < minTonePower || high < minTonePower) return -1;
        // Q.24 twist: normal when the high group is the stronger.
        if (high > low * normalTwist || low > high * reverseTwist) return -1;
        double total = ToneAnalyzer.meanPower(r, p, n);
        if (low + high < limits.minRelativePower() * total) return -1;
        double harmonic = 2 * HIGH[col];
        if (harmonic < sampleRate / 2.0
                && ToneAnalyzer.power(r, p, n, harmonic, sampleRate) > high * harmonicReject) {
            return -1;
        }
        return row * 4 + col;
    }

    private void onWindow(int k) {
        long now = windowIndex++;
        switch (state) {
            case IDLE -> {
                if (k >= 0) begin(k, now);
            }
            case IN_KEY -> {
                if (k == key) {
                    lastWindow = now;
                    misses = 0;
                } else if (k >= 0) {
                    finish(); // a different key without a pause
                    begin(k, now);
                } else if (++misses >= gapWindows) {
                    finish();
                }
            }
        }
    }

    private void begin(int k, long now) {
        state = State.IN_KEY;
        key = k;
        firstWindow = now;
        lastWindow = now;
        misses = 0;
    }

    private void finish() {
        state = State.IDLE;
        misses = 0;
        int durationMs = (int) Math.round((lastWindow - firstWindow) * HOP_MS + durationCorrectionMs);
        if (durationMs < limits.minToneMs()) {
            rejectedShort++;
            return;
        }
        digits++;
        listener.onDigit(KEYS.charAt(key), durationMs);
    }
}
