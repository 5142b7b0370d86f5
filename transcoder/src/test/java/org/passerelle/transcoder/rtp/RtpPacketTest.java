package org.passerelle.transcoder.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtpPacketTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    /** 12-byte header: V=2, M=1, PT=96, seq 0xABCD, ts 0xDEADBEEF, SSRC 0x89ABCDEF. */
    private static final int[] HEADER = {0x80, 0xE0, 0xAB, 0xCD, 0xDE, 0xAD, 0xBE, 0xEF, 0x89, 0xAB, 0xCD, 0xEF};

    private static RtpPacket packet(int... v) {
        RtpPacket p = RtpPacket.unpooled();
        assertTrue(p.fill(bytes(v), 0, v.length));
        return p;
    }

    private static int[] concat(int[] a, int... b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void readsFixedHeaderFieldsIncludingUnsignedValues() {
        RtpPacket p = packet(concat(HEADER, 1, 2, 3));
        assertTrue(p.isValid());
        assertEquals(2, p.version());
        assertFalse(p.padding());
        assertFalse(p.extension());
        assertEquals(0, p.csrcCount());
        assertTrue(p.marker());
        assertEquals(96, p.payloadType());
        assertEquals(0xABCD, p.sequence());
        assertEquals(0xDEADBEEFL, p.timestamp());
        assertEquals(0x89ABCDEFL, p.ssrc());
        assertEquals(12, p.payloadOffset());
        assertEquals(3, p.payloadLength());
    }

    @Test
    void settersWriteInPlace() {
        RtpPacket p = packet(concat(HEADER, 0));
        p.setMarker(false);
        p.setPayloadType(0);
        p.setSequence(65535);
        p.setTimestamp(0xFFFFFFFFL);
        p.setSsrc(1);
        assertFalse(p.marker());
        assertEquals(0, p.payloadType());
        assertEquals(65535, p.sequence());
        assertEquals(0xFFFFFFFFL, p.timestamp());
        assertEquals(1, p.ssrc());
        p.setMarker(true);
        assertTrue(p.marker());
        assertEquals(0, p.payloadType(), "marker does not disturb the payload type");
    }

    @Test
    void writeHeaderProducesAPlainPacket() {
        RtpPacket p = RtpPacket.unpooled();
        p.writeHeader(8, true, 7, 160, 0x1234L, 160);
        assertTrue(p.isValid());
        assertEquals(172, p.length());
        assertEquals(8, p.payloadType());
        assertTrue(p.marker());
        assertEquals(7, p.sequence());
        assertEquals(160, p.timestamp());
        assertEquals(0x1234L, p.ssrc());
        assertEquals(RtpPacket.FIXED_HEADER, p.payloadOffset());
        assertEquals(160, p.payloadLength());
    }

    @Test
    void csrcListShiftsThePayload() {
        int[] h = HEADER.clone();
        h[0] = 0x82; // CC = 2 (RFC 3550 §5.1)
        RtpPacket p = packet(concat(h, 0, 0, 0, 1, 0, 0, 0, 2, 9, 9));
        assertTrue(p.isValid());
        assertEquals(2, p.csrcCount());
        assertEquals(20, p.payloadOffset());
        assertEquals(2, p.payloadLength());
    }

    @Test
    void headerExtensionShiftsThePayload() {
        int[] h = HEADER.clone();
        h[0] = 0x91; // X = 1, CC = 1
        // CSRC, then extension profile 0xBEDE with 1 word (RFC 3550 §5.3.1, RFC 8285).
        RtpPacket p = packet(concat(h, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0, 7, 7, 7));
        assertTrue(p.isValid());
        assertTrue(p.extension());
        assertEquals(12 + 4 + 4 + 4, p.payloadOffset());
        assertEquals(3, p.payloadLength());
    }

    @Test
    void paddingIsExcludedFromThePayload() {
        int[] h = HEADER.clone();
        h[0] = 0xA0; // P = 1
        RtpPacket p = packet(concat(h, 5, 5, 5, 0, 0, 3));
        assertTrue(p.isValid());
        assertTrue(p.padding());
        assertEquals(3, p.payloadLength());
    }

    @Test
    void malformedLengthsAreRejected() {
        assertFalse(packet(0x80, 0, 0, 0).isValid(), "shorter than the fixed header");
        int[] v1 = HEADER.clone();
        v1[0] = 0x40;
        assertFalse(packet(v1).isValid(), "version 1");
        int[] cc = HEADER.clone();
        cc[0] = 0x83;
        assertFalse(packet(concat(cc, 0, 0, 0, 1)).isValid(), "3 CSRCs announced, 1 present");
        int[] x = HEADER.clone();
        x[0] = 0x90;
        assertFalse(packet(concat(x, 0xBE, 0xDE)).isValid(), "extension header cut");
        assertFalse(packet(concat(x, 0xBE, 0xDE, 0, 2, 0, 0, 0, 0)).isValid(), "extension longer than packet");
        int[] pad = HEADER.clone();
        pad[0] = 0xA0;
        assertFalse(packet(concat(pad, 1, 2, 9)).isValid(), "padding count beyond the payload");
        assertEquals(-1, packet(concat(pad, 1, 2, 9)).payloadLength());
        assertTrue(packet(concat(pad, 1, 2, 3)).isValid(), "padding may take the whole payload");
        assertEquals(0, packet(concat(pad, 1, 2, 3)).payloadLength());
        assertTrue(packet(HEADER).isValid(), "an empty payload is fine");
    }

    @Test
    void fillAndSetLengthRejectOversize() {
        RtpPacket p = RtpPacket.unpooled();
        assertFalse(p.fill(new byte[RtpPacket.MAX_SIZE + 1], 0, RtpPacket.MAX_SIZE + 1));
        assertFalse(p.fill(new byte[4], 0, -1));
        assertThrows(IllegalArgumentException.class, () -> p.setLength(RtpPacket.MAX_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> p.setLength(-1));
        assertTrue(p.fill(new byte[RtpPacket.MAX_SIZE], 0, RtpPacket.MAX_SIZE));
        byte[] src = bytes(0, 0, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertTrue(p.fill(src, 2, 12));
        assertEquals(12, p.length());
        assertEquals(1, p.sequence());
    }

    @Test
    void poolCountsMissesAndReusesReleasedPackets() {
        RtpPacketPool pool = new RtpPacketPool(2);
        RtpPacket a = pool.acquire();
        RtpPacket b = pool.acquire();
        RtpPacket c = pool.acquire();
        assertEquals(3, pool.misses());
        assertEquals(0, pool.available());
        a.setArrivalNanos(99);
        a.writeHeader(0, false, 1, 2, 3, 10);
        a.release();
        b.release();
        c.release(); // pool full: c goes to the garbage collector
        assertEquals(2, pool.available());
        RtpPacket again = pool.acquire();
        assertTrue(again == a || again == b);
        assertEquals(0, again.length(), "acquire resets the length");
        assertEquals(0, again.arrivalNanos(), "and the arrival time");
        pool.acquire();
        assertEquals(3, pool.misses(), "reuse is not a miss");
        pool.acquire();
        assertEquals(4, pool.misses());
    }

    @Test
    void copyIsIndependentAndComesFromTheSamePool() {
        RtpPacketPool pool = new RtpPacketPool(4);
        RtpPacket spare = pool.acquire();
        spare.release();
        RtpPacket p = pool.acquire();
        assertSame(spare, p);
        p.writeHeader(0, true, 10, 20, 30, 3);
        p.buffer()[12] = 42;
        p.setArrivalNanos(777);
        RtpPacket c = p.copy();
        assertNotSame(p, c);
        assertEquals(p.length(), c.length());
        assertEquals(777, c.arrivalNanos());
        assertEquals(10, c.sequence());
        assertEquals(42, c.buffer()[12]);
        c.buffer()[12] = 1;
        c.setSequence(11);
        assertEquals(42, p.buffer()[12]);
        assertEquals(10, p.sequence());
        p.release();
        c.release();
        assertEquals(2, pool.available(), "the copy returns to the original's pool");

        RtpPacket u = RtpPacket.unpooled();
        u.writeHeader(0, false, 1, 1, 1, 0);
        RtpPacket uc = u.copy();
        assertEquals(1, uc.sequence());
        uc.release(); // no-op for unpooled packets
    }
}
