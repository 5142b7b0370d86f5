package org.passerelle.transcoder.dtmf;

/**
 * The RFC 4733 telephone-event payload (§2.3), read and written in place without allocating:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |     event     |E|R| volume    |          duration             |
 * </pre>
 * Event codes 0-15 are the DTMF keys 0-9, *, #, A-D (RFC 4733 §3.2). Volume is the power level
 * in -dBm0 (0-63); duration is in RTP timestamp units, unsigned 16 bits.
 */
public final class TelephoneEvent {
    /** Payload length of one event. */
    public static final int LENGTH = 4;
    /** Largest duration one packet can carry (RFC 4733 §2.5.2.3 segments longer events). */
    public static final int MAX_DURATION = 0xFFFF;
    public static final int MAX_VOLUME = 63;
    /** Highest DTMF event code (key D). */
    public static final int MAX_DTMF_EVENT = 15;

    private static final String KEYS = "0123456789*#ABCD";

    private TelephoneEvent() {
    }

    /** True when {@code len} bytes can hold an event (extra bytes would be further events). */
    public static boolean isValid(byte[] buf, int off, int len) {
        return len >= LENGTH && off >= 0 && off + LENGTH <= buf.length;
    }

    public static int event(byte[] buf, int off) { return buf[off] & 0xff; }

    /** The E bit: this packet ends the event. */
    public static boolean end(byte[] buf, int off) { return (buf[off + 1] & 0x80) != 0; }

    public static int volume(byte[] buf, int off) { return buf[off + 1] & 0x3f; }

    public static int duration(byte[] buf, int off) {
        return ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
    }

    /** Writes one event; the reserved R bit is zero (RFC 4733 §2.3.4). */
    public static void write(byte[] buf, int off, int event, boolean end, int volume, int duration) {
        if (event < 0 || event > 255) throw new IllegalArgumentException("event " + event);
        if (volume < 0 || volume > MAX_VOLUME) throw new IllegalArgumentException("volume " + volume);
        if (duration < 0 || duration > MAX_DURATION) throw new IllegalArgumentException("duration " + duration);
        buf[off] = (byte) event;
        buf[off + 1] = (byte) ((end ? 0x80 : 0) | volume);
        buf[off + 2] = (byte) (duration >> 8);
        buf[off + 3] = (byte) duration;
    }

    /** The key of a DTMF event code, or 0 when the code is not a DTMF key. */
    public static char toChar(int event) {
        return event >= 0 && event <= MAX_DTMF_EVENT ? KEYS.charAt(event) : 0;
    }

    /** The event code of a key (0-9, *, #, A-D, case-insensitive), or -1. */
    public static int fromChar(char key) {
        return KEYS.indexOf(Character.toUpperCase(key));
    }
}
