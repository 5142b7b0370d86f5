package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;

/** Component tests: a real SipServer on 127.0.0.1 driven by raw SIP text and raw RTP. */
class SipServerTest {
    private SipServer server;
    private RecordingHandler handler;
    private int port;
    private final String ruri = "sip:demo@127.0.0.1";

    @BeforeEach
    void start() throws IOException {
        startWith(base());
    }

    private SipConfig base() throws IOException {
        port = freePort();
        int rtpBase = 20000 + (int) (Math.random() * 20000) & ~1;
        return SipConfig.defaults().withBind("127.0.0.1", port).withRtpPorts(rtpBase, rtpBase + 99)
                .withRtpTimeout(Duration.ofSeconds(30));
    }

    private void startWith(SipConfig config) throws IOException {
        if (server != null) server.close();
        handler = new RecordingHandler();
        server = new SipServer(config, handler);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0); DatagramSocket d = new DatagramSocket(s.getLocalPort())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // Taken over UDP; try another.
            }
        }
        throw new IOException("no free port");
    }

    private String invite(RawSipPhone phone, String sdp) throws IOException {
        String msg = phone.request("INVITE", ruri, null, phone.nextCseq(), null, sdp == null ? null : "application/sdp", sdp);
        phone.send(msg);
        return msg;
    }

    private static int sdpPort(String message) {
        Matcher m = Pattern.compile("m=audio (\\d+)").matcher(RawSipPhone.body(message));
        assertTrue(m.find(), "no m=audio in " + message);
        return Integer.parseInt(m.group(1));
    }

    private static String sdpVersion(String message) {
        Matcher m = Pattern.compile("(?m)^o=\\S+ \\S+ (\\d+)").matcher(RawSipPhone.body(message));
        assertTrue(m.find());
        return m.group(1);
    }

    /** INVITE → 100/180/200 → ACK, then the leg is established. Returns the 200. */
    private String establish(RawSipPhone phone, String sdp) throws Exception {
        invite(phone, sdp);
        phone.awaitResponse(100, "INVITE");
        phone.awaitResponse(180, "INVITE");
        String ok = phone.awaitResponse(200, "INVITE");
        phone.send(phone.ack(ok, ruri, 1, null, null));
        assertEquals("established", handler.awaitEvent());
        return ok;
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void callWithRtpBothWaysAndRemoteBye(String transport) throws Exception {
        try (RawSipPhone phone = new RawSipPhone(transport, port);
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket decoy = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            // The SDP names the decoy port; RTP really comes from another one (a NAT would do that).
            String sdp = RawSipPhone.sdp(decoy.getLocalPort(), "127.0.0.1", "8 0 101",
                    "rtpmap:8 PCMA/8000", "rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000", "fmtp:101 0-16");
            invite(phone, sdp);
            String trying = phone.awaitResponse(100, "INVITE");
            assertEquals("Passerelle", RawSipPhone.header(trying, "Server"));
            phone.awaitResponse(180, "INVITE");
            String ok = phone.awaitResponse(200, "INVITE");
            assertNotNull(RawSipPhone.header(ok, "Contact"));
            String answer = RawSipPhone.body(ok);
            // Our preference is OPUS, G722, PCMU, PCMA: PCMU wins, with the offer's numbers.
            assertTrue(answer.contains("m=audio " + sdpPort(ok) + " RTP/AVP 0 101"), answer);
            assertTrue(answer.contains("a=rtpmap:101 telephone-event/8000"), answer);
            SipLeg leg = handler.awaitLeg();
            assertEquals(AudioCodec.PCMU, leg.codec());
            assertEquals("demo", leg.requestUser());
            assertEquals("alice", leg.fromUser());
            assertEquals("Alice", leg.fromDisplayName());
            phone.send(phone.ack(ok, ruri, 1, null, null));
            assertEquals("established", handler.awaitEvent());

            // Phone → gateway.
            InetSocketAddress ours = new InetSocketAddress("127.0.0.1", sdpPort(ok));
            byte[] pkt = rtpPacket(0, 7, 160, 0x1234, 160);
            rtp.send(new DatagramPacket(pkt, pkt.length, ours));
            RtpPacket got = handler.rtp.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "RTP did not reach the listener");
            assertEquals(7, got.sequence());
            assertEquals(0x1234, got.ssrc());
            assertTrue(got.arrivalNanos() != 0);
            // Telephone-event and unknown payload types do not reach onRtp.
            byte[] te = rtpPacket(101, 8, 160, 0x1234, 4);
            byte[] junk = rtpPacket(96, 9, 160, 0x1234, 10);
            rtp.send(new DatagramPacket(te, te.length, ours));
            rtp.send(new DatagramPacket(junk, junk.length, ours));
            rtp.send(new DatagramPacket(pkt, pkt.length, ours));
            assertNotNull(handler.rtp.poll(5, TimeUnit.SECONDS));
            assertNull(handler.rtp.poll(200, TimeUnit.MILLISECONDS));

            // Gateway → phone: latched to where RTP came from, not the SDP port.
            for (int i = 0; i < 2; i++) {
                RtpPacket out = leg.packetPool().acquire();
                for (int j = 0; j < 160; j++) out.buffer()[RtpPacket.FIXED_HEADER + j] = (byte) 0xff;
                leg.sendAudio(out, 160, 160);
            }
            rtp.setSoTimeout(5000);
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            rtp.receive(in);
            RtpPacket first = RtpPacket.unpooled();
            first.fill(in.getData(), 0, in.getLength());
            rtp.receive(in);
            RtpPacket second = RtpPacket.unpooled();
            second.fill(in.getData(), 0, in.getLength());
            assertEquals(0, first.payloadType());
            assertEquals(172, first.length());
            assertTrue(first.marker(), "first packet of a talkspurt is marked");
            assertFalse(second.marker());
            assertEquals((first.sequence() + 1) & 0xffff, second.sequence());
            assertEquals((first.timestamp() + 160) & 0xffffffffL, second.timestamp());
            assertEquals(first.ssrc(), second.ssrc());

            String bye = phone.request("BYE", ruri, RawSipPhone.toTag(ok), phone.nextCseq(), null, null, null);
            phone.send(bye);
            phone.awaitResponse(200, "BYE");
            assertEquals(SipLeg.EndReason.REMOTE_BYE, handler.awaitEnded());
            awaitActiveCalls(0);
        }
    }

    private void awaitActiveCalls(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.activeCalls() != n) {
            if (System.nanoTime() > deadline) fail("active calls " + server.activeCalls() + ", expected " + n);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    static byte[] rtpPacket(int pt, int seq, long ts, long ssrc, int payload) {
        RtpPacket p = RtpPacket.unpooled();
        p.writeHeader(pt, false, seq, ts, ssrc, payload);
        byte[] b = new byte[p.length()];
        System.arraycopy(p.buffer(), 0, b, 0, b.length);
        return b;
    }

    @Test
    void lateOfferIsAnsweredInAck() throws Exception {
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            invite(phone, null);
            phone.awaitResponse(100, "INVITE");
            String ok = phone.awaitResponse(200, "INVITE");
            String offer = RawSipPhone.body(ok);
            // Every codec of ours and telephone-event for both clocks.
            assertTrue(offer.contains("a=rtpmap:111 opus/48000/2"), offer);
            assertTrue(offer.contains("a=rtpmap:9 G722/8000"), offer);
            assertTrue(offer.contains("a=rtpmap:0 PCMU/8000"), offer);
            assertTrue(offer.contains("a=rtpmap:8 PCMA/8000"), offer);
            assertTrue(offer.contains("telephone-event/8000"), offer);
            assertTrue(offer.contains("telephone-event/48000"), offer);
            String answer = RawSipPhone.sdp(40000, "127.0.0.1", "8 101", "rtpmap:8 PCMA/8000",
                    "rtpmap:101 telephone-event/8000");
            phone.send(phone.ack(ok, ruri, 1, "application/sdp", answer));
            assertEquals("established", handler.awaitEvent());
            SipLeg leg = handler.awaitLeg();
            assertEquals(AudioCodec.PCMA, leg.codec());
        }
    }

    @Test
    void holdAndResumeKeepTheCall() throws Exception {
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String sdp = RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000");
            String ok = establish(phone, sdp);
            SipLeg leg = handler.awaitLeg();
            String tag = RawSipPhone.toTag(ok);
            String v0 = sdpVersion(ok);

            String r1 = reinvite(phone, tag, RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000", "sendonly"));
            assertTrue(RawSipPhone.body(r1).contains("a=recvonly"), r1);
            assertEquals("held", handler.awaitEvent());
            assertTrue(leg.onHold());
            String v1 = sdpVersion(r1);
            assertEquals(Long.parseLong(v0) + 1, Long.parseLong(v1), "our SDP changed: version +1");

            String r2 = reinvite(phone, tag, RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000", "inactive"));
            assertTrue(RawSipPhone.body(r2).contains("a=inactive"), r2);
            assertTrue(leg.onHold());

            String r3 = reinvite(phone, tag, RawSipPhone.sdp(40000, "127.0.0.1", "0", "rtpmap:0 PCMU/8000", "sendrecv"));
            assertTrue(RawSipPhone.body(r3).contains("a=sendrecv"), r3);
            assertEquals("resumed", handler.awaitEvent());
            assertFalse(leg.onHold());

            // RFC 2543 hold: c=0.0.0.0.
            String r4 = reinvite(phone, tag, RawSipPhone.sdp(40000, "0.0.0.0", "0", "rtpmap:0 PCMU/8000"));
            assertTrue(RawSipPhone.body(r4).contains("a=recvonly"), r4);
            assertEquals("held", handler.awaitEvent());
            String r5 = reinvite(phone, tag, RawSipPhone.sdp(40002, "127.0.0.1", "0", "rtpmap:0 PCMU/8000"));
            assertEquals("resumed", handler.awaitEvent());
            // Same SDP as r3 apart from the version: unchanged description keeps its version.
            String r6 = reinvite(phone, tag, RawSipPhone.sdp(40002, "127.0.0.1", "0", "rtpmap:0 PCMU/8000"));
            assertEquals(sdpVersion(r5), sdpVersion(r6), "same SDP, same version (RFC 3264 §8)");
            assertNotEquals(sdpVersion(r4), sdpVersion(r5));

            // A re-INVITE without SDP: we offer, the ACK answers.
            String r7 = reinviteAck(phone, tag, null, "application/sdp",
                    RawSipPhone.sdp(40004, "127.0.0.1", "0", "rtpmap:0 PCMU/8000", "sendonly"));
            assertTrue(RawSipPhone.body(r7).contains("a=rtpmap:0 PCMU/8000"), r7);
            assertEquals("held", handler.awaitEvent());
            assertTrue(handler.ended.isEmpty(), "call still up");
            assertEquals(1, server.activeCalls());
        }
    }

    private String reinvite(RawSipPhone phone, String tag, String sdp) throws Exception {
        return reinviteAck(phone, tag, sdp, null, null);
    }

    private String reinviteAck(RawSipPhone phone, String tag, String sdp, String ackType, String ackBody) throws Exception {
        int cseq = phone.nextCseq();
        phone.send(phone.request("INVITE", ruri, tag, cseq, null, sdp == null ? null : "application/sdp", sdp));
        String ok = phone.awaitResponse(200, "INVITE");
        phone.send(phone.ack(ok, ruri, cseq, ackType, ackBody));
        return ok;
    }

    @Test
    void noCommonCodecIs488WithWarning() throws Exception {
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            invite(phone, RawSipPhone.sdp(40000, "127.0.0.1", "18 3", "rtpmap:18 G729/8000", "rtpmap:3 GSM/8000"));
            String r = phone.awaitResponse(488, "INVITE");
            assertTrue(RawSipPhone.header(r, "Warning").startsWith("305 "), r);
            assertTrue(handler.legs.isEmpty());
            awaitActiveCalls(0);
        }
    }

    @Test
    void cancelBeforeAnswerGives487() throws Exception {
        handler.onCall = SipLeg::ringing;
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String inv = invite(phone, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            phone.awaitResponse(180, "INVITE");
            // CANCEL copies the INVITE's Via (same branch), Call-ID, From, To and CSeq number.
            String cancel = inv.replaceFirst("^INVITE ", "CANCEL ").replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL")
                    .replaceAll("(?s)Content-Type:.*$", "Content-Length: 0\r\n\r\n");
            phone.send(cancel);
            phone.awaitResponse(200, "CANCEL");
            phone.awaitResponse(487, "INVITE");
            assertEquals(SipLeg.EndReason.CANCELLED, handler.awaitEnded());
        }
    }

    @Test
    void earlyMediaReachesThePhoneBeforeTheFinalError() throws Exception {
        handler.onCall = leg -> {
            leg.ringing();
            assertTrue(leg.earlyMedia());
        };
        try (RawSipPhone phone = new RawSipPhone("udp", port);
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            invite(phone, RawSipPhone.sdp(rtp.getLocalPort(), "127.0.0.1", "0", "rtpmap:0 PCMU/8000"));
            phone.awaitResponse(180, "INVITE");
            String progress = phone.awaitResponse(183, "INVITE");
            assertTrue(RawSipPhone.body(progress).contains("m=audio " + sdpPort(progress) + " RTP/AVP 0"), progress);
            SipLeg leg = handler.awaitLeg();
            // What the gateway says before refusing: sent as RTP now, before any answer. The 183
            // can reach the phone just before the leg starts sending (the plan is applied once it
            // is sent), so frames go every 20 ms, as the media clock would, until one arrives.
            DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
            rtp.setSoTimeout(20);
            for (int i = 0; ; i++) {
                RtpPacket out = leg.packetPool().acquire();
                java.util.Arrays.fill(out.buffer(), RtpPacket.FIXED_HEADER, RtpPacket.FIXED_HEADER + 160, (byte) 0x55);
                leg.sendAudio(out, 160, 160);
                try {
                    rtp.receive(got);
                    break;
                } catch (java.net.SocketTimeoutException e) {
                    if (i == 150) throw e; // 3 s without a frame: early media does not flow
                }
            }
            assertEquals(12 + 160, got.getLength());
            assertEquals(0, got.getData()[1] & 0x7f, "PCMU");
            leg.reject(503, "Room service unreachable");
            String r = phone.awaitResponse(503, "INVITE");
            assertTrue(r.startsWith("SIP/2.0 503 Room service unreachable"), r);
            assertEquals(SipLeg.EndReason.REJECTED, handler.awaitEnded());
            awaitActiveCalls(0);
        }
    }

    @Test
    void lateOfferHasNoEarlyMedia() throws Exception {
        handler.onCall = leg -> {
            leg.ringing();
            handler.events.add("early:" + leg.earlyMedia());
            leg.reject(503, null);
        };
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            invite(phone, null);
            phone.awaitResponse(180, "INVITE");
            phone.awaitResponse(503, "INVITE");
            assertEquals("early:false", handler.awaitEvent());
        }
    }

    @Test
    void optionsAnswersWhatWeDo() throws Exception {
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            phone.send(phone.request("OPTIONS", ruri, null, 1, null, null, null));
            String r = phone.awaitResponse(200, "OPTIONS");
            assertTrue(RawSipPhone.header(r, "Allow").contains("INVITE"), r);
            assertEquals("application/sdp", RawSipPhone.header(r, "Accept"));
            assertNotNull(RawSipPhone.header(r, "Supported"), r);
        }
    }

    @Test
    void knownMethodsGet405UnknownOnes501() throws Exception {
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            for (String m : List.of("REGISTER", "SUBSCRIBE", "MESSAGE", "REFER", "PUBLISH")) {
                phone.send(phone.request(m, ruri, null, 1, m.equals("SUBSCRIBE") ? "Event: presence\r\n" : null,
                        null, null));
                String r = phone.awaitResponse(405, m);
                assertTrue(RawSipPhone.header(r, "Allow").contains("BYE"), r);
            }
            phone.send(phone.request("FROBNICATE", ruri, null, 1, null, null, null));
            phone.awaitResponse(501, "FROBNICATE");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void malformedInviteGets400AndNextCallWorks(String transport) throws Exception {
        try (RawSipPhone phone = new RawSipPhone(transport, port)) {
            String bad = phone.request("INVITE", ruri, null, 1, null, null, null)
                    .replace("CSeq: 1 INVITE", "CSeq: one INVITE");
            phone.send(bad);
            String r = phone.receive(RawSipPhone.WAIT);
            assertNotNull(r, "no answer to a readable malformed INVITE");
            assertTrue(r.startsWith("SIP/2.0 400 "), r);
            assertTrue(r.contains(phone.callId), r);
            assertEquals("Passerelle", RawSipPhone.header(r, "Server"));
            assertFalse(r.startsWith("SIP/2.0 400 Bad Request (CSeq: one INVITE\r\n:"), "one-line reason");
        }
        try (RawSipPhone phone = new RawSipPhone(transport, port)) {
            // Unreadable: no request line, nothing to answer to.
            phone.send("\u0001\u0002 hello there\r\nnot: sip\r\n\r\n");
            assertNull(phone.anyWithin(Duration.ofMillis(500)));
        }
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            // Readable SIP, unreadable SDP: 400 from us.
            invite(phone, "this is not sdp");
            String r = phone.awaitResponse(400, "INVITE");
            assertTrue(r.startsWith("SIP/2.0 400 Bad SDP"), r);
        }
        try (RawSipPhone phone = new RawSipPhone(transport, port)) {
            establish(phone, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            SipLeg leg = handler.awaitLeg();
            if (transport.equals("udp")) assertEquals(phone.localPort(), leg.remoteSignallingAddress().getPort());
        }
        assertEquals(1, server.activeCalls());
    }

    @Test
    void oversizedMessageIsRefused() throws Exception {
        SipConfig c = base();
        startWith(new SipConfig(c.bindAddress(), c.port(), c.transports(), null, c.rtpPortMin(), c.rtpPortMax(),
                c.rtpTimeout(), c.codecs(), 4096, c.maxCalls(), c.userAgent()));
        String big = "X-Padding: " + "a".repeat(5_000) + "\r\n";
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            phone.send(phone.request("INVITE", ruri, null, 1, big, null, null));
            phone.awaitResponse(513, "INVITE");
        }
        try (RawSipPhone phone = new RawSipPhone("tcp", port)) {
            phone.send(phone.request("INVITE", ruri, null, 1, big, null, null));
            assertTrue(phone.tcpClosed(Duration.ofSeconds(5)), "connection with oversized message closed");
        }
        assertTrue(handler.legs.isEmpty());
    }

    @Test
    void rtpTimeoutSendsByeAndEnds() throws Exception {
        startWith(base().withRtpTimeout(Duration.ofMillis(400)));
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            establish(phone, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            String bye = phone.awaitRequest("BYE");
            phone.send(phone.okFor(bye));
            assertEquals(SipLeg.EndReason.RTP_TIMEOUT, handler.awaitEnded());
        }
    }

    @Test
    void noRtpTimeoutWhileOnHold() throws Exception {
        startWith(base().withRtpTimeout(Duration.ofMillis(400)));
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            String ok = establish(phone, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            String tag = RawSipPhone.toTag(ok);
            reinvite(phone, tag, RawSipPhone.sdp(40000, "127.0.0.1", "0", "inactive"));
            assertEquals("held", handler.awaitEvent());
            // Four timeouts of silence on hold: no BYE.
            String during = phone.anyWithin(Duration.ofMillis(1600));
            assertTrue(during == null || !during.startsWith("BYE"), during);
            reinvite(phone, tag, RawSipPhone.sdp(40000, "127.0.0.1", "0", "sendrecv"));
            assertEquals("resumed", handler.awaitEvent());
            String bye = phone.awaitRequest("BYE");
            phone.send(phone.okFor(bye));
            assertEquals(SipLeg.EndReason.RTP_TIMEOUT, handler.awaitEnded());
        }
    }

    @Test
    void missingAckEndsTheCall() throws Exception {
        server.close();
        handler = new RecordingHandler();
        server = new SipServer(base(), handler);
        server.ackTimeoutFactor = 4;  // 2 s instead of 32 s
        server.start();
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            invite(phone, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            phone.awaitResponse(200, "INVITE");
            // No ACK: the 200 is retransmitted, then the call ends (RFC 3261 §13.3.1.4).
            SipLeg.EndReason r = handler.ended.poll(10, TimeUnit.SECONDS);
            assertEquals(SipLeg.EndReason.ACK_TIMEOUT, r);
        }
    }

    @Test
    void beyondMaxCallsIs503() throws Exception {
        SipConfig c = base();
        startWith(new SipConfig(c.bindAddress(), c.port(), c.transports(), null, c.rtpPortMin(), c.rtpPortMax(),
                c.rtpTimeout(), c.codecs(), c.maxMessageBytes(), 1, c.userAgent()));
        handler.onCall = SipLeg::ringing;
        try (RawSipPhone a = new RawSipPhone("udp", port); RawSipPhone b = new RawSipPhone("udp", port)) {
            invite(a, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            a.awaitResponse(180, "INVITE");
            invite(b, RawSipPhone.sdp(40002, "127.0.0.1", "0"));
            String r = b.awaitResponse(503, "INVITE");
            assertNotNull(RawSipPhone.header(r, "Retry-After"), r);
        }
    }

    @Test
    void unsupportedRequireIs420() throws Exception {
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            phone.send(phone.request("INVITE", ruri, null, 1, "Require: 100rel, precondition\r\n", "application/sdp",
                    RawSipPhone.sdp(40000, "127.0.0.1", "0")));
            String r = phone.awaitResponse(420, "INVITE");
            assertTrue(RawSipPhone.header(r, "Unsupported").contains("100rel"), r);
            assertTrue(handler.legs.isEmpty());
        }
    }

    @Test
    void unansweredInviteIsEndedWith480() throws Exception {
        // long enough for the 180 to go out first on a loaded machine, short for a test
        server.answerTimeout = Duration.ofMillis(1500);
        handler.onCall = SipLeg::ringing;
        try (RawSipPhone phone = new RawSipPhone("udp", port)) {
            invite(phone, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            phone.awaitResponse(180, "INVITE");
            phone.awaitResponse(480, "INVITE");
            assertEquals(SipLeg.EndReason.LOCAL_HANGUP, handler.awaitEnded());
            awaitActiveCalls(0);
        }
    }

    @Test
    void rejectSendsFinalResponse() throws Exception {
        handler.onCall = leg -> leg.reject(404, "Not Found");
        try (RawSipPhone phone = new RawSipPhone("tcp", port)) {
            invite(phone, RawSipPhone.sdp(40000, "127.0.0.1", "0"));
            phone.awaitResponse(404, "INVITE");
            assertEquals(SipLeg.EndReason.REJECTED, handler.awaitEnded());
        }
    }
}
