package org.passerelle.sip.rtp;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RtpPortAllocatorTest {
    @Test
    void evenPortsRoundRobinAndFreedOnesComeBack() {
        RtpPortAllocator a = new RtpPortAllocator(20001, 20007);
        assertEquals(3, a.capacity(), "20002, 20004, 20006 (each with its RTCP port)");
        assertEquals(20002, a.allocate());
        assertEquals(20004, a.allocate());
        assertEquals(20006, a.allocate());
        assertEquals(-1, a.allocate());
        a.release(20004);
        assertEquals(20004, a.allocate());
        a.release(20002);
        a.release(20006);
        // Round robin: after 20004 comes 20006, then 20002.
        assertEquals(20006, a.allocate());
        assertEquals(20002, a.allocate());
        assertEquals(3, a.inUse());
    }

    @Test
    void strayReleasesAreIgnored() {
        RtpPortAllocator a = new RtpPortAllocator(30000, 30003);
        a.release(30000);
        a.release(30001);
        a.release(99);
        assertEquals(0, a.inUse());
        assertEquals(30000, a.allocate());
        assertEquals(30002, a.allocate());
        assertEquals(-1, a.allocate());
    }

    @Test
    void badRangeRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RtpPortAllocator(30000, 30000));
        assertThrows(IllegalArgumentException.class, () -> new RtpPortAllocator(100, 200));
    }
}
