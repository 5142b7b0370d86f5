package org.passerelle.sip.sdp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.codec.AudioCodec;

class LocalDescriptionTest {
    private final SdpNegotiator negotiator = new SdpNegotiator(List.of(AudioCodec.PCMU, AudioCodec.PCMA));

    @Test
    void versionMovesOnlyWhenTheDescriptionChanges() {
        LocalDescription d = new LocalDescription(new LocalMedia("192.0.2.1", 40000, 7, 7));
        String first = d.next(l -> negotiator.offer(l, MediaDirection.SENDRECV));
        assertTrue(first.contains("o=passerelle 7 7 IN IP4 192.0.2.1"), first);
        String same = d.next(l -> negotiator.offer(l, MediaDirection.SENDRECV));
        assertEquals(first, same);
        String held = d.next(l -> negotiator.offer(l, MediaDirection.SENDONLY));
        assertTrue(held.contains("o=passerelle 7 8 IN IP4 192.0.2.1"), held);
        assertEquals(8, d.media().sessionVersion());
    }
}
