package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

    @AfterEach
    void stop() {
        if (caller != null) caller.close();
        if (callee != null) callee.close();
    }

    private void start() throws IOException {
        Files.createDirectories(dir.resolve("callee"));
        Files.createDirectories(dir.resolve("caller"));
        TestTls calleeTls = TestTls.in(dir.resolve("callee"));
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
