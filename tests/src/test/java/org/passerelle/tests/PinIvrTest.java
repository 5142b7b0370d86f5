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

/**
 * The PIN line (issue 4 §3) with real callers: SIPp types the meeting PIN by RFC 4733, by SIP INFO
 * (both body types) and as in-band tones and lands in the room the PIN opens; wrong PINs end with
 * a goodbye and BYE; a caller who failed too often is locked out even with the right PIN; and a
 * baresip phone hears the welcome prompt.
 */
@Timeout(60)
class PinIvrTest {
    /** The number callers dial for the PIN line. */
    static final String PIN_LINE = "3000";
    static final String PIN = "123456";
    static final String ROOM = "board";

    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
        RequiredTool.SIPP.require();
        RequiredTool.SOX.require();
    }

    /** PIN 123456 opens room board; the PIN line allows {@code attempts} wrong PINs per call. */
    static String config(int attempts, String lockout) {
        return """
                pins:
                  default:
                    static: {"%s": %s}
                dialplan:
                  fallback: room-by-name
                  rules:
                    - name: pin-line
                      match: {to: "%s"}
                      pin: {directory: default, language: en, attempts: %d}
                ivr:
                  lockout: %s
                """.formatted(PIN, ROOM, PIN_LINE, attempts, lockout);
    }

    static String config() {
        return config(3, "{failures: 5, windowMinutes: 10, lockMinutes: 15}");
    }

    @Test
    void pinByRfc4733EventsJoinsTheRoom() throws Exception {
        try (TestGateway gateway = TestGateway.start(config())) {
            SippRunner.Running sipp = SippRunner.scenario("uac_pin_rfc4733.xml", gateway.sipPort(), work)
                    .room(PIN_LINE).key("pin", PIN).timeout(Duration.ofSeconds(30)).start();
            assertJoinsAndLeaves(gateway, sipp);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"uac_pin_info_relay.xml", "uac_pin_info_dtmf.xml"})
    void pinBySipInfoJoinsTheRoom(String scenario) throws Exception {
        try (TestGateway gateway = TestGateway.start(config())) {
            SippRunner.Running sipp = SippRunner.scenario(scenario, gateway.sipPort(), work)
                    .room(PIN_LINE).timeout(Duration.ofSeconds(30)).start();
            assertJoinsAndLeaves(gateway, sipp);
        }
    }

    @Test
    void pinAsInBandTonesJoinsTheRoom() throws Exception {
        try (TestGateway gateway = TestGateway.start(config())) {
            SippRunner.Running sipp = SippRunner.scenario("uac_pin_inband.xml", gateway.sipPort(), work)
                    .room(PIN_LINE).dtmfTones(PIN + "#").timeout(Duration.ofSeconds(30)).start();
            assertJoinsAndLeaves(gateway, sipp);
        }
    }

    /** The caller reaches the room while the call is up, and leaves it with its BYE (answered 200). */
    private static void assertJoinsAndLeaves(TestGateway gateway, SippRunner.Running sipp) {
        List<GatewayWatch.Sample> timeline = GatewayWatch.whileRunning(gateway, ROOM, sipp::isRunning);
        SippResult result = sipp.await();
        String facts = result.describe() + "\nparticipants in " + ROOM + " over time: "
                + GatewayWatch.describe(timeline);
        assertTrue(result.passed(), facts);
        double inRoom = GatewayWatch.unbrokenSecondsAt(timeline, 1);
        assertTrue(inRoom >= 1, "the caller was in room " + ROOM + " for " + inRoom + " s; " + facts);
        assertTrue(timeline.stream().allMatch(s -> s.participants() <= 1), facts);
        gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
        assertEquals(0, gateway.gateway().participantCount(ROOM), facts);
    }

    @Test
    void threeWrongPinsEndWithByeOutsideTheRoom() throws Exception {
        try (TestGateway gateway = TestGateway.start(config())) {
            // Types 999999# by SIP INFO every 7 s until the gateway hangs up.
            SippRunner.Running sipp = SippRunner.scenario("uac_pin_info_until_bye.xml", gateway.sipPort(), work)
                    .room(PIN_LINE).timeout(Duration.ofSeconds(35)).start();
            List<GatewayWatch.Sample> timeline = GatewayWatch.whileRunning(gateway, ROOM, sipp::isRunning);
            SippResult result = sipp.await();
            String facts = result.describe() + "\nparticipants over time: " + GatewayWatch.describe(timeline)
                    + "\nrooms at the end: " + gateway.gateway().roomNames();
            assertTrue(result.passed(), "no BYE from the gateway after wrong PINs; " + facts);
            assertEquals(3, pinsTyped(result), "the gateway must allow 3 attempts, then say goodbye; " + facts);
            assertTrue(timeline.stream().allMatch(s -> s.participants() == 0), "a wrong PIN opened the room; " + facts);
            gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
        }
    }

    @Test
    void callerLockedOutAfterRepeatedFailuresIsRefusedEvenWithTheRightPin() throws Exception {
        // One attempt per call, two failures lock the caller (and its address) out for 15 minutes.
        try (TestGateway gateway = TestGateway.start(config(1, "{failures: 2, windowMinutes: 10, lockMinutes: 15}"))) {
            for (int call = 1; call <= 2; call++) {
                SippResult wrong = SippRunner.scenario("uac_pin_wait_bye.xml", gateway.sipPort(),
                                work.resolve("wrong-" + call))
                        .room(PIN_LINE).key("pin", "999999").timeout(Duration.ofSeconds(25)).run();
                assertTrue(wrong.passed(), "call " + call + ": no BYE after a wrong PIN; " + wrong.describe());
            }
            gateway.awaitActiveCalls(0, Duration.ofSeconds(5));

            SippRunner.Running right = SippRunner.scenario("uac_pin_wait_bye.xml", gateway.sipPort(),
                            work.resolve("right"))
                    .room(PIN_LINE).key("pin", PIN).timeout(Duration.ofSeconds(25)).start();
            long started = System.nanoTime();
            List<GatewayWatch.Sample> timeline = GatewayWatch.whileRunning(gateway, ROOM, right::isRunning);
            SippResult result = right.await();
            double seconds = (System.nanoTime() - started) / 1e9;
            String facts = result.describe() + "\nparticipants over time: " + GatewayWatch.describe(timeline);
            assertTrue(result.passed(), "the locked-out caller got no BYE; " + facts);
            assertTrue(timeline.stream().allMatch(s -> s.participants() == 0),
                    "a locked-out caller entered the room with the right PIN; " + facts);
            // The "locked" prompt (about 4 s), then BYE; a PIN lookup would have said "joining" instead.
            assertTrue(seconds < 15, "BYE came only after " + seconds + " s; " + facts);
        }
    }

    /** A desk phone calling the PIN line hears the spoken welcome in its first seconds. */
    @Test
    void aPhoneHearsTheWelcomePrompt() throws Exception {
        RequiredTool.BARESIP.require();
        try (TestGateway gateway = TestGateway.start(config());
             BaresipPhone phone = BaresipPhone.builder("caller", work).tone(440)
                     .calling(gateway.uri(PIN_LINE)).start()) {
            phone.awaitEstablished(Duration.ofSeconds(10));
            Await.pause(Duration.ofMillis(4500));
            WavFile heard = phone.stopAndReadRecording();
            WavFile first = heard.window(0.2, 4.0);
            double speech = SpeechBand.levelDb(first);
            Spectrum spectrum = Spectrum.of(first, 0);
            String facts = "phone heard " + spectrum.describe(440) + ", speech band " + String.format("%.1f dBFS", speech)
                    + " (recording " + phone.recording() + ")";
            assertTrue(first.durationSeconds() >= 3, "recording too short; " + facts);
            assertTrue(speech > -40, "the welcome prompt was not heard; " + facts);
            // Mix-minus holds in the IVR too: the phone must not hear its own tone back.
            assertTrue(spectrum.levelDb(440) < speech - 10, "the phone hears its own tone; " + facts);
            assertEquals(0, gateway.gateway().participantCount(ROOM));
        }
    }

    private static long pinsTyped(SippResult result) {
        return result.actionLog().stream().filter(l -> l.contains("pin typed")).count();
    }
}
