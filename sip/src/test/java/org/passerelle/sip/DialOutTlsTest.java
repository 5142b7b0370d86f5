package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.sip.outbound.DialResult;
import org.passerelle.sip.outbound.OutboundCall;
import org.passerelle.sip.sdp.SrtpMode;
import org.passerelle.sip.tls.SipTls;
import org.passerelle.sip.tls.TestTls;
import org.passerelle.sip.trunk.OutboundTrunk;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * Dial-out through a trunk over TLS (RFC 3261 §26.2) to a second SipServer, which trusts no one
 * but answers; the caller trusts exactly the callee's certificate. With SDES-SRTP (RFC 4568) the
 * payloads still arrive intact both ways, so both ends agreed on the keys.
 */
class DialOutTlsTest {
    @TempDir Path dir;
    private SipServer caller;
    private SipServer callee;
    private RecordingHandler answering;
    private int calleeTlsPort;
    private TestTls calleeTls;

    @AfterEach
    void stop() {
        if (caller != null) caller.close();
        if (callee != null) callee.close();
    }

    private void start() throws IOException {
        Files.createDirectories(dir.resolve("callee"));
        Files.createDirectories(dir.resolve("caller"));
        calleeTls = TestTls.in(dir.resolve("callee"));
        TestTls callerTls = TestTls.in(dir.resolve("caller"));
        calleeTlsPort = SipServerTest.freePort();
        int base = 20000 + (int) (Math.random() * 20000) & ~1;
        answering = new RecordingHandler();
        callee = new SipServer(SipConfig.defaults().withBind("127.0.0.1", SipServerTest.freePort())
                .withRtpPorts(base, base + 19).withTls(calleeTls.config(calleeTlsPort)), answering);
        callee.start();
        SipTls ours = new SipTls(SipServerTest.freePort(), callerTls.certificate(), callerTls.privateKey(),
                calleeTls.certificate());
        caller = new SipServer(SipConfig.defaults().withBind("127.0.0.1", SipServerTest.freePort())
                .withRtpPorts(base + 20, base + 39).withTls(ours), leg -> leg.reject(404, null));
        caller.start();
    }

    private OutboundTrunk trunk(SrtpMode srtp) {
        return new OutboundTrunk("secure", "127.0.0.1:" + calleeTlsPort, "tls", null, false, Duration.ofMinutes(5),
                "+33100000000", List.of(), "e164", srtp);
    }

