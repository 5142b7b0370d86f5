package org.passerelle.gateway.room;

/**
 * One member of a room as the room's mixer sees it: it yields 20 ms of 48 kHz mono PCM per tick
 * and takes the mix of everybody else. Both methods are called on the media clock thread.
 */
public interface Participant {
    /** Samples in one 20 ms frame at the room rate. */
    int FRAME_SAMPLES = Room.SAMPLE_RATE / 50;

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
     * Fills {@code frame} with this participant's next 20 ms of audio; returns false when it has
     * nothing to say this tick (silence, muted, on hold, buffering).
     */
    boolean readFrame(short[] frame);

    /** Takes 20 ms of the mix of everybody else (the array is reused: copy what you keep). */
    void writeFrame(short[] mix);
}
