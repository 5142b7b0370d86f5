package org.passerelle.transcoder.rtp;

/**
 * One RTP packet (RFC 3550 §5.1) in a reusable buffer. Packets come from an {@link RtpPacketPool};
 * whoever holds a packet either {@link #release() releases} it or passes it on, and a fan-out
 * {@link #copy() copies}. Accessors read the header in place, so parsing allocates nothing.
 */
public final class RtpPacket {
    /** Larger than any packet we accept on a 1500-byte MTU path. */
    public static final int MAX_SIZE = 1500;
    public static final int FIXED_HEADER = 12;

    private final byte[] buf = new byte[MAX_SIZE];
    private int length;
    private final RtpPacketPool pool;
    /** Receive time in nanoseconds of the injected clock, set by whoever fills the packet. */
    private long arrivalNanos;

    RtpPacket(RtpPacketPool pool) {
        this.pool = pool;
    }

    /** A packet that belongs to no pool (tests, one-off use); release() is a no-op. */
    public static RtpPacket unpooled() {
        return new RtpPacket(null);
    }

    /**
     * Whether the datagram at {@code off} (at least two bytes) is RTCP multiplexed on an RTP port:
     * RTCP packet types 192-223 sit where RTP has its marker bit and payload type (RFC 5761 §4).
     */
    public static boolean isMultiplexedRtcp(byte[] b, int off) {
        int type = b[off + 1] & 0xff;
        return type >= 192 && type <= 223;
    }

    public byte[] buffer() { return buf; }
    public int length() { return length; }

    public void setLength(int length) {
        if (length < 0 || length > MAX_SIZE) throw new IllegalArgumentException("length " + length);
        this.length = length;
    }

    public long arrivalNanos() { return arrivalNanos; }
    public void setArrivalNanos(long t) { this.arrivalNanos = t; }

    /** Copies {@code len} bytes in and sets the length; returns false when they do not fit. */
    public boolean fill(byte[] src, int off, int len) {
        if (len > MAX_SIZE || len < 0) return false;
        System.arraycopy(src, off, buf, 0, len);
        this.length = len;
        return true;
    }

    /**
     * True when the buffer holds a well-formed RTP packet: version 2, and the CSRC list, header
     * extension and padding all fit in the length (RFC 3550 §5.1, §5.3.1).
     */
    public boolean isValid() {
        if (length < FIXED_HEADER || ((buf[0] >> 6) & 0x3) != 2) return false;
        return payloadOffset() >= 0 && payloadLength() >= 0;
    }

    public int version() { return (buf[0] >> 6) & 0x3; }
    public boolean padding() { return (buf[0] & 0x20) != 0; }
    public boolean extension() { return (buf[0] & 0x10) != 0; }
    public int csrcCount() { return buf[0] & 0x0f; }
    public boolean marker() { return (buf[1] & 0x80) != 0; }
    public int payloadType() { return buf[1] & 0x7f; }
    public int sequence() { return ((buf[2] & 0xff) << 8) | (buf[3] & 0xff); }
    public long timestamp() { return readUint32(4); }
    public long ssrc() { return readUint32(8); }

    public void setMarker(boolean m) { buf[1] = (byte) (m ? (buf[1] | 0x80) : (buf[1] & 0x7f)); }
    public void setPayloadType(int pt) { buf[1] = (byte) ((buf[1] & 0x80) | (pt & 0x7f)); }
    public void setSequence(int seq) { buf[2] = (byte) (seq >> 8); buf[3] = (byte) seq; }
    public void setTimestamp(long ts) { writeUint32(4, ts); }
    public void setSsrc(long ssrc) { writeUint32(8, ssrc); }

    /** Offset of the payload, or -1 when the header does not fit in the packet. */
    public int payloadOffset() {
        int off = FIXED_HEADER + 4 * csrcCount();
        if (extension()) {
            if (off + 4 > length) return -1;
            int words = ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
            off += 4 + 4 * words;
        }
        return off <= length ? off : -1;
    }

    /** Payload length without padding, or -1 when malformed. */
    public int payloadLength() {
        int off = payloadOffset();
        if (off < 0) return -1;
        int pad = 0;
        if (padding()) {
            if (length == 0) return -1;
            pad = buf[length - 1] & 0xff;
        }
        int len = length - off - pad;
        return len >= 0 ? len : -1;
    }

    /**
     * Writes a plain 12-byte header (V=2, no padding, extension or CSRC); the payload then starts
     * at {@link #FIXED_HEADER}. The length is set to header + {@code payloadLength}.
     */
    public void writeHeader(int payloadType, boolean marker, int sequence, long timestamp, long ssrc,
                            int payloadLength) {
        buf[0] = (byte) 0x80;
        buf[1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7f));
        setSequence(sequence);
        setTimestamp(timestamp);
        setSsrc(ssrc);
        setLength(FIXED_HEADER + payloadLength);
    }

    /** A copy from the same pool, for fan-out. */
    public RtpPacket copy() {
        RtpPacket c = pool != null ? pool.acquire() : unpooled();
        System.arraycopy(buf, 0, c.buf, 0, length);
        c.length = length;
        c.arrivalNanos = arrivalNanos;
        return c;
    }

    /** Returns the packet to its pool; the caller must not touch it afterwards. */
    public void release() {
        if (pool != null) pool.release(this);
    }

    private long readUint32(int off) {
        return ((long) (buf[off] & 0xff) << 24) | ((buf[off + 1] & 0xff) << 16)
                | ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
    }

    private void writeUint32(int off, long v) {
        buf[off] = (byte) (v >> 24);
        buf[off + 1] = (byte) (v >> 16);
        buf[off + 2] = (byte) (v >> 8);
        buf[off + 3] = (byte) v;
    }
}
