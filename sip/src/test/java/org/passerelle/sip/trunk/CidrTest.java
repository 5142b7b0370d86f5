package org.passerelle.sip.trunk;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CidrTest {
    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "192.0.2.10,        192.0.2.10,     true",
            "192.0.2.10,        192.0.2.11,     false",
            "192.0.2.10/32,     192.0.2.10,     true",
            "192.0.2.0/24,      192.0.2.0,      true",
            "192.0.2.0/24,      192.0.2.255,    true",
            "192.0.2.0/24,      192.0.3.0,      false",
            "192.0.2.0/24,      192.0.1.255,    false",
            "192.0.2.7/24,      192.0.2.200,    true",
            "10.0.0.0/8,        10.255.255.255, true",
            "10.0.0.0/8,        11.0.0.0,       false",
            "198.51.100.64/27,  198.51.100.95,  true",
            "198.51.100.64/27,  198.51.100.96,  false",
            "198.51.100.64/27,  198.51.100.63,  false",
            "0.0.0.0/0,         203.0.113.5,    true",
            "0.0.0.0/0,         2001:db8::1,    false",
            "2001:db8::1,       2001:db8::1,    true",
            "2001:db8::1,       2001:db8::2,    false",
            "2001:db8::/32,     2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
            "2001:db8::/32,     2001:db9::,     false",
            "2001:db8:0:8000::/49, 2001:db8:0:ffff::1, true",
            "2001:db8:0:8000::/49, 2001:db8:0:7fff::1, false",
            "::/0,              ::1,            true",
            "::/0,              127.0.0.1,      false",
            "::1/128,           ::1,            true",
            "::ffff:192.0.2.1,  192.0.2.1,      true",
    })
    void containment(String block, String address, boolean expected) throws Exception {
        assertEquals(expected, Cidr.parse(block).contains(InetAddress.getByName(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "gateway.example.org", "localhost", "192.0.2", "192.0.2.256", "192.0.2.1.5",
            "010.0.0.1", "192.0.2.0/33", "192.0.2.0/", "192.0.2.0/-1", "192.0.2.0/ 8", "2001:db8::/129",
            "2001:db8::g", "2001:db8:::1", "fe80::1%eth0", ".:", "1.2.3.4/8/8", "[::1]"})
    void garbageIsRefusedWithoutDns(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertNotNull(e.getMessage());
    }

    @Test
    void hostBitsAreMaskedAndPrinted() {
        assertEquals("192.0.2.0/24", Cidr.parse("192.0.2.77/24").toString());
        assertEquals(Cidr.parse("192.0.2.0/24"), Cidr.parse("192.0.2.77/24"));
        assertEquals("2001:db8:0:0:0:0:0:0/32", Cidr.parse("2001:db8:1::/32").toString());
    }

    @Test
    void matcherIsAnyOf() throws Exception {
        AddressMatcher m = AddressMatcher.parse(List.of("192.0.2.0/24", "2001:db8::/32"));
        assertTrue(m.matches(InetAddress.getByName("192.0.2.9")));
        assertTrue(m.matches(InetAddress.getByName("2001:db8::9")));
        assertFalse(m.matches(InetAddress.getByName("198.51.100.1")));
        assertFalse(m.matches(null));
        assertFalse(AddressMatcher.parse(List.of()).matches(InetAddress.getByName("192.0.2.9")), "empty: nobody");
        var e = assertThrows(IllegalArgumentException.class, () -> AddressMatcher.parse(List.of("192.0.2.0/24", "pbx")));
        assertTrue(e.getMessage().contains("pbx"));
    }

    @Test
    void trunksClassifyFirstMatchAndCountCalls() throws Exception {
        InboundTrunk a = new InboundTrunk("a", List.of("192.0.2.0/24"), null, List.of(), 1);
        InboundTrunk b = new InboundTrunk("b", List.of("192.0.2.5", "198.51.100.0/24"), null, List.of(), 0);
        InboundTrunks trunks = new InboundTrunks(List.of(a, b));
        assertSame(a, trunks.classify(InetAddress.getByName("192.0.2.5")), "first match wins");
        assertSame(b, trunks.classify(InetAddress.getByName("198.51.100.5")));
        assertNull(trunks.classify(InetAddress.getByName("203.0.113.1")));
        assertTrue(trunks.tryAcquire(a));
        assertFalse(trunks.tryAcquire(a), "maxCalls 1");
        for (int i = 0; i < 5; i++) assertTrue(trunks.tryAcquire(b), "maxCalls 0: no limit");
        trunks.replace(List.of(b));
        assertEquals(1, trunks.activeCalls("a"), "calls in progress survive a reload");
        trunks.release("a");
        assertEquals(0, trunks.activeCalls("a"));
        assertThrows(IllegalArgumentException.class,
                () -> trunks.replace(List.of(new InboundTrunk("bad", List.of("nope"), null, List.of(), 1))));
        assertSame(b, trunks.classify(InetAddress.getByName("198.51.100.5")), "a bad list changes nothing");
    }
}
