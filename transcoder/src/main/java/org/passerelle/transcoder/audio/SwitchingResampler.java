package org.passerelle.transcoder.audio;

/**
 * A converter between one fixed rate (a codec's, a prompt's) and a rate that may change from one
 * frame to the next (the mixing rate of a room, which follows its members). It holds one {@link
 * Resampler} per other rate, made the first time that rate is asked for and reused after, so the
 * steady state allocates nothing; when the rates are equal it copies and no filter runs.
 *
 * <p>When the other rate changes, the converter of the new rate starts from silence (its history
 * is cleared): the stream restarts at that instant, a few milliseconds of filter delay apart, and
 * nothing of what the converter held from its earlier use is heard again. Not thread-safe: one
 * instance per stream and direction.
 */
public final class SwitchingResampler {
    /** The rates {@link Resampler} converts between. */
    private static final int[] RATES = {8000, 16000, 48000};
    /** How many rates there are: the size of a table holding something per rate. */
    public static final int RATE_COUNT = RATES.length;

    private final int fixedRate;
    /** True: fixed rate in, other rate out; false: the other rate in, fixed rate out. */
    private final boolean fromFixed;
    /** One converter per entry of {@link #RATES}, null until first used (and for the fixed rate). */
    private final Resampler[] converters = new Resampler[RATES.length];
    /** The other rate of the last {@link #process} call, 0 before the first. */
    private int lastRate;

    private SwitchingResampler(int fixedRate, boolean fromFixed) {
        rateIndex(fixedRate);
        this.fixedRate = fixedRate;
        this.fromFixed = fromFixed;
    }

    /** Converts audio at {@code rate} to whatever rate each {@link #process} call asks. */
    public static SwitchingResampler from(int rate) {
        return new SwitchingResampler(rate, true);
    }

    /** Converts audio at whatever rate each {@link #process} call says to {@code rate}. */
    public static SwitchingResampler to(int rate) {
        return new SwitchingResampler(rate, false);
    }

    public int fixedRate() {
        return fixedRate;
    }

    /** The other rate of the last conversion (0 before the first). */
    public int lastRate() {
        return lastRate;
    }

    /**
     * Converts {@code inLen} samples from {@code in[inOff]} to {@code out[outOff]}; returns the
     * samples written. {@code otherRate} is the output rate of a {@link #from} converter, the
     * input rate of a {@link #to} converter: 8000, 16000 or 48000. For whole 10 ms frames the
     * output is exactly the frame at the output rate.
     */
    public int process(int otherRate, short[] in, int inOff, int inLen, short[] out, int outOff) {
        int s = rateIndex(otherRate);
        boolean switched = otherRate != lastRate;
        lastRate = otherRate;
        if (otherRate == fixedRate) {
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        Resampler r = converters[s];
        if (r == null) {
            r = fromFixed ? Resampler.create(fixedRate, otherRate) : Resampler.create(otherRate, fixedRate);
            converters[s] = r;
        } else if (switched) {
            r.reset(); // what it held is from before the last change of rate
        }
        return r.process(in, inOff, inLen, out, outOff);
    }

    /** Forgets every converter's history, as after construction (e.g. a stream that restarts). */
    public void reset() {
        for (Resampler r : converters) {
            if (r != null) r.reset();
        }
    }

    /** Where {@code rate} sits in a table of {@link #RATE_COUNT} entries, one per rate. */
    public static int rateIndex(int rate) {
        for (int i = 0; i < RATES.length; i++) {
            if (RATES[i] == rate) return i;
        }
        throw new IllegalArgumentException("unsupported rate " + rate + " (8000, 16000 or 48000)");
    }
}
