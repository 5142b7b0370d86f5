package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DialTargetTest {
    @Test
    void e164StaysAsIs() {
        assertEquals("+33142000000", DialTarget.number("+33 1 42 00 00 00", "e164"));
        assertEquals("+33142000000", DialTarget.number("+33142000000", null));
    }

    @Test
    void frenchNationalFormat() {
        assertEquals("0142000000", DialTarget.number("+33142000000", "national"));
        assertEquals("00442071234567", DialTarget.number("+44 20 7123-4567", "national"));
        assertEquals("0612345678", DialTarget.number("06.12.34.56.78", "national"));
    }

    @Test
    void urisAndGarbage() {
        assertTrue(DialTarget.isUri("sip:alice@example.org"));
        assertTrue(DialTarget.isUri(" SIPS:bob@example.org"));
        assertFalse(DialTarget.isUri("+33142000000"));
        assertThrows(IllegalArgumentException.class, () -> DialTarget.number("alice", "e164"));
        assertThrows(IllegalArgumentException.class, () -> DialTarget.number("+331", "klingon"));
    }

    @Test
    void proxyAddresses() {
        assertEquals(new ProxyAddress("sip.example.org", -1, "udp"), ProxyAddress.parse("sip.example.org", null));
        ProxyAddress p = ProxyAddress.parse("10.0.0.1:5080", "TCP");
        assertEquals("10.0.0.1:5080", p.hostPort());
        assertEquals("tcp", p.transport());
        ProxyAddress v6 = ProxyAddress.parse("[2001:db8::1]:5062", "udp");
        assertEquals("2001:db8::1", v6.host());
        assertEquals(5062, v6.effectivePort());
        assertEquals("[2001:db8::1]:5062", v6.hostPort());
    }
}
