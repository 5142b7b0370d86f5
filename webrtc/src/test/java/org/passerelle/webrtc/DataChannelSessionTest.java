package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.passerelle.transcoder.rtp.RtpPacket;

/** Two real sessions on loopback with data channels: SDP, DTLS, SCTP, DCEP, messages, close. */
@Timeout(30)
class DataChannelSessionTest {
    static {
        java.util.logging.Logger.getLogger("org.ice4j").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("org.jitsi").setLevel(java.util.logging.Level.WARNING);
    }

    private static final WebRtcConfig CONFIG = new WebRtcConfig("127.0.0.1", null, 43000, 43999, Duration.ofSeconds(8));
    private final List<WebRtcSession> sessions = new ArrayList<>();

    record Received(DataChannel channel, String text, byte[] binary) {}

    static final class Recorder implements WebRtcSession.Listener {
        final CountDownLatch connected = new CountDownLatch(1);
        final BlockingQueue<DataChannel> opened = new LinkedBlockingQueue<>();
        final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<DataChannel> closed = new LinkedBlockingQueue<>();

        @Override public void onConnected() { connected.countDown(); }
        @Override public void onRtp(RtpPacket packet) { packet.release(); }
        @Override public void onClosed(String reason) { }
        @Override public void onDataChannel(DataChannel channel) { opened.add(channel); }
        @Override public void onDataMessage(DataChannel channel, byte[] message, boolean binary) {
            messages.add(new Received(channel, binary ? null : new String(message, StandardCharsets.UTF_8),
                    binary ? message : null));
        }
        @Override public void onDataChannelClosed(DataChannel channel) { closed.add(channel); }

        DataChannel awaitOpened() throws InterruptedException {
            DataChannel c = opened.poll(10, TimeUnit.SECONDS);
            assertNotNull(c, "no data channel opened");
            return c;
        }

        Received awaitMessage() throws InterruptedException {
            Received r = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(r, "no message");
            return r;
        }
    }

    @AfterEach
    void closeAll() {
        sessions.forEach(WebRtcSession::close);
    }

