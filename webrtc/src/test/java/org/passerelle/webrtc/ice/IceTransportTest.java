package org.passerelle.webrtc.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSdp;

class IceTransportTest {
    private static final IceTransport.Events NONE = new IceTransport.Events() {
        @Override public void onIceConnected() { }
        @Override public void onIceFailed(String reason) { }
    };

    @Test
    void loopbackBindGivesOneHostCandidateInTheRange() throws Exception {
        IceTransport ice = new IceTransport(new WebRtcConfig("127.0.0.1", null, 44000, 44009, Duration.ofSeconds(5)), false, NONE);
        try {
            List<WebRtcSdp.Candidate> c = ice.localCandidates();
            assertEquals(1, c.size());
            assertEquals("127.0.0.1", c.getFirst().address());
            assertEquals("host", c.getFirst().type());
            assertTrue(c.getFirst().port() >= 44000 && c.getFirst().port() <= 44009);
            assertFalse(ice.isControlling());
            assertTrue(ice.localUfrag().length() >= 4 && ice.localPassword().length() >= 22, "RFC 8839 §5.4 lengths");
        } finally {
            ice.close();
        }
    }

    @Test
    void aFullPortRangeIsAnErrorAnAdminCanRead() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(44020, InetAddress.getLoopbackAddress())) {
            WebRtcException e = assertThrows(WebRtcException.class, () -> new IceTransport(
                    new WebRtcConfig("127.0.0.1", null, 44020, 44020, Duration.ofSeconds(5)), true, NONE));
            assertTrue(e.getMessage().contains("44020-44020"), e.getMessage());
        }
    }

    @Test
    void publicAddressIsAdvertisedInsteadOfPrivateOnes() throws Exception {
        List<InetAddress> hosts = IceTransport.hostAddresses("0.0.0.0");
        IceTransport ice = new IceTransport(new WebRtcConfig("0.0.0.0", "203.0.113.10", 44030, 44099, Duration.ofSeconds(5)), false, NONE);
        try {
            List<WebRtcSdp.Candidate> c = ice.localCandidates();
            long nonLoopbackHosts = hosts.stream().filter(a -> !a.isLoopbackAddress()).count();
            assertEquals(nonLoopbackHosts, c.stream().filter(x -> x.address().equals("203.0.113.10") && x.type().equals("srflx")).count());
            assertTrue(c.stream().allMatch(x -> x.address().equals("203.0.113.10") || x.address().equals("127.0.0.1")),
                    "no private address advertised: " + c);
        } finally {
            ice.close();
        }
    }
}
