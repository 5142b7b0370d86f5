package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * Two real sessions on loopback renegotiating over one transport, as LiveKit's subscriber
 * connection does: a re-offer adds a second audio track, and both tracks' packets arrive told
 * apart; an ICE-lite offer makes the answerer controlling.
 */
@Timeout(30)
class RenegotiationTest {
    static {
        java.util.logging.Logger.getLogger("org.ice4j").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("org.jitsi").setLevel(java.util.logging.Level.WARNING);
    }

    private static final WebRtcConfig CONFIG = new WebRtcConfig("127.0.0.1", null, 44000, 44999, Duration.ofSeconds(8));
    private final List<WebRtcSession> sessions = new ArrayList<>();

    /** A packet as received: its track and first payload byte. */
    record Received(RemoteTrack track, int seq, byte first) {}

    static final class Recorder implements WebRtcSession.Listener {
        final CountDownLatch connected = new CountDownLatch(1);
        final BlockingQueue<Received> packets = new LinkedBlockingQueue<>();
        final List<List<RemoteTrack>> trackUpdates = new CopyOnWriteArrayList<>();

        @Override public void onConnected() { connected.countDown(); }
        @Override public void onRtp(RtpPacket packet) { throw new AssertionError("the two-argument form is called"); }

        @Override
        public void onRtp(RtpPacket packet, RemoteTrack track) {
            packets.add(new Received(track, packet.sequence(), packet.buffer()[packet.payloadOffset()]));
            packet.release();
        }

        @Override public void onRemoteTracks(List<RemoteTrack> tracks) { trackUpdates.add(tracks); }
        @Override public void onClosed(String reason) { }

        void awaitConnected() throws InterruptedException {
            assertTrue(connected.await(10, TimeUnit.SECONDS), "not connected");
        }
    }

    @AfterEach
    void closeAll() {
        sessions.forEach(WebRtcSession::close);
    }

    private PeerConnection track(PeerConnection s) {
        sessions.add(s);
        return s;
    }

