package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.passerelle.transcoder.rtp.RtpPacket;

/** Two real sessions on loopback: ICE, DTLS-SRTP and audio both ways, and the ways it fails. */
@Timeout(20)
class PeerConnectionTest {
    /** ice4j logs through java.util.logging; keep its INFO chatter out of the test output. */
    private static final java.util.logging.Logger ICE4J = java.util.logging.Logger.getLogger("org.ice4j");
    private static final java.util.logging.Logger JITSI = java.util.logging.Logger.getLogger("org.jitsi");

    static {
        ICE4J.setLevel(java.util.logging.Level.WARNING);
        JITSI.setLevel(java.util.logging.Level.WARNING);
    }

    private static final WebRtcConfig CONFIG = new WebRtcConfig("127.0.0.1", null, 42000, 42999, Duration.ofSeconds(8));
    private final List<WebRtcSession> sessions = new ArrayList<>();

    /** What a listener saw. */
    static final class Recorder implements WebRtcSession.Listener {
        final CountDownLatch connected = new CountDownLatch(1);
        final BlockingQueue<RtpPacket> packets = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        int closedCalls;

        @Override public void onConnected() { connected.countDown(); }
        @Override public void onRtp(RtpPacket packet) { packets.add(packet); }
        @Override public synchronized void onClosed(String reason) { closedCalls++; closed.complete(reason); }

        void awaitConnected() throws InterruptedException {
            assertTrue(connected.await(10, TimeUnit.SECONDS), "not connected; closed: " + closed.getNow("no"));
        }
    }

    @AfterEach
    void closeAll() {
        sessions.forEach(WebRtcSession::close);
    }

    private <T extends WebRtcSession> T track(T s) {
        sessions.add(s);
        return s;
    }

    @Test
    void offerAndAnswerConnectAndCarryOpusBothWays() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        WebRtcSession offerer = track(WebRtcSession.offer(CONFIG, a));
        WebRtcSession answerer = track(WebRtcSession.answer(CONFIG, offerer.localDescription(), b));
        // RFC 5763 §5: active to an actpass offer, so the answerer's ClientHello leaves as soon as its ICE is up
        assertTrue(answerer.localDescription().contains("a=setup:active\r\n"));
        offerer.applyAnswer(answerer.localDescription());
        a.awaitConnected();
        b.awaitConnected();
        assertTrue(offerer.isConnected() && answerer.isConnected());

        exchange(offerer, b, 1);
        exchange(answerer, a, 2);

        // SRTCP both ways: each side's report is decrypted and counted by the other
        ((PeerConnection) offerer).sendRtcpNow();
        ((PeerConnection) answerer).sendRtcpNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((((PeerConnection) answerer).rtcpReceived() < 1 || ((PeerConnection) offerer).rtcpReceived() < 1)
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, ((PeerConnection) answerer).rtcpReceived());
        assertEquals(1, ((PeerConnection) offerer).rtcpReceived());
        assertEquals(0, ((PeerConnection) answerer).droppedPackets());
    }

    @Test
    void anActiveOffererIsAnsweredPassiveAndTheyConnect() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, a, org.passerelle.transcoder.NanoClock.SYSTEM));
        // an offerer that insists on being the DTLS client (RFC 4145 §4)
        String active = offerer.localDescription().replace("a=setup:actpass", "a=setup:active");
        WebRtcSession answerer = track(WebRtcSession.answer(CONFIG, active, b));
        assertTrue(answerer.localDescription().contains("a=setup:passive\r\n"), answerer.localDescription());
        offerer.applyAnswer(answerer.localDescription());
        a.awaitConnected();
        b.awaitConnected();
        exchange(answerer, a, 3);
    }

    /** Sends five frames with distinct payloads and checks they arrive decrypted and in order. */
    private static void exchange(WebRtcSession from, Recorder to, int seed) throws InterruptedException {
        int n = 5, len = 80;
        for (int i = 0; i < n; i++) {
            RtpPacket p = from.packetPool().acquire();
            for (int j = 0; j < len; j++) p.buffer()[RtpPacket.FIXED_HEADER + j] = (byte) (seed * 31 + i * 7 + j);
            from.sendAudio(p, len, 960);
        }
        RtpPacket first = null;
        for (int i = 0; i < n; i++) {
            RtpPacket got = to.packets.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "packet " + i + " did not arrive");
            assertEquals(PeerConnection.OUR_OPUS_PT, got.payloadType());
            assertEquals(len, got.payloadLength());
            byte[] expected = new byte[len], actual = new byte[len];
            for (int j = 0; j < len; j++) expected[j] = (byte) (seed * 31 + i * 7 + j);
            System.arraycopy(got.buffer(), got.payloadOffset(), actual, 0, len);
            assertArrayEquals(expected, actual, "payload of packet " + i);
            assertTrue(got.arrivalNanos() != 0);
            if (first == null) {
                first = got;
                assertTrue(got.marker(), "first packet carries the marker");
            } else {
                assertEquals((first.sequence() + i) & 0xffff, got.sequence());
                assertEquals((first.timestamp() + 960L * i) & 0xffffffffL, got.timestamp());
                assertEquals(first.ssrc(), got.ssrc());
                got.release();
            }
        }
    }

    @Test
    void aFingerprintThatDoesNotMatchFailsTheConnection() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        WebRtcSession offerer = track(WebRtcSession.offer(CONFIG, a));
        WebRtcSession answerer = track(WebRtcSession.answer(CONFIG, offerer.localDescription(), b));
        String forged = answerer.localDescription().replaceAll("a=fingerprint:sha-256 [0-9A-F:]+",
                "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB");
        offerer.applyAnswer(forged);
        String reason = a.closed.get(10, TimeUnit.SECONDS);
        assertTrue(reason.contains("DTLS"), reason);
        assertFalse(offerer.isConnected());
        assertEquals(1, a.connected.getCount(), "the offerer never connected");
        // the answerer gets the alert and fails too
        assertTrue(b.closed.get(10, TimeUnit.SECONDS).contains("DTLS"));
        assertFalse(answerer.isConnected());
    }

    @Test
    void closeReleasesThePortsAndReportsOnce() throws Exception {
        Recorder a = new Recorder();
        PeerConnection offerer = (PeerConnection) WebRtcSession.offer(CONFIG, a);
        List<Integer> ports = offerer.localPorts();
        assertFalse(ports.isEmpty());
        offerer.close();
        offerer.close();
        assertEquals("closed", a.closed.get(1, TimeUnit.SECONDS));
        assertEquals(1, a.closedCalls);
        for (int port : ports) {
            try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                assertEquals(port, s.getLocalPort());
            }
        }
    }

    @Test
    void iceTimesOutWhenThePeerNeverAnswers() throws Exception {
        WebRtcConfig quick = new WebRtcConfig("127.0.0.1", null, 42000, 42999, Duration.ofMillis(1500));
        Recorder a = new Recorder(), gone = new Recorder();
        WebRtcSession offerer = track(WebRtcSession.offer(quick, a));
        WebRtcSession silent = WebRtcSession.answer(quick, offerer.localDescription(), gone);
        String answer = silent.localDescription();
        silent.close(); // its ports are closed: checks go nowhere
        offerer.applyAnswer(answer);
        String reason = a.closed.get(5, TimeUnit.SECONDS);
        assertTrue(reason.startsWith("ICE failed"), reason);
        assertFalse(offerer.isConnected());
    }
}
