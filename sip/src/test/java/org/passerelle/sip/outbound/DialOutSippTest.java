package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.sip.SipConfig;
import org.passerelle.sip.SipLeg;
import org.passerelle.sip.SipServer;
import org.passerelle.sip.trunk.Credentials;
import org.passerelle.sip.trunk.OutboundTrunk;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;

/** Dial-out against SIPp playing the far end: answer with RTP, busy, no answer, proxy challenge. */
class DialOutSippTest {
    private static final Credentials ALICE = new Credentials("alice", "s3cret", "passerelle.test");

    @TempDir
    Path dir;
    private SipServer server;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(SippUas.available(), "sipp not installed");
        int rtpBase = 41000 + (int) (Math.random() * 4000) & ~1;
        server = new SipServer(SipConfig.defaults().withBind("127.0.0.1", SippUas.freePort())
                .withRtpPorts(rtpBase, rtpBase + 99).withRtpTimeout(Duration.ofSeconds(30)),
                leg -> leg.reject(404, null));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static OutboundTrunk trunk(SippUas sipp, Credentials auth) {
        return new OutboundTrunk("provider", sipp.hostPort(), "udp", auth, false, Duration.ofMinutes(5),
                "+33100000000", List.of("+33"), "e164");
    }

    @Test
    void answeredCallCarriesRtpBothWaysAndEndsWithOurBye() throws Exception {
        try (SippUas sipp = new SippUas(dir, "uas-answer.xml", true)) {
            RecordingCallListener l = new RecordingCallListener();
            OutboundCall call = server.dial(trunk(sipp, null), "+33142000000", null, "Room demo", l);
            assertEquals("ringing", l.events.poll(10, TimeUnit.SECONDS), sipp::transcript);
            assertEquals("answered", l.events.poll(10, TimeUnit.SECONDS), sipp::transcript);
            assertEquals(AudioCodec.PCMU, call.codec());
            assertEquals(1, server.activeCalls());
            // SIPp echoes what we send: we hear our own packets back.
            for (int i = 0; i < 50; i++) {
                RtpPacket p = call.packetPool().acquire();
                java.util.Arrays.fill(p.buffer(), RtpPacket.FIXED_HEADER, RtpPacket.FIXED_HEADER + 160, (byte) 0xff);
                call.sendAudio(p, 160, 160);
            }
            assertTrue(l.tenPackets.await(10, TimeUnit.SECONDS), () -> "RTP received: " + l.rtpPackets.get());
            call.hangup();
            DialResult r = l.ended.get(10, TimeUnit.SECONDS);
            assertEquals(new DialResult(DialResult.Outcome.ANSWERED, 200, "OK", SipLeg.EndReason.LOCAL_HANGUP), r);
            assertEquals(0, sipp.awaitExit(20), sipp::transcript);
            String msgs = sipp.messages();
            assertTrue(msgs.contains("INVITE sip:+33142000000@" + sipp.hostPort()), msgs);
            assertTrue(msgs.contains("\"Room demo\" <sip:+33100000000@"), msgs);
            assertTrue(msgs.contains("telephone-event/8000"), "our offer has RFC 4733 events");
            assertEquals(0, server.activeCalls());
        }
    }

    @Test
    void earlyMediaFlowsBeforeTheAnswer() throws Exception {
        try (SippUas sipp = new SippUas(dir, "uas-early.xml", true)) {
            RecordingCallListener l = new RecordingCallListener();
            OutboundCall call = server.dial(trunk(sipp, null), "+33142000000", null, null, l);
            assertEquals("early", l.events.poll(10, TimeUnit.SECONDS), sipp::transcript);
            assertEquals(AudioCodec.PCMU, call.codec());
            for (int i = 0; i < 20; i++) {
                RtpPacket p = call.packetPool().acquire();
                java.util.Arrays.fill(p.buffer(), RtpPacket.FIXED_HEADER, RtpPacket.FIXED_HEADER + 160, (byte) 0xff);
                call.sendAudio(p, 160, 160);
            }
            // Echoed back while the 200 is still 1.5 s away.
            assertTrue(l.tenPackets.await(1, TimeUnit.SECONDS), () -> "RTP received: " + l.rtpPackets.get());
            assertTrue(l.events.isEmpty(), () -> "before the answer: " + l.events);
            assertEquals("answered", l.events.poll(10, TimeUnit.SECONDS), sipp::transcript);
            call.hangup();
            assertEquals(DialResult.Outcome.ANSWERED, l.ended.get(10, TimeUnit.SECONDS).outcome());
            assertEquals(0, sipp.awaitExit(20), sipp::transcript);
        }
    }

    @Test
    void busyIsReportedWithItsCode() throws Exception {
        try (SippUas sipp = new SippUas(dir, "uas-busy.xml", false)) {
            RecordingCallListener l = new RecordingCallListener();
            server.dial(trunk(sipp, null), "+33142000000", null, null, l);
            DialResult r = l.ended.get(10, TimeUnit.SECONDS);
            assertEquals(DialResult.Outcome.BUSY, r.outcome());
            assertEquals(486, r.sipCode());
            assertEquals("Busy Here", r.reason());
            assertEquals(0, sipp.awaitExit(20), sipp::transcript);
        }
    }

    @Test
    void noAnswerWithinTheRingTimeoutIsCancelled() throws Exception {
        try (SippUas sipp = new SippUas(dir, "uas-noanswer.xml", false)) {
            RecordingCallListener l = new RecordingCallListener();
            long start = System.nanoTime();
            server.dial(trunk(sipp, null), "+33142000000", null, null, Duration.ofSeconds(1), l);
            assertEquals("ringing", l.events.poll(10, TimeUnit.SECONDS), sipp::transcript);
            DialResult r = l.ended.get(15, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1000));
            assertEquals(DialResult.Outcome.NO_ANSWER, r.outcome(), r::toString);
            assertEquals(SipLeg.EndReason.CANCELLED, r.end());
            // SIPp got the CANCEL, answered 487 and received the ACK for it.
            assertEquals(0, sipp.awaitExit(20), sipp::transcript);
            assertTrue(sipp.messages().contains("CANCEL sip:+33142000000@"), sipp::transcript);
        }
    }

    @Test
    void proxyChallengeIsAnsweredThenTheCallIsUp() throws Exception {
        try (SippUas sipp = new SippUas(dir, "uas-auth.xml", false)) {
            RecordingCallListener l = new RecordingCallListener();
            OutboundCall call = server.dial(trunk(sipp, ALICE), "+33142000000", null, null, l);
            assertEquals("answered", l.events.poll(10, TimeUnit.SECONDS), sipp::transcript);
            assertEquals(AudioCodec.PCMA, call.codec());
            call.hangup();
            assertEquals(DialResult.Outcome.ANSWERED, l.ended.get(10, TimeUnit.SECONDS).outcome());
            // SIPp's verifyauth checked our digest; a wrong one would have ended the scenario in failure.
            assertEquals(0, sipp.awaitExit(20), sipp::transcript);
            String msgs = sipp.messages();
            assertTrue(msgs.contains("Proxy-Authorization: Digest username=\"alice\""), msgs);
            assertFalse(msgs.contains("s3cret"), "the password never travels");
        }
    }

    @Test
    void malformedTargetsAreRefusedAtOnce() {
        OutboundTrunk t = new OutboundTrunk("provider", "127.0.0.1:5999", "udp", null, false, Duration.ofMinutes(5),
                null, List.of(), "e164");
        assertThrows(IllegalArgumentException.class, () -> server.dial(t, "room demo", null, null, new RecordingCallListener()));
        assertEquals(0, server.activeCalls());
    }
}
