package org.passerelle.webrtc;

/**
 * RTCP for one audio stream (RFC 3550 §6): receive statistics for each of the peer's SSRCs, our send
 * counters, and the compound packet we send every few seconds (SR when we sent since the last
 * report, else RR; always with SDES CNAME, §6.1). Writes into a caller's buffer; no allocation.
 * Methods are synchronized on this per-session object (receive thread, media clock, timer).
 */
final class RtcpReports {
    static final int SR = 200, RR = 201, SDES = 202;
    /** Seconds between 1900 (NTP) and 1970 (Unix). */
    private static final long NTP_EPOCH_OFFSET = 2_208_988_800L;

    private final long localSsrc;
    private final byte[] cname;
    private final int clockRate;

    /** §6.4.1: at most 31 report blocks; an SFU's subscriber stream has one SSRC per track. */
    static final int MAX_SOURCES = 31;

    /** Receive statistics of one remote SSRC (RFC 3550 Appendix A.1, A.3, A.8). */
    private static final class Source {
        long ssrc;
        int baseSeq, maxSeq, cycles;
        long received, expectedPrior, receivedPrior;
        double jitter;
        long lastTransit;
        long lastArrivalNanos;

        void reset(long ssrc, int seq) {
            this.ssrc = ssrc;
            baseSeq = maxSeq = seq;
            cycles = 0;
            received = expectedPrior = receivedPrior = 0;
            jitter = 0;
            lastTransit = Long.MIN_VALUE;
        }
    }

    private final Source[] sources = new Source[MAX_SOURCES];
    private int sourceCount;
    private long received;
    private long lastSrNtpMiddle;
    private long lastSrArrivalNanos;
    private long rtcpReceived;

    // sending side
    private long sentPackets, sentOctets;
    private boolean sentSinceReport;
    private long lastSentTimestamp;
    private long lastSentNanos;

    RtcpReports(long localSsrc, String cname, int clockRate) {
        this.localSsrc = localSsrc;
        this.cname = cname.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.clockRate = clockRate;
    }

    synchronized void onRtpSent(int payloadLength, long rtpTimestamp, long nowNanos) {
        sentPackets++;
        sentOctets += payloadLength;
        sentSinceReport = true;
        lastSentTimestamp = rtpTimestamp;
        lastSentNanos = nowNanos;
    }