    @Test
    void callOverTlsWithMandatorySrtpCarriesAudioBothWaysAndEnds() throws Exception {
        start();
        Listener l = new Listener();
        OutboundCall call = caller.dial(trunk(SrtpMode.MANDATORY), "sip:board@127.0.0.1:" + calleeTlsPort
                + ";transport=tls", null, "Passerelle", l);
        assertEquals("answered", l.events.poll(10, TimeUnit.SECONDS), () -> "events: " + l.events);
        SipLeg leg = answering.awaitLeg();
        assertEquals("board", leg.requestUser());
        assertEquals("established", answering.awaitEvent());

        // Caller to callee: payloads arrive as sent.
        for (int i = 0; i < 5; i++) {
            RtpPacket p = call.packetPool().acquire();
            java.util.Arrays.fill(p.buffer(), RtpPacket.FIXED_HEADER, RtpPacket.FIXED_HEADER + 160, (byte) (0x10 + i));
            call.sendAudio(p, 160, 160);
        }
        for (int i = 0; i < 5; i++) {
            RtpPacket got = answering.rtp.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "RTP " + i + " did not reach the callee");
            assertEquals(RtpPacket.FIXED_HEADER + 160, got.length());
            assertEquals((byte) (0x10 + i), got.buffer()[RtpPacket.FIXED_HEADER + 80]);
        }
        // Callee to caller.
        for (int i = 0; i < 5; i++) {
            RtpPacket p = leg.packetPool().acquire();
            java.util.Arrays.fill(p.buffer(), RtpPacket.FIXED_HEADER, RtpPacket.FIXED_HEADER + 160, (byte) (0x40 + i));
            leg.sendAudio(p, 160, 160);
        }
        for (int i = 0; i < 5; i++) {
            byte[] got = l.rtp.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "RTP " + i + " did not reach the caller");
            assertEquals(RtpPacket.FIXED_HEADER + 160, got.length);
            assertEquals((byte) (0x40 + i), got[RtpPacket.FIXED_HEADER + 80]);
        }

        call.hangup();
        DialResult r = l.ended.get(10, TimeUnit.SECONDS);
        assertEquals(DialResult.Outcome.ANSWERED, r.outcome());
        assertEquals(SipLeg.EndReason.LOCAL_HANGUP, r.end());
        assertEquals(SipLeg.EndReason.REMOTE_BYE, answering.awaitEnded());
    }

    @Test
    void srtpOverPlainTransportsIsRefusedBeforeAnythingIsSent() throws Exception {
        start();
        OutboundTrunk udp = new OutboundTrunk("clear", "127.0.0.1:" + calleeTlsPort, "udp", null, false,
                Duration.ofMinutes(5), "+33100000000", List.of(), "e164", SrtpMode.OPTIONAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> caller.dial(udp, "sip:board@127.0.0.1", null, null, new Listener()));
        assertTrue(e.getMessage().contains("needs transport tls"), e.getMessage());
        assertEquals(0, caller.activeCalls());
    }

    @Test
    void optionalSrtpOffersPlainRtpAfterA488FromATls12Peer() throws Exception {
        start();
        try (Tls12Uas uas = new Tls12Uas(calleeTls, 488, 486)) {
            Listener l = new Listener();
            caller.dial(tls12Trunk(uas, SrtpMode.OPTIONAL), "sip:desk@127.0.0.1:" + uas.port() + ";transport=tls",
                    null, null, l);
            DialResult r = l.ended.get(10, TimeUnit.SECONDS);
            assertEquals(DialResult.Outcome.BUSY, r.outcome(), r::toString);
            String first = uas.invites.poll(1, TimeUnit.SECONDS);
            String second = uas.invites.poll(1, TimeUnit.SECONDS);
            assertNotNull(second, "one INVITE only");
            assertTrue(RawSipPhone.body(first).contains(" RTP/SAVP "), first);
            assertTrue(RawSipPhone.body(first).contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), first);
            assertTrue(RawSipPhone.body(first).contains("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"), first);
            assertTrue(RawSipPhone.body(second).contains(" RTP/AVP "), second);
            assertFalse(RawSipPhone.body(second).contains("crypto"), second);
            assertEquals("1 INVITE", RawSipPhone.header(first, "CSeq"));
            assertEquals("2 INVITE", RawSipPhone.header(second, "CSeq"));
            assertEquals(RawSipPhone.header(first, "Call-ID"), RawSipPhone.header(second, "Call-ID"));
        }
    }

    @Test
    void mandatorySrtpTakesA488AsTheAnswer() throws Exception {
        start();
        try (Tls12Uas uas = new Tls12Uas(calleeTls, 488)) {
            Listener l = new Listener();
            caller.dial(tls12Trunk(uas, SrtpMode.MANDATORY), "sip:desk@127.0.0.1:" + uas.port() + ";transport=tls",
                    null, null, l);
            DialResult r = l.ended.get(10, TimeUnit.SECONDS);
            assertEquals(DialResult.Outcome.REJECTED, r.outcome(), r::toString);
            assertEquals(488, r.sipCode());
            assertNotNull(uas.invites.poll(1, TimeUnit.SECONDS));
            assertNull(uas.invites.poll(300, TimeUnit.MILLISECONDS), "a second INVITE");
        }
    }

    private static OutboundTrunk tls12Trunk(Tls12Uas uas, SrtpMode srtp) {
        return new OutboundTrunk("tls12", "127.0.0.1:" + uas.port(), "tls", null, false, Duration.ofMinutes(5),
                "+33100000000", List.of(), "e164", srtp);
    }

    /**
     * A SIP peer speaking TLS 1.2 only (our stack's own peer speaks 1.3), with the callee's
     * certificate: it answers each INVITE with the next of its statuses and ignores the ACKs.
     */
    private static final class Tls12Uas implements AutoCloseable {
        final BlockingQueue<String> invites = new LinkedBlockingQueue<>();
        private final SSLServerSocket server;

        Tls12Uas(TestTls identity, int... statuses) throws Exception {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(identity.credentials().keyManagers(), null, null);
            server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5,
                    InetAddress.getLoopbackAddress());
            server.setEnabledProtocols(new String[] {"TLSv1.2"});
            Thread.ofVirtual().start(() -> serve(statuses));
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(int[] statuses) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                int next = 0;
                for (String m = read(in); m != null; m = read(in)) {
                    if (!m.startsWith("INVITE ")) continue;
                    invites.add(m);
                    int status = statuses[Math.min(next++, statuses.length - 1)];
                    StringBuilder r = new StringBuilder("SIP/2.0 " + status + " Not Here\r\n");
                    for (String h : List.of("Via", "From", "Call-ID", "CSeq")) {
                        r.append(h).append(": ").append(RawSipPhone.header(m, h)).append("\r\n");
                    }
                    r.append("To: ").append(RawSipPhone.header(m, "To")).append(";tag=tls12\r\n");
                    r.append("Content-Length: 0\r\n\r\n");
                    out.write(r.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // closed by the test
            }
        }

        /** One SIP message (headers, then Content-Length bytes of body); null at the end. */
        private static String read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) return null;
                head.write(b);
                String h = head.toString(StandardCharsets.UTF_8);
                if (h.equals("\r\n")) head.reset();
                if (!h.endsWith("\r\n\r\n")) continue;
                String length = RawSipPhone.header(h, "Content-Length");
                byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
                return h + new String(body, StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Events and RTP payloads of one dial-out. */
    private static final class Listener implements OutboundCall.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
        final CompletableFuture<DialResult> ended = new CompletableFuture<>();

        @Override public void onAnswered() { events.add("answered"); }

        @Override
        public void onRtp(RtpPacket packet) {
            rtp.add(java.util.Arrays.copyOf(packet.buffer(), packet.length()));
            packet.release();
        }

        @Override
        public void onEnded(DialResult result) {
            events.add("ended " + result);
            ended.complete(result);
        }
    }
}
