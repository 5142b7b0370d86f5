package org.passerelle.gateway.room;

/**
 * One member of a room as the room's mixer sees it: it yields 20 ms of mono PCM per tick at the
 * room's mixing rate and takes the mix of everybody else at that rate. Both media methods are
 * called on the media clock thread.
 *
 * <p>The mixing rate (issue: "auto" rate, as Asterisk's ConfBridge) is the highest {@link
 * #neededRate} of the room's members, at least {@link #MIN_RATE}: a room of G.711 phones mixes at
 * 8 kHz and resamples nothing; a G.722 phone raises it to 16 kHz, a browser to 48 kHz. It can
 * change between two ticks when someone joins or leaves, so every tick says it: a frame holds
 * {@code rate / 50} samples ({@link #frameSamples}) at the start of an array of {@link
 * #MAX_FRAME_SAMPLES}.
 */
public interface Participant {
    /** Said by a participant that produces and takes audio at any rate: it never raises the room's. */
    int ANY_RATE = 0;
    /** The lowest mixing rate: G.711's 8 kHz. */
    int MIN_RATE = 8000;
    /** The highest mixing rate: Opus's and browsers' 48 kHz. */
    int MAX_RATE = 48000;
    /** Samples in a 20 ms frame at {@link #MAX_RATE}: the size of every frame array. */
    int MAX_FRAME_SAMPLES = MAX_RATE / 50;

    /** Samples in one 20 ms frame at {@code rate}. */
    static int frameSamples(int rate) {
        return rate / 50;
    }

    /** How a participant reached the room; shown to browsers. */
    enum Kind {
        /** A SIP caller. */
        PHONE,
        /** A browser on the room page. */
        BROWSER;

        /** The protocol's spelling: "phone" or "browser". */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Stable id within the gateway (the call id for SIP callers). */
    String id();

    /** What other participants see: caller ID or display name. */
    String displayName();

    /** Phones unless said otherwise. */
    default Kind kind() {
        return Kind.PHONE;
    }

    /** True while the participant says its microphone is muted (informative: others are told). */
    default boolean muted() {
        return false;
    }

    /**
     * The lowest mixing rate that loses nothing of what this participant says or hears: a phone
     * its codec's rate (8000 for G.711, 16000 for G.722, 48000 for Opus), a browser 48000, or
     * {@link #ANY_RATE} for one that can speak and listen at any rate (a prompt, a LiveKit track
     * that Opus decodes straight at the room's rate). Read when it joins: it must not change.
     */
    default int neededRate() {
        return MAX_RATE;
    }

    /**
     * Fills {@code frame[0, rate/50)} with this participant's next 20 ms of audio at {@code rate}
     * (8000, 16000 or 48000, the room's mixing rate this tick); returns false when it has nothing
     * to say this tick (silence, muted, on hold, buffering).
     */
    boolean readFrame(short[] frame, int rate);

    /**
     * Takes 20 ms of the mix of everybody else, {@code mix[0, rate/50)} at {@code rate} (the array
     * is reused and may be shared: never write it, copy what you keep).
     */
    void writeFrame(short[] mix, int rate);
}
