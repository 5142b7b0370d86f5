package org.passerelle.webrtc.sctp;

import java.util.zip.CRC32C;

/**
 * The SCTP common header (RFC 9260 §3.1) and its CRC32c checksum (Appendix A). The checksum is
 * the CRC32c of the whole packet with the checksum field zeroed; it goes on the wire in the
 * reflected algorithm's natural (little-endian) byte order, as the Linux kernel, usrsctp, dcsctp
 * and pion all write it.
 */
public final class SctpPacket {
    private SctpPacket() {}

    public static final int HEADER = 12;

    public static int srcPort(byte[] b, int off) { return u16(b, off); }

    public static int dstPort(byte[] b, int off) { return u16(b, off + 2); }

    public static long verificationTag(byte[] b, int off) { return u32(b, off + 4); }

    /** Writes the header; the checksum is filled in by {@link #seal}. */
    public static void writeHeader(byte[] b, int off, int srcPort, int dstPort, long tag) {
        put16(b, off, srcPort);
        put16(b, off + 2, dstPort);
        put32(b, off + 4, tag);
        put32(b, off + 8, 0);
    }

    /** Computes and writes the checksum of a complete packet. */
    public static void seal(byte[] b, int off, int len) {
        put32(b, off + 8, 0);
        long c = crc(b, off, len);
        b[off + 8] = (byte) c;
        b[off + 9] = (byte) (c >>> 8);
        b[off + 10] = (byte) (c >>> 16);
        b[off + 11] = (byte) (c >>> 24);
    }

    /** True when the packet's checksum is right (RFC 9260 §6.8: a wrong one is discarded silently). */
    public static boolean checksumOk(byte[] b, int off, int len) {
        if (len < HEADER) return false;
        long wire = (b[off + 8] & 0xffL) | (b[off + 9] & 0xffL) << 8 | (b[off + 10] & 0xffL) << 16
                | (b[off + 11] & 0xffL) << 24;
        byte s0 = b[off + 8], s1 = b[off + 9], s2 = b[off + 10], s3 = b[off + 11];
        put32(b, off + 8, 0);
        long c = crc(b, off, len);
        b[off + 8] = s0; b[off + 9] = s1; b[off + 10] = s2; b[off + 11] = s3;
        return c == wire;
    }

    private static long crc(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        return crc.getValue();
    }

    static int u8(byte[] b, int i) { return b[i] & 0xff; }

    static int u16(byte[] b, int i) { return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff); }

    static long u32(byte[] b, int i) {
        return (b[i] & 0xffL) << 24 | (b[i + 1] & 0xffL) << 16 | (b[i + 2] & 0xffL) << 8 | (b[i + 3] & 0xffL);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** Chunk lengths are padded to 4 bytes (RFC 9260 §3.2). */
    static int pad4(int n) { return (n + 3) & ~3; }
}
