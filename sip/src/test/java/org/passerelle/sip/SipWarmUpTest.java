package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start-up warm-up goes through every round and leaves nothing behind (RTP ports, calls). */
class SipWarmUpTest {
    @Test
    void runsEveryRoundAndGivesBackItsRtpPorts() throws Exception {
        int rtpBase = 20000 + (int) (Math.random() * 20000) & ~1;
        SipConfig config = SipConfig.defaults().withBind("127.0.0.1", SipServerTest.freePort())
                .withRtpPorts(rtpBase, rtpBase + 99).withRtpTimeout(Duration.ofSeconds(30));
        try (SipServer server = new SipServer(config, new RecordingHandler())) {
            server.start(); // runs it once

            assertEquals(SipWarmUp.ROUNDS, SipWarmUp.run(server), "a second run, every round through");
            assertEquals(SipWarmUp.ROUNDS, SipWarmUp.optionsToSelf(server), "every OPTIONS to ourselves answered 200");
            assertEquals(0, server.rtpPorts.inUse(), "the warm-up's RTP legs gave their ports back");
            assertEquals(0, server.activeCalls());
        }
    }
}