    @Test
    void aReOfferAddsASecondTrackAndBothArriveToldApart() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, a, NanoClock.SYSTEM));
        PeerConnection answerer = track(PeerConnection.answer(CONFIG, offerer.localDescription(), b, NanoClock.SYSTEM));
        offerer.applyAnswer(answerer.localDescription());
        a.awaitConnected();
        b.awaitConnected();
        assertEquals(1, answerer.remoteTracks().size());
        assertEquals(offerer.localTrackId(), answerer.remoteTracks().getFirst().trackId());

        int second = offerer.addSendTrack();
        String reOffer = offerer.createOffer();
        assertTrue(reOffer.contains("a=group:BUNDLE 0 1\r\n"), reOffer);
        assertThrows(WebRtcException.class, offerer::createOffer, "one offer at a time");
        String reAnswer = answerer.applyRemoteOffer(reOffer);
        assertTrue(reAnswer.contains("a=group:BUNDLE 0 1\r\n"), reAnswer);
        assertTrue(reAnswer.contains("a=recvonly\r\n"), "the new track is received only");
        offerer.applyAnswer(reAnswer);
        assertTrue(offerer.isConnected() && answerer.isConnected(), "the transport survived");

        List<RemoteTrack> tracks = answerer.remoteTracks();
        assertEquals(List.of("0", "1"), tracks.stream().map(RemoteTrack::mid).toList());
        assertEquals(tracks, b.trackUpdates.getLast(), "the listener heard of the new track");

        for (int i = 0; i < 20; i++) {
            RtpPacket p = offerer.packetPool().acquire();
            p.buffer()[RtpPacket.FIXED_HEADER] = (byte) (i % 2 == 0 ? 0xA0 : 0xB0);
            if (i % 2 == 0) offerer.sendAudio(p, 40, 960);
            else offerer.sendAudio(second, p, 40, 960);
        }
        Map<String, Integer> perMid = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            Received r = b.packets.poll(5, TimeUnit.SECONDS);
            assertNotNull(r, "packet " + i + " did not arrive");
            assertNotNull(r.track(), "every SSRC is announced");
            // what was sent on each track arrives as that track
            assertEquals(r.track().mid().equals("0") ? (byte) 0xA0 : (byte) 0xB0, r.first());
            perMid.merge(r.track().mid(), 1, Integer::sum);
        }
        assertEquals(Map.of("0", 10, "1", 10), perMid);
        assertEquals(0, answerer.droppedPackets());
    }

    @Test
    void aReceiveOnlyAnswerTakesTheOfferedTracksAndSendsNothing() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, a, NanoClock.SYSTEM));
        offerer.addSendTrack();
        String offer = offerer.createOffer();
        PeerConnection subscriber = track(PeerConnection.answer(CONFIG, offer, true, b, NanoClock.SYSTEM));
        String answer = subscriber.localDescription();
        assertEquals(2, answer.split("a=recvonly\r\n", -1).length - 1, answer);
        assertTrue(!answer.contains("a=ssrc:") && !answer.contains("a=sendrecv"), answer);
        assertEquals(2, subscriber.remoteTracks().size());
        offerer.applyAnswer(answer);
        a.awaitConnected();
        b.awaitConnected();
        RtpPacket p = offerer.packetPool().acquire();
        p.buffer()[RtpPacket.FIXED_HEADER] = 7;
        offerer.sendAudio(p, 10, 960);
        Received r = b.packets.poll(5, TimeUnit.SECONDS);
        assertNotNull(r);
        assertEquals("0", r.track().mid());
    }

    @Test
    void anIceLiteOffererMakesUsControllingAndWeStillConnect() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, a, NanoClock.SYSTEM));
        String lite = offerer.localDescription().replace("t=0 0\r\n", "t=0 0\r\na=ice-lite\r\n");
        // the candidates are held back (trickled below): checks start with the first one, and a
        // check answered by our full-agent offerer could settle a role conflict before we look
        List<String> candidates = lite.lines().filter(l -> l.startsWith("a=candidate:")).map(l -> l.substring(2)).toList();
        String withoutCandidates = lite.lines().filter(l -> !l.startsWith("a=candidate:"))
                .collect(java.util.stream.Collectors.joining("\r\n", "", "\r\n"));
        PeerConnection answerer = track(PeerConnection.answer(CONFIG, withoutCandidates, b, NanoClock.SYSTEM));
        assertTrue(answerer.isIceControlling(), "RFC 8445 §6.1.1: the full agent controls");
        assertTrue(!candidates.isEmpty(), lite);
        for (String c : candidates) answerer.addRemoteCandidate(c, "0");
        // our offerer is a full agent too: the role conflict is settled by tie-breakers (§7.3.1.1)
        offerer.applyAnswer(answerer.localDescription());
        a.awaitConnected();
        b.awaitConnected();
    }

    @Test
    void anIceRestartOrANewCertificateIsRefused() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, a, NanoClock.SYSTEM));
        PeerConnection answerer = track(PeerConnection.answer(CONFIG, offerer.localDescription(), b, NanoClock.SYSTEM));
        offerer.applyAnswer(answerer.localDescription());
        String reOffer = offerer.createOffer();
        String restarted = reOffer.replaceAll("a=ice-ufrag:[^\r]*", "a=ice-ufrag:brandnew");
        assertTrue(assertThrows(WebRtcException.class, () -> answerer.applyRemoteOffer(restarted))
                .getMessage().contains("ICE restart"));
        String newCert = reOffer.replaceAll("a=fingerprint:sha-256 [0-9A-F:]+", "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB");
        assertThrows(WebRtcException.class, () -> answerer.applyRemoteOffer(newCert));
        // the genuine re-offer still goes through
        offerer.applyAnswer(answerer.applyRemoteOffer(reOffer));
    }

    @Test
    void aRenegotiationKeepsTheDtlsRolesAndASwapIsRefused() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, a, NanoClock.SYSTEM));
        PeerConnection answerer = track(PeerConnection.answer(CONFIG, offerer.localDescription(), b, NanoClock.SYSTEM));
        // the first answer to actpass is active (RFC 5763 §5): the answerer is the DTLS client
        assertTrue(answerer.localDescription().contains("a=setup:active\r\n"), answerer.localDescription());
        offerer.applyAnswer(answerer.localDescription());
        a.awaitConnected();
        b.awaitConnected();

        String reOffer = offerer.createOffer();
        assertTrue(reOffer.contains("a=setup:actpass\r\n"), "a re-offer says actpass (RFC 8842 §5.5)");
        // an offerer that wants to be the client now, as the answerer already is: refused
        String swapped = reOffer.replace("a=setup:actpass", "a=setup:active");
        assertTrue(assertThrows(WebRtcException.class, () -> answerer.applyRemoteOffer(swapped))
                .getMessage().contains("RFC 8842"));
        // actpass and the established role (the offerer stays server: passive) are answered active again
        String reAnswer = answerer.applyRemoteOffer(reOffer);
        assertTrue(reAnswer.contains("a=setup:active\r\n") && !reAnswer.contains("a=setup:passive"), reAnswer);
        offerer.applyAnswer(reAnswer);
        String passive = offerer.createOffer().replace("a=setup:actpass", "a=setup:passive");
        String answer2 = answerer.applyRemoteOffer(passive);
        assertTrue(answer2.contains("a=setup:active\r\n"), answer2);
        // the offerer is the server: an answer that makes the answerer passive is refused too
        String swappedAnswer = answer2.replace("a=setup:active", "a=setup:passive");
        assertTrue(assertThrows(WebRtcException.class, () -> offerer.applyAnswer(swappedAnswer))
                .getMessage().contains("RFC 8842"));
        offerer.applyAnswer(answer2);
        assertTrue(offerer.isConnected() && answerer.isConnected(), "the transport survived");
    }

    @Test
    void trickleOnlyOffersConnectOnceTheCandidatesArrive() throws Exception {
        // LiveKit writes no candidate in its SDP and trickles them all, with the BUNDLE tag's mid
        Recorder a = new Recorder(), b = new Recorder();
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, a, NanoClock.SYSTEM));
        String bare = offerer.localDescription().replaceAll("a=candidate:[^\r]*\r\n", "")
                .replace("a=end-of-candidates\r\n", "");
        PeerConnection answerer = track(PeerConnection.answer(CONFIG, bare, true, b, NanoClock.SYSTEM));
        String answer = answerer.localDescription().replaceAll("a=candidate:[^\r]*\r\n", "");
        offerer.applyAnswer(answer);
        for (TrickleCandidate c : answerer.localCandidates()) offerer.addRemoteCandidate(c.candidate(), c.sdpMid());
        for (TrickleCandidate c : offerer.localCandidates()) answerer.addRemoteCandidate(c.candidate(), "whatever-mid");
        offerer.addRemoteCandidate("", null); // end of candidates is ignored
        a.awaitConnected();
        b.awaitConnected();
    }

    @Test
    void localCandidatesAreOfferedForTrickle() throws Exception {
        PeerConnection offerer = track(PeerConnection.offer(CONFIG, new Recorder(), NanoClock.SYSTEM));
        List<TrickleCandidate> c = offerer.localCandidates();
        assertTrue(!c.isEmpty());
        TrickleCandidate first = c.getFirst();
        assertTrue(first.candidate().startsWith("candidate:") && first.candidate().contains(" 127.0.0.1 "), first.candidate());
        assertEquals("0", first.sdpMid());
        assertEquals(0, first.sdpMLineIndex());
        assertTrue(offerer.localDescription().contains("a=" + first.candidate() + "\r\n"));
    }
}
