package org.passerelle.transcoder.dtmf;

import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * Turns one stream of RFC 4733 telephone-event packets into digits, each reported exactly once.
 *
 * <p>An event is identified by its RTP timestamp, which stays the same for every packet of the
 * event (RFC 4733 §2.5.1.3), so the receiver does not depend on the marker bit or on the first
 * packet arriving. A digit is reported:
 * <ul>
 *   <li>on its first end packet (E bit); the redundant end retransmissions (§2.5.1.4) and any
 *       straggling updates carry the same timestamp and are ignored;</li>
 *   <li>when all its end packets were lost: as soon as a packet of a newer event arrives, or
 *       when {@link #poll()} finds no update for {@link #DEFAULT_TIMEOUT_MS} ms.</li>
 * </ul>
 * The reported duration is the longest seen for the event. Packets of events older than the last
 * one reported are ignored. Events that are not DTMF keys (codes above 15) are ignored.
 *
 * <p>Not thread-safe: call {@code receive} and {@code poll} from the stream's thread. Nothing is
 * allocated per packet. {@code receive} does not take ownership of the packet.
 */
public final class DtmfReceiver {
    public static final int DEFAULT_TIMEOUT_MS = 500;

    /** Called once per digit. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param key 0-9, *, #, A-D
         * @param durationMs how long the key was pressed, from the event duration field
         * @param rtpTimestamp the event's RTP timestamp (its start)
         */
        void onDigit(char key, int durationMs, long rtpTimestamp);
    }

    private enum State { IDLE, IN_EVENT }

    private final int clockRate;
    private final NanoClock clock;
    private final long timeoutNanos;
    private final Listener listener;

    private State state = State.IDLE;
    private long eventTs;
    private int eventCode;
    private int maxDuration;
    private long lastUpdateNanos;
    private boolean hasReported;
    private long reportedTs;
    private long digits;
    private long ignored;

    public DtmfReceiver(int clockRate, NanoClock clock, Listener listener) {
        this(clockRate, clock, DEFAULT_TIMEOUT_MS, listener);
    }

    public DtmfReceiver(int clockRate, NanoClock clock, int timeoutMs, Listener listener) {
        this.clockRate = clockRate;
        this.clock = clock;
        this.timeoutNanos = timeoutMs * 1_000_000L;
        this.listener = listener;
    }

    public int clockRate() { return clockRate; }

    /** Feeds a telephone-event RTP packet (payload type already matched by the caller). */
    public void receive(RtpPacket p) {
        int off = p.payloadOffset();
        int len = p.payloadLength();
        if (off < 0 || len < 0) {
            ignored++;
            return;
        }
        receive(p.timestamp(), p.buffer(), off, len);
    }

    /** Feeds one telephone-event payload with its packet's RTP timestamp. */
    public void receive(long rtpTimestamp, byte[] payload, int off, int len) {
        if (!TelephoneEvent.isValid(payload, off, len)) {
            ignored++;
            return;
        }
        int code = TelephoneEvent.event(payload, off);
        if (code > TelephoneEvent.MAX_DTMF_EVENT) {
            ignored++;
            return;
        }
        long ts = rtpTimestamp & 0xffffffffL;
        if (hasReported && !isNewer(ts, reportedTs)) {
            ignored++; // a retransmitted end or straggler of an event already reported
            return;
        }
        if (state == State.IN_EVENT && ts != eventTs) {
            if (!isNewer(ts, eventTs)) {
                ignored++;
                return;
            }
            report(); // its end packets were all lost
        }
        if (state == State.IDLE) {
            state = State.IN_EVENT;
            eventTs = ts;
            eventCode = code;
            maxDuration = 0;
        }
        maxDuration = Math.max(maxDuration, TelephoneEvent.duration(payload, off));
        lastUpdateNanos = clock.nanoTime();
        if (TelephoneEvent.end(payload, off)) report();
    }

    /** Reports an event whose updates stopped without an end packet; call it every tick. */
    public void poll() {
        if (state == State.IN_EVENT && clock.nanoTime() - lastUpdateNanos >= timeoutNanos) report();
    }

    /** Digits reported so far. */
    public long digits() { return digits; }

    /** Packets ignored: malformed, not DTMF, or belonging to an event already reported. */
    public long ignored() { return ignored; }

    private void report() {
        state = State.IDLE;
        hasReported = true;
        reportedTs = eventTs;
        digits++;
        listener.onDigit(TelephoneEvent.toChar(eventCode), (int) (maxDuration * 1000L / clockRate), eventTs);
    }

    /** Serial-number comparison of 32-bit timestamps (wrap-around safe). */
    private static boolean isNewer(long ts, long than) {
        return (int) (ts - than) > 0;
    }
}
