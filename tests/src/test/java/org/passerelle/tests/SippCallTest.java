package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.gateway.GatewaySettings;

/** SIPp calls into the gateway: hold and resume by re-INVITE, audio into a room, RTP timeout. */
@Timeout(90)
class SippCallTest {
    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
        RequiredTool.SIPP.require();
        RequiredTool.SOX.require();
    }

    /**
     * Hold (a=sendonly, or the RFC 2543 c=0.0.0.0) and resume must be answered 200 and must not
     * drop the caller from the room; BYE ends the call.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"uac_hold.xml", "uac_hold_c0.xml"})
    void holdAndResumeKeepTheCallUntilBye(String scenario) throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            SippRunner.Running sipp = SippRunner.scenario(scenario, gateway.sipPort(), work)
                    .room("sipp").timeout(Duration.ofSeconds(30)).start();
            List<GatewayWatch.Sample> timeline = GatewayWatch.whileRunning(gateway, "sipp", sipp::isRunning);
            SippResult result = sipp.await();
            String facts = result.describe() + "\nparticipants over time: " + GatewayWatch.describe(timeline);

            assertTrue(result.passed(), facts);
            double inRoom = GatewayWatch.unbrokenSecondsAt(timeline, 1);
            assertTrue(inRoom >= 0, "the caller left the room during hold/resume; " + facts);
            // The scenario spends 6 s in the call (2 s talking, 2 s on hold, 2 s resumed).
            assertTrue(inRoom >= 5, "the caller was in the room only " + inRoom + " s; " + facts);
            assertTrue(timeline.stream().allMatch(s -> s.participants() <= 1), facts);

            gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
            assertEquals(0, gateway.gateway().participantCount("sipp"), facts);
        }
    }

    @Test
    void sippAudioReachesAPhoneInTheRoom() throws Exception {
        try (TestGateway gateway = TestGateway.start();
             BaresipPhone phone = BaresipPhone.builder("listener", work).tone(1000)
                     .calling(gateway.roomUri("radio")).start()) {
            phone.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants("radio", 1, Duration.ofSeconds(10));

            SippRunner.Running sipp = SippRunner.scenario("uac_call.xml", gateway.sipPort(), work.resolve("sipp"))
                    .room("radio").tone(440).timeout(Duration.ofSeconds(20)).start();
            gateway.awaitParticipants("radio", 2, Duration.ofSeconds(10));
            // uac_call.xml streams for 3 s after its ACK; listen in the middle of that.
            Await.pause(Duration.ofMillis(800));
            long from = System.nanoTime();
            Await.pause(Duration.ofMillis(1500));
            long to = System.nanoTime();
            SippResult result = sipp.await();
            assertTrue(result.passed(), result.describe());
            gateway.awaitParticipants("radio", 1, Duration.ofSeconds(5));
            assertEquals(BaresipPhone.CallState.ESTABLISHED, phone.callState(), "the phone must stay when SIPp leaves");

            phone.close();
            ToneAssertions.hearsOnly(phone, phone.recordingBetween(from, to), 440, 1000);
        }
    }

    @Test
    void silentCallIsEndedByTheGatewayWithBye() throws Exception {
        try (TestGateway gateway = TestGateway.start(GatewaySettings.defaults().withRtpTimeout(Duration.ofSeconds(3)))) {
            SippRunner.Running sipp = SippRunner.scenario("uac_silent_wait_bye.xml", gateway.sipPort(), work)
                    .room("quiet").timeout(Duration.ofSeconds(30)).start();
            long started = System.nanoTime();
            SippResult result = sipp.await();
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(result.passed(), "no BYE from the gateway after its 3 s RTP timeout; " + result.describe());
            assertTrue(seconds >= 2.5, "BYE came after only " + seconds + " s, before the RTP timeout");
            gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
            assertEquals(0, gateway.gateway().participantCount("quiet"));
        }
    }
}
