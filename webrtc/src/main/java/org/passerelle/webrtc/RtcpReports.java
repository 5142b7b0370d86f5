package org.passerelle.webrtc;

/**
 * RTCP for one audio stream (RFC 3550 §6): receive statistics for the peer's SSRC, our send
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

    // receiving side (RFC 3550 Appendix A.1, A.3, A.8)
    private long remoteSsrc = -1;
    private int baseSeq, maxSeq, cycles;
    private long received, expectedPrior, receivedPrior;
    private double jitter;
    private long lastTransit = Long.MIN_VALUE;
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
        if (ssrc != remoteSsrc) { // a new source restarts the statistics (§A.1)
            remoteSsrc = ssrc;
            baseSeq = maxSeq = seq;
            cycles = 0;
            received = expectedPrior = receivedPrior = 0;
            jitter = 0;
            lastTransit = Long.MIN_VALUE;
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta < 0x8000) {
                if (seq < maxSeq) cycles += 0x10000;
                maxSeq = seq;
            }
        }
        received++;
        // §A.8 interarrival jitter in timestamp units
        long arrival = arrivalNanos / 1000 * clockRate / 1_000_000;
        long transit = arrival - rtpTimestamp;
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            jitter += (d - jitter) / 16.0;
        }
        lastTransit = transit;
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
        int blocks = remoteSsrc >= 0 ? 1 : 0;
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
        if (blocks == 1) off = reportBlock(b, off, nowNanos);
        return sdes(b, off);
    }

    /** §6.4.1 report block about the peer's stream. */
    private int reportBlock(byte[] b, int off, long nowNanos) {
        long extMax = cycles + maxSeq;
        long expected = extMax - baseSeq + 1;
        long lost = Math.max(0, expected - received);
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        writeUint32(b, off, remoteSsrc);
        writeUint32(b, off + 4, ((long) (fraction & 0xff) << 24) | Math.min(lost, 0x7fffff));
        writeUint32(b, off + 8, extMax);
        writeUint32(b, off + 12, (long) jitter);
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
