package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.sip.SipConfig;
import org.passerelle.sip.SipLeg;
import org.passerelle.sip.SipServer;
import org.passerelle.sip.trunk.OutboundTrunk;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.G711;
import org.passerelle.transcoder.rtp.RtpPacket;

/** Dial-out to a real baresip phone that answers by itself: it hears the 1 kHz tone we send. */
class DialOutBaresipTest {
    private static final int TONE_HZ = 1000;

    @TempDir
    Path dir;

    @Test
    void autoAnsweringPhoneHearsOurTone() throws Exception {
        assumeTrue(AutoAnswerPhone.available(), "baresip not installed");
        int rtpBase = 47000 + (int) (Math.random() * 2000) & ~1;
        SipServer server = new SipServer(SipConfig.defaults().withBind("127.0.0.1", SippUas.freePort())
                .withRtpPorts(rtpBase, rtpBase + 9), leg -> leg.reject(404, null));
        ScheduledExecutorService media = Executors.newSingleThreadScheduledExecutor();
        AutoAnswerPhone phone = new AutoAnswerPhone(dir, "desk");
        try {
            server.start();
            // Account loaded and SIP listening.
            assertTrue(phone.awaitLog("baresip is ready.", 10_000), phone::log);
            OutboundTrunk trunk = new OutboundTrunk("pbx", "127.0.0.1:" + phone.port, "udp", null, false,
                    Duration.ofMinutes(5), "+33100000000", List.of(), "e164");
            RecordingCallListener l = new RecordingCallListener();
            OutboundCall call = server.dial(trunk, "sip:desk@127.0.0.1:" + phone.port, null, "Passerelle", l);
            DialResult early = l.ended.getNow(null);
            assertNull(early);
            String event;
            do {
                event = l.events.poll(10, TimeUnit.SECONDS);
            } while (event != null && !event.equals("answered") && !event.equals("ended"));
            assertEquals("answered", event, phone::log);
            assertEquals(AudioCodec.PCMU, call.codec());
            // 20 ms frames of a 1 kHz tone, paced like a media clock, for 2 s.
            int[] n = {0};
            var task = media.scheduleAtFixedRate(() -> {
                RtpPacket p = call.packetPool().acquire();
                byte[] b = p.buffer();
                for (int i = 0; i < 160; i++) {
                    double t = (n[0] * 160 + i) / 8000.0;
                    b[RtpPacket.FIXED_HEADER + i] = G711.linearToUlaw((short) (8000 * Math.sin(2 * Math.PI * TONE_HZ * t)));
                }
                n[0]++;
                call.sendAudio(p, 160, 160);
            }, 0, 20, TimeUnit.MILLISECONDS);
            assertTrue(phone.awaitLog("Call established", 5_000), phone::log);
            // The phone's own tone reaches us as well.
            assertTrue(l.tenPackets.await(5, TimeUnit.SECONDS), () -> "RTP from baresip: " + l.rtpPackets.get());
            TimeUnit.MILLISECONDS.sleep(2000); // let the phone hear two seconds of tone
            task.cancel(false);
            call.hangup();
            DialResult r = l.ended.get(10, TimeUnit.SECONDS);
            assertEquals(DialResult.Outcome.ANSWERED, r.outcome());
            assertEquals(SipLeg.EndReason.LOCAL_HANGUP, r.end());
            // baresip saw our BYE.
            assertTrue(phone.awaitLog("terminated", 5_000), phone::log);
        } finally {
            media.shutdownNow();
            server.close();
            phone.close();
        }
        AutoAnswerPhone.Recording rec = phone.recording();
        assertTrue(rec.seconds() > 1.0, () -> "recorded only " + rec.seconds() + " s");
        double f = rec.frequency();
        assertTrue(Math.abs(f - TONE_HZ) < 100, () -> "phone heard " + f + " Hz; log:\n" + phone.log());
    }
}