    @Test
    void channelsFromBothSidesCarryTextAndBinaryAndClose() throws Exception {
        Recorder a = new Recorder(), b = new Recorder();
        WebRtcSession offerer = WebRtcSession.offer(CONFIG, a, true);
        sessions.add(offerer);
        String offer = offerer.localDescription();
        assertTrue(offer.contains("m=application "), offer);
        assertTrue(offer.contains("UDP/DTLS/SCTP webrtc-datachannel"), offer);
        assertTrue(offer.contains("a=group:BUNDLE 0 dc"), offer);
        assertTrue(offer.contains("a=sctp-port:5000") && offer.contains("a=max-message-size:262144"), offer);
        // made before the connection: CONNECTING, opened once the association is up
        DataChannel reliable = offerer.createDataChannel("_reliable", true, -1);
        assertEquals(DataChannel.State.CONNECTING, reliable.state());

        WebRtcSession answerer = WebRtcSession.answer(CONFIG, offer, b);
        sessions.add(answerer);
        String answer = answerer.localDescription();
        assertTrue(answer.contains("UDP/DTLS/SCTP webrtc-datachannel") && answer.contains("a=sctp-port:5000"), answer);
        assertFalse(answer.contains("m=application 0"), "the data m-line is taken: " + answer);
        offerer.applyAnswer(answer);

        assertEquals(reliable, a.awaitOpened());
        assertEquals(DataChannel.State.OPEN, reliable.state());
        // the offerer is the DTLS server (the answer says active): odd stream ids (RFC 8832 §6)
        assertEquals(1, reliable.streamId());
        DataChannel theirs = b.awaitOpened();
        assertEquals("_reliable", theirs.label());
        assertTrue(theirs.ordered());
        assertEquals(-1, theirs.maxRetransmits());
        assertEquals(1, theirs.streamId());

        assertTrue(reliable.send("hello".getBytes(StandardCharsets.UTF_8), false));
        Received r = b.awaitMessage();
        assertEquals("hello", r.text());
        assertEquals(theirs, r.channel());
        byte[] blob = new byte[64 * 1024];
        new Random(1).nextBytes(blob);
        assertTrue(theirs.send(blob, true));
        Received back = a.awaitMessage();
        assertArrayEquals(blob, back.binary());
        assertTrue(theirs.send(new byte[0], false), "empty messages go as PPID 56");
        assertEquals("", a.awaitMessage().text());

        // a lossy unordered channel from the answerer (DTLS client: even ids)
        DataChannel lossy = answerer.createDataChannel("_lossy", false, 0);
        assertEquals(lossy, b.awaitOpened());
        assertEquals(0, lossy.streamId());
        DataChannel lossyThere = a.awaitOpened();
        assertEquals("_lossy", lossyThere.label());
        assertFalse(lossyThere.ordered());
        assertEquals(0, lossyThere.maxRetransmits());
        assertTrue(lossy.send(new byte[] {1, 2, 3}, true));
        Received l = a.awaitMessage();
        assertEquals(lossyThere, l.channel());
        assertArrayEquals(new byte[] {1, 2, 3}, l.binary());

        // closing one: both sides report it closed, the other channel goes on
        theirs.close();
        assertEquals(theirs, b.closed.poll(10, TimeUnit.SECONDS));
        assertEquals(reliable, a.closed.poll(10, TimeUnit.SECONDS));
        assertEquals(DataChannel.State.CLOSED, reliable.state());
        assertFalse(reliable.send(new byte[] {1}, true));
        assertTrue(lossyThere.send("still here".getBytes(StandardCharsets.UTF_8), false));
        assertEquals("still here", b.awaitMessage().text());

        // the session closing reports the remaining channels closed
        offerer.close();
        assertEquals(lossyThere, a.closed.poll(5, TimeUnit.SECONDS));
        assertEquals(lossy, b.closed.poll(10, TimeUnit.SECONDS), "ABORT reached the peer");
    }

    /** An SFU's subscriber connection: it opens the channels and sends on them; we only receive media. */
    @Test
    void receiveOnlyAnswerSpeaksSctpWhenAsked() throws Exception {
        Recorder sfu = new Recorder(), sub = new Recorder(), plain = new Recorder();
        WebRtcSession offerer = WebRtcSession.offer(CONFIG, sfu, true);
        sessions.add(offerer);
        String offer = offerer.localDescription();

        WebRtcSession quiet = WebRtcSession.answerReceiveOnly(CONFIG, offer, plain);
        sessions.add(quiet);
        assertTrue(quiet.localDescription().contains("m=application 0 "), "by default the data m-line is rejected");
        assertThrows(WebRtcException.class, () -> quiet.createDataChannel("x", true, -1));
        quiet.close();

        WebRtcSession answerer = WebRtcSession.answerReceiveOnly(CONFIG, offer, sub, true);
        sessions.add(answerer);
        assertTrue(answerer.localDescription().contains("a=sctp-port:5000"), answerer.localDescription());
        offerer.applyAnswer(answerer.localDescription());
        DataChannel reliable = offerer.createDataChannel("_reliable", true, -1);
        assertEquals(reliable, sfu.awaitOpened());
        DataChannel there = sub.awaitOpened();
        assertEquals("_reliable", there.label());
        assertTrue(reliable.send(new byte[] {10, 20}, true));
        Received r = sub.awaitMessage();
        assertEquals(there, r.channel());
        assertArrayEquals(new byte[] {10, 20}, r.binary());
    }

    @Test
    void sessionWithoutDataChannelsRefusesThem() throws Exception {
        Recorder a = new Recorder();
        WebRtcSession offerer = WebRtcSession.offer(CONFIG, a);
        sessions.add(offerer);
        assertFalse(offerer.localDescription().contains("m=application"));
        assertThrows(WebRtcException.class, () -> offerer.createDataChannel("x", true, -1));
    }
}
