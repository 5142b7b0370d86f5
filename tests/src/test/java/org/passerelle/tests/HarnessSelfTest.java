package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the harness without the gateway: two baresip phones call each other directly, and the
 * recorder plus the tone analysis show that each hears the other's tone and not its own.
 */
@Timeout(60)
class HarnessSelfTest {
    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
    }

    @Test
    void twoPhonesCallingEachOtherHearTheOthersTone() throws Exception {
        try (BaresipPhone bob = BaresipPhone.builder("bob", work).tone(1000).autoAnswer().start();
             BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440).calling(bob.sipUri()).start()) {
            alice.awaitEstablished(Duration.ofSeconds(10));
            bob.awaitEstablished(Duration.ofSeconds(10));
            Await.pause(Duration.ofSeconds(4));

            alice.hangup();
            bob.awaitClosed(Duration.ofSeconds(10));
            assertEquals(BaresipPhone.CallState.CLOSED, alice.callState());

            ToneAssertions.hearsOnly(alice, alice.stopAndReadRecording().skip(ToneAssertions.SKIP_SECONDS), 1000, 440);
            ToneAssertions.hearsOnly(bob, bob.stopAndReadRecording().skip(ToneAssertions.SKIP_SECONDS), 440, 1000);
        }
    }

    @Test
    void codecRestrictionIsWhatTheCallUses() throws Exception {
        try (BaresipPhone bob = BaresipPhone.builder("bob", work).tone(1000).autoAnswer()
                     .codec(BaresipPhone.Codec.G722).start();
             BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440).calling(bob.sipUri()).start()) {
            alice.awaitEstablished(Duration.ofSeconds(10));
            Await.pause(Duration.ofSeconds(3));
            WavFile heard = alice.stopAndReadRecording();
            // G.722 decodes at 16 kHz: the recording's rate shows which codec was negotiated.
            assertEquals(16000, heard.sampleRate(), heard.toString());
            assertEquals("G722", alice.negotiatedCodec());
            ToneAssertions.hearsOnly(alice, heard.skip(ToneAssertions.SKIP_SECONDS), 1000, 440);
            assertTrue(bob.isRunning());
        }
    }

    @Test
    void sippHoldScenarioRunsAgainstAPhone() throws Exception {
        // baresip 1.0 stops its recording when it gets a re-INVITE, so no audio check here.
        for (String scenario : new String[] {"uac_hold.xml", "uac_hold_c0.xml"}) {
            try (BaresipPhone phone = BaresipPhone.builder("held", work).autoAnswer()
                    .codec(BaresipPhone.Codec.PCMU).start()) {
                SippResult result = SippRunner.scenario(scenario, phone.sipPort(), work.resolve(scenario))
                        .room("held").timeout(Duration.ofSeconds(20)).run();
                assertTrue(result.passed(), result.describe());
                assertEquals(1, result.successfulCalls());
                phone.awaitClosed(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void sippCallStreamsItsToneToAPhone() throws Exception {
        try (BaresipPhone phone = BaresipPhone.builder("listener", work).tone(1000).autoAnswer()
                .codec(BaresipPhone.Codec.PCMU).start()) {
            SippResult result = SippRunner.scenario("uac_call.xml", phone.sipPort(), work.resolve("sipp"))
                    .room("listener").tone(440).timeout(Duration.ofSeconds(20)).run();
            assertTrue(result.passed(), result.describe());
            phone.awaitClosed(Duration.ofSeconds(5));
            WavFile heard = phone.stopAndReadRecording().skip(ToneAssertions.SKIP_SECONDS);
            ToneAssertions.hearsOnly(phone, heard, 440, 1000);
        }
    }

    @Test
    void sippSilentCallScenarioAnswersTheOtherSidesBye() throws Exception {
        try (BaresipPhone phone = BaresipPhone.builder("callee", work).autoAnswer().start()) {
            SippRunner.Running sipp = SippRunner.scenario("uac_silent_wait_bye.xml", phone.sipPort(), work)
                    .room("callee").timeout(Duration.ofSeconds(20)).start();
            phone.awaitEstablished(Duration.ofSeconds(10));
            phone.hangup();
            SippResult result = sipp.await();
            assertTrue(result.passed(), result.describe());
        }
    }

    @Test
    void sippRejectScenarioPassesOnlyOnTheExpectedStatus() throws Exception {
        // baresip has no GSM codec here: it answers 488, and the 404 scenario must then fail.
        try (BaresipPhone phone = BaresipPhone.builder("callee", work).autoAnswer().start()) {
            SippResult gsm = SippRunner.scenario("uac_gsm_only_expect_488.xml", phone.sipPort(), work.resolve("gsm"))
                    .room("callee").timeout(Duration.ofSeconds(10)).run();
            assertTrue(gsm.passed(), gsm.describe());
            SippResult wrong = SippRunner.scenario("uac_expect_404.xml", phone.sipPort(), work.resolve("wrong"))
                    .room("callee").timeout(Duration.ofSeconds(10)).run();
            assertFalse(wrong.passed(), wrong.describe());
            assertEquals(1, wrong.failedCalls(), wrong.describe());
        }
    }
}
