package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmarks' comparison peer really works on this machine: a baresip phone calls LiveKit SIP
 * (built from its Go module), which joins it to a room of the real LiveKit server as a SIP
 * participant; a real LiveKit client in that room and the phone hear each other. Skipped only when
 * the livekit-sip binary is not built ({@code tests/setup.sh livekit_sip}).
 */
@Timeout(150)
class LiveKitSipPeerTest {
    @Test
    void aPhoneCallingLiveKitSipAndALiveKitClientHearEachOther(TestInfo info) throws Exception {
        assumeTrue(LiveKitSip.isBuilt(), "livekit-sip " + LiveKitSip.VERSION + " not built ("
                + LiveKitSip.binaryPath() + "): run tests/setup.sh livekit_sip");
        RequiredTool.BARESIP.require();
        Path dir = TestDirs.forTest(info);
        try (LiveKitServer server = LiveKitServer.start(dir);
             LiveKitSip sip = LiveKitSip.start(server, dir)) {
            aPhoneAndAClientHearEachOtherThrough(server, sip, dir);
        }
    }

    private static void aPhoneAndAClientHearEachOtherThrough(LiveKitServer server, LiveKitSip sip, Path dir) throws Exception {
        LiveKitSip.Route route = sip.routeToRoom("+33100000001", "peer");
        try (LiveKitClient web = LiveKitClient.builder("web-user", dir).server(server, "peer")
                .tone(440).probe(440, 1000).lifetime(Duration.ofSeconds(90)).start()) {
            web.awaitConnected(Duration.ofSeconds(20));
            try (BaresipPhone phone = BaresipPhone.builder("phone", dir).tone(1000).codec(BaresipPhone.Codec.PCMU)
                    .calling(route.uri()).start()) {
                phone.awaitEstablished(Duration.ofSeconds(20));
                assertEquals("PCMU", phone.negotiatedCodec(), "the phone only offers PCMU");
                // The room hears the phone, from a participant LiveKit SIP joined as kind SIP.
                web.awaitHearing(1000, 2, Duration.ofSeconds(30));
                List<String> sipParticipants = web.participants().stream()
                        .filter(p -> web.participantKind(p) == 3).toList();
                assertEquals(1, sipParticipants.size(), "one SIP participant (ParticipantKind.SIP) among "
                        + web.participants() + "; livekit-sip log " + sip.log());
                String caller = sipParticipants.get(0);
                web.awaitReport(r -> r.from(caller).map(h -> h.dominantIs(1000)).orElse(false),
                        Duration.ofSeconds(10), "1000 Hz on the track of " + caller);
                // The phone hears the client's tone, and not itself.
                Await.pause(Duration.ofSeconds(2));
                long from = System.nanoTime();
                Await.pause(Duration.ofSeconds(3));
                long to = System.nanoTime();
                phone.close();
                ToneAssertions.hearsOnly(phone, phone.recordingBetween(from, to), 440, 1000);
            }
            // Hanging up the phone takes its participant out of the room.
            Await.until(() -> web.participants().stream().noneMatch(p -> web.participantKind(p) == 3),
                    Duration.ofSeconds(15), () -> web.describe("the SIP participant leaving"));
        }
        assertTrue(sip.isRunning(), "livekit-sip still running; log " + sip.log());
    }

    @Test
    void setupScriptPinsTheVersionTheHarnessRuns() throws IOException {
        String setup = Files.readString(TestDirs.repoRoot().resolve("tests").resolve("setup.sh"));
        Matcher m = Pattern.compile("LIVEKIT_SIP_VERSION=\"\\$\\{LIVEKIT_SIP_VERSION:-(v[0-9.]+)}\"").matcher(setup);
        assertTrue(m.find(), "LIVEKIT_SIP_VERSION not found in tests/setup.sh");
        assertEquals(LiveKitSip.VERSION, m.group(1));
    }
}
