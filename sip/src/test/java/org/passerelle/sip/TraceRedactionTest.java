package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TraceRedactionTest {
    @Test
    void digestResponseIsMasked() {
        String invite = "INVITE sip:demo@gw SIP/2.0\r\n"
                + "Authorization: Digest username=\"op\",realm=\"gw\",nonce=\"abc\",uri=\"sip:demo@gw\","
                + "response=\"8ca523f5e9506fed4657c9700eebdbec\",algorithm=MD5,qop=auth,nc=00000001,cnonce=\"x\"\r\n"
                + "proxy-authorization: Digest username=\"op\", response = \"753927fa\"\r\n"
                + "Content-Length: 0\r\n\r\n";
        String out = TraceRedaction.redact(invite);
        assertFalse(out.contains("8ca523f5e9506fed4657c9700eebdbec"), out);
        assertFalse(out.contains("753927fa"), out);
        assertTrue(out.contains("response=\"***\",algorithm=MD5"), out);
        assertTrue(out.contains("username=\"op\""), "the rest stays readable");
    }

    @Test
    void dtmfBodiesAreMaskedOthersKept() {
        String info = "INFO sip:x SIP/2.0\r\nContent-Type: application/dtmf-relay\r\nContent-Length: 10\r\n\r\nSignal=5\r\n";
        assertTrue(TraceRedaction.redact(info).endsWith("\r\n\r\n***"));
        String compact = "INFO sip:x SIP/2.0\r\nc: application/dtmf\r\nl: 1\r\n\r\n5";
        assertFalse(TraceRedaction.redact(compact).endsWith("5"));
        String sdp = "INVITE sip:x SIP/2.0\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n";
        assertEquals(sdp, TraceRedaction.redact(sdp));
    }
}