    synchronized void onRtpReceived(long ssrc, int seq, long rtpTimestamp, long arrivalNanos) {
        Source src = source(ssrc, seq);
        int delta = (seq - src.maxSeq) & 0xffff;
        if (src.received > 0 && delta != 0 && delta < 0x8000) {
            if (seq < src.maxSeq) src.cycles += 0x10000;
            src.maxSeq = seq;
        }
        src.received++;
        received++;
        src.lastArrivalNanos = arrivalNanos;
        // §A.8 interarrival jitter in timestamp units
        long arrival = arrivalNanos / 1000 * clockRate / 1_000_000;
        long transit = arrival - rtpTimestamp;
        if (src.lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - src.lastTransit);
            src.jitter += (d - src.jitter) / 16.0;
        }
        src.lastTransit = transit;
    }

    /** The statistics of this SSRC; a new one takes a free slot, or the one silent the longest (§A.1). */
    private Source source(long ssrc, int seq) {
        for (int i = 0; i < sourceCount; i++) if (sources[i].ssrc == ssrc) return sources[i];
        Source s;
        if (sourceCount < MAX_SOURCES) {
            s = sources[sourceCount] != null ? sources[sourceCount] : new Source(); // once per slot
            sources[sourceCount++] = s;
        } else {
            s = sources[0];
            for (int i = 1; i < sourceCount; i++) if (sources[i].lastArrivalNanos < s.lastArrivalNanos) s = sources[i];
        }
        s.reset(ssrc, seq);
        return s;
    }

    /** A decrypted RTCP compound packet from the peer: counted; its SR time kept for LSR/DLSR. */
    synchronized void onRtcpReceived(byte[] b, int off, int len, long arrivalNanos) {
        rtcpReceived++;
        if (len >= 20 && (b[off + 1] & 0xff) == SR) {
            lastSrNtpMiddle = readUint32(b, off + 10);
            lastSrArrivalNanos = arrivalNanos;
        }
    }

    synchronized long rtcpReceived() { return rtcpReceived; }

    synchronized long packetsReceived() { return received; }

    synchronized long packetsSent() { return sentPackets; }

    /**
     * Writes our compound report into {@code b} at 0 and returns its length.
     *
     * @param wallMillis wall clock for the SR's NTP timestamp
     */
    synchronized int write(byte[] b, long wallMillis, long nowNanos) {
        int blocks = sourceCount;
        int off;
        if (sentSinceReport) {
            // §6.4.1 SR: header, SSRC, NTP, RTP timestamp, packet and octet counts
            int words = 6 + 6 * blocks;
            header(b, 0, blocks, SR, words);
            writeUint32(b, 4, localSsrc);
            long secs = wallMillis / 1000 + NTP_EPOCH_OFFSET;
            long frac = ((wallMillis % 1000) << 32) / 1000;
            writeUint32(b, 8, secs);
            writeUint32(b, 12, frac);
            long rtpNow = lastSentTimestamp + (nowNanos - lastSentNanos) / 1000 * clockRate / 1_000_000;
            writeUint32(b, 16, rtpNow);
            writeUint32(b, 20, sentPackets);
            writeUint32(b, 24, sentOctets);
            off = 28;
        } else {
            // §6.4.2 RR
            header(b, 0, blocks, RR, 1 + 6 * blocks);
            writeUint32(b, 4, localSsrc);
            off = 8;
        }
        sentSinceReport = false;
        for (int i = 0; i < blocks; i++) off = reportBlock(b, off, sources[i], nowNanos);
        return sdes(b, off);
    }

    /** §6.4.1 report block about one of the peer's streams. */
    private int reportBlock(byte[] b, int off, Source s, long nowNanos) {
        long extMax = s.cycles + s.maxSeq;
        long expected = extMax - s.baseSeq + 1;
        long lost = Math.max(0, expected - s.received);
        long expectedInterval = expected - s.expectedPrior;
        long receivedInterval = s.received - s.receivedPrior;
        s.expectedPrior = expected;
        s.receivedPrior = s.received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        writeUint32(b, off, s.ssrc);
        writeUint32(b, off + 4, ((long) (fraction & 0xff) << 24) | Math.min(lost, 0x7fffff));
        writeUint32(b, off + 8, extMax);
        writeUint32(b, off + 12, (long) s.jitter);
        writeUint32(b, off + 16, lastSrNtpMiddle);
        long dlsr = lastSrArrivalNanos == 0 ? 0 : (nowNanos - lastSrArrivalNanos) * 65536 / 1_000_000_000L;
        writeUint32(b, off + 20, lastSrNtpMiddle == 0 ? 0 : dlsr);
        return off + 24;
    }

    /** §6.5 SDES with one chunk: our SSRC and CNAME, null-terminated, padded to 32 bits. */
    private int sdes(byte[] b, int start) {
        int off = start + 4;
        writeUint32(b, off, localSsrc);
        off += 4;
        b[off++] = 1; // CNAME
        b[off++] = (byte) cname.length;
        System.arraycopy(cname, 0, b, off, cname.length);
        off += cname.length;
        do { b[off++] = 0; } while ((off - start) % 4 != 0);
        header(b, start, 1, SDES, (off - start) / 4 - 1);
        return off;
    }

    private static void header(byte[] b, int off, int count, int pt, int lengthWords) {
        b[off] = (byte) (0x80 | count);
        b[off + 1] = (byte) pt;
        b[off + 2] = (byte) (lengthWords >> 8);
        b[off + 3] = (byte) lengthWords;
    }

    static long readUint32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static void writeUint32(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }
}
