package org.passerelle.transcoder.dtmf;

import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * Produces the RFC 4733 packet sequence for one key press (§2.5.1): all packets carry the
 * timestamp of the event's start; the first has the marker bit (§2.5.1.1) and then one update
 * every ptime with the duration so far (§2.5.1.2); the end packet carries the total duration
 * and is sent three times (§2.5.1.4). Each packet gets its own sequence number from the caller,
 * who shares the sequence space with the audio of the same stream and sends one packet per
 * ptime. Events last at most {@link TelephoneEvent#MAX_DURATION} timestamp units (8 s at
 * 8 kHz); longer ones would need segments (§2.5.2.3) and are refused.
 *
 * <p>Reusable: {@link #start} resets it. Writing packets allocates nothing. Not thread-safe.
 */
public final class DtmfSender {
    /** Times the end packet is sent, RFC 4733 §2.5.1.4. */
    public static final int END_REPEATS = 3;
    public static final int DEFAULT_VOLUME = 10;

    private final int payloadType;
    private final int clockRate;

    private int event = -1;
    private long timestamp;
    private int volume;
    private int totalUnits;
    private int stepUnits;
    private int updates;    // non-end packets in the sequence
    private int index;      // next packet to produce
    private boolean marker;
    private int duration;
    private boolean end;

    public DtmfSender(int payloadType, int clockRate) {
        this.payloadType = payloadType;
        this.clockRate = clockRate;
    }

    /**
     * Starts a key press.
     *
     * @param key 0-9, *, #, A-D
     * @param durationMs how long the key is pressed
     * @param ptimeMs interval between packets
     * @param rtpTimestamp timestamp of the event's start, in the stream's timestamp space
     * @param volume power level in -dBm0, 0-63
     */
    public void start(char key, int durationMs, int ptimeMs, long rtpTimestamp, int volume) {
        int code = TelephoneEvent.fromChar(key);
        if (code < 0) throw new IllegalArgumentException("not a DTMF key: " + key);
        if (durationMs <= 0 || ptimeMs <= 0) throw new IllegalArgumentException("duration and ptime must be positive");
        long total = (long) durationMs * clockRate / 1000;
        if (total > TelephoneEvent.MAX_DURATION) throw new IllegalArgumentException("event too long: " + durationMs + " ms");
        if (volume < 0 || volume > TelephoneEvent.MAX_VOLUME) throw new IllegalArgumentException("volume " + volume);
        this.event = code;
        this.timestamp = rtpTimestamp & 0xffffffffL;
        this.volume = volume;
        this.totalUnits = (int) total;
        this.stepUnits = (int) ((long) ptimeMs * clockRate / 1000);
        this.updates = (totalUnits + stepUnits - 1) / stepUnits - 1;
        this.index = 0;
    }

    public void start(char key, int durationMs, int ptimeMs, long rtpTimestamp) {
        start(key, durationMs, ptimeMs, rtpTimestamp, DEFAULT_VOLUME);
    }

    public int payloadType() { return payloadType; }

    public int clockRate() { return clockRate; }

    public boolean hasNext() { return event >= 0 && index < updates + END_REPEATS; }

    /** Packets left to send for this key press. */
    public int remaining() { return event < 0 ? 0 : Math.max(0, updates + END_REPEATS - index); }

    /** Timestamp every packet of the event carries. */
    public long timestamp() { return timestamp; }

    /** Total number of packets for the current key press. */
    public int packetCount() { return updates + END_REPEATS; }

    /**
     * Writes the next 4-byte payload at {@code buf[off]} and returns whether that packet carries
     * the marker bit. The packet's timestamp is {@link #timestamp()}.
     */
    public boolean nextPayload(byte[] buf, int off) {
        advance();
        TelephoneEvent.write(buf, off, event, end, volume, duration);
        return marker;
    }

    /** Writes the next whole packet (12-byte header and payload) into {@code p}. */
    public void next(RtpPacket p, int sequence, long ssrc) {
        advance();
        p.writeHeader(payloadType, marker, sequence, timestamp, ssrc, TelephoneEvent.LENGTH);
        TelephoneEvent.write(p.buffer(), RtpPacket.FIXED_HEADER, event, end, volume, duration);
    }

    /** Whether the packet written last was an end packet. */
    public boolean lastWasEnd() { return end; }

    /** Duration field of the packet written last, in timestamp units. */
    public int lastDuration() { return duration; }

    private void advance() {
        if (!hasNext()) throw new IllegalStateException("no packet left; call start()");
        marker = index == 0;
        end = index >= updates;
        duration = end ? totalUnits : (index + 1) * stepUnits;
        index++;
    }
}
