package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import gov.nist.javax.sip.message.SIPRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MalformedRequestTest {
    private static final String HEAD = "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
            + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nCall-ID: abc\r\n";

    private static SIPRequest salvage(String msg) {
        return MalformedRequest.salvage(msg.getBytes(StandardCharsets.UTF_8), "Number format exception\r\nCSeq: x");
    }

    @Test
    void badCseqIsSalvagedWithTheRequestMethod() {
        SIPRequest r = salvage("INVITE sip:b@y SIP/2.0\r\n" + HEAD + "CSeq: 12x INVITE\r\n\r\n");
        assertNotNull(r);
        assertEquals("INVITE", r.getMethod());
        assertEquals(12, r.getCSeq().getSeqNumber());
        assertEquals("INVITE", r.getCSeq().getMethod());
        assertEquals("abc", r.getCallId().getCallId());
        assertNotNull(r.getHeader(MalformedRequest.MALFORMED));
    }

    @Test
    void unanswerableOnesAreNot() {
        assertNull(salvage("hello\r\n\r\n"), "no request line");
        assertNull(salvage("ACK sip:b@y SIP/2.0\r\n" + HEAD + "CSeq: 1 ACK\r\n\r\n"), "ACK is never answered");
        assertNull(salvage("INVITE sip:b@y SIP/2.0\r\nVia: garbage\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\n"
                + "Call-ID: abc\r\nCSeq: 1 INVITE\r\n\r\n"), "no Via to answer to");
        assertNull(salvage("INVITE sip:b@y SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
                + "To: <sip:b@y>\r\nCall-ID: abc\r\nCSeq: 1 INVITE\r\n\r\n"), "no From");
    }

    @Test
    void reasonIsOneShortPrintableLine() {
        assertEquals("Number format exception", MalformedRequest.sanitize("Number format exception\r\nCSeq: x"));
        assertEquals(60, MalformedRequest.sanitize("x".repeat(200)).length());
        assertEquals("malformed", MalformedRequest.sanitize("\u0001\u0002"));
    }
}
