package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.gateway.GatewaySettings;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.gateway.livekit.CallIdentity;
import org.passerelle.gateway.livekit.LiveKitConfig;
import org.passerelle.gateway.livekit.LiveKitRooms;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.webrtc.WebRtcConfig;

/**
 * Phones in LiveKit rooms: a baresip phone calls the gateway, which joins it to a room of a real
 * LiveKit server as its own participant; a real LiveKit client in that room and the phone hear
 * each other.
 */
@Timeout(150)
class LiveKitRoomTest {
    private static LiveKitServer server;
    private static Path work;

    @BeforeAll
    static void startServer() throws IOException {
        RequiredTool.BARESIP.require();
        work = Files.createDirectories(TestDirs.root().resolve(LiveKitRoomTest.class.getSimpleName()));
        server = LiveKitServer.start(work);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    private TestGateway gateway() throws Exception {
        return TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", server.gatewayConfig())));
    }

    @Test
    void aPhoneAndALiveKitClientHearEachOther(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway();
             LiveKitClient web = LiveKitClient.builder("web-user", dir).server(server, "meet")
                     .tone(440).probe(440, 1000).lifetime(Duration.ofSeconds(90)).start()) {
            web.awaitConnected(Duration.ofSeconds(20));
            try (BaresipPhone phone = BaresipPhone.builder("phone", dir).tone(1000)
                    .calling(gateway.roomUri("meet")).start()) {
                phone.awaitEstablished(Duration.ofSeconds(10));
                // The client hears the phone as one more participant of the room.
                LiveKitClient.Report heard = web.awaitHearing(1000, 2, Duration.ofSeconds(30));
                assertTrue(heard != null, "the LiveKit client heard the phone");
                assertTrue(web.participants().stream().anyMatch(p -> p.startsWith("sip_")),
                        "the phone is a participant sip_<number>: " + web.participants());
                assertEquals(3, web.participantKind("sip_phone"), "shown as a SIP participant (ParticipantKind.SIP)");
                Await.pause(Duration.ofSeconds(2));
                long from = System.nanoTime();
                Await.pause(Duration.ofSeconds(3));
                long to = System.nanoTime();
                phone.close();
                ToneAssertions.hearsOnly(phone, phone.recordingBetween(from, to), 440, 1000);
            }
            gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void twoPhonesAndAClientAllHearEachOther(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway();
             LiveKitClient web = LiveKitClient.builder("web-user", dir).server(server, "trio")
                     .tone(440).probe(440, 1000, 1700).lifetime(Duration.ofSeconds(90)).start()) {
            web.awaitConnected(Duration.ofSeconds(20));
            // Desk phones on G.711 (the usual case): their room mixes at 8 kHz, Opus is coded from 8 kHz.
            try (BaresipPhone a = BaresipPhone.builder("alice", dir).tone(1000).codec(BaresipPhone.Codec.PCMU)
                         .calling(gateway.roomUri("trio")).start();
                 BaresipPhone b = BaresipPhone.builder("bob", dir).tone(1700).codec(BaresipPhone.Codec.PCMA)
                         .calling(gateway.roomUri("trio")).start()) {
                a.awaitEstablished(Duration.ofSeconds(10));
                b.awaitEstablished(Duration.ofSeconds(10));
                // Each phone is its own participant and track; the client hears both, loud and clear.
                web.awaitReport(r -> r.from("sip_alice").map(h -> h.dominantHz() == 1000).orElse(false)
                                && r.from("sip_bob").map(h -> h.dominantHz() == 1700).orElse(false),
                        Duration.ofSeconds(30), "both phones' tones, each on its own track");
                Await.pause(Duration.ofSeconds(2));
                long from = System.nanoTime();
                Await.pause(Duration.ofSeconds(3));
                long to = System.nanoTime();
                a.close();
                b.close();
                ToneAssertions.hears(a, a.recordingBetween(from, to), new double[] {440, 1700}, 1000);
                ToneAssertions.hears(b, b.recordingBetween(from, to), new double[] {440, 1000}, 1700);
            }
        }
    }

    @Test
    void dtmfGoesBothWaysAsLiveKitSipDtmfPackets(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway();
             LiveKitClient web = LiveKitClient.builder("web-user", dir).server(server, "keys")
                     .tone(440).probe(1000).lifetime(Duration.ofSeconds(90)).start()) {
            web.awaitConnected(Duration.ofSeconds(20));
            try (BaresipPhone phone = BaresipPhone.builder("phone", dir).tone(1000)
                    .calling(gateway.roomUri("keys")).start()) {
                phone.awaitEstablished(Duration.ofSeconds(10));
                // Once the room hears the phone, its participant is published and its data channel up.
                web.awaitHearing(1000, 1, Duration.ofSeconds(30));
                // Phone -> room: RFC 4733 events become DataPacket{sip_dtmf} from the caller's participant.
                phone.sendDtmf("1#");
                Await.until(() -> web.dtmfReceived().size() >= 2, Duration.ofSeconds(10),
                        () -> web.describe("DTMF 1# from the phone"));
                assertEquals(List.of(new LiveKitClient.Dtmf("sip_phone", 1, "1"), new LiveKitClient.Dtmf("sip_phone", 11, "#")),
                        web.dtmfReceived());
                // Room -> phone: a client's DTMF packets are played to the phone as RFC 4733 events.
                web.sendDtmf("5*");
                Await.until(() -> phone.dtmfReceived().length() >= 2, Duration.ofSeconds(10),
                        () -> "the phone received DTMF '" + phone.dtmfReceived() + "', log:\n" + phone.logTail());
                assertEquals("5*", phone.dtmfReceived());
            }
            gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void anUnreachableServerIsSaidThenRefusedWith503(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", """
                livekit:
                  url: "ws://127.0.0.1:9"
                  apiKey: devkey
                  apiSecret: secret
                """)));
             BaresipPhone phone = BaresipPhone.builder("phone", dir).tone(1000)
                     .calling(gateway.roomUri("nowhere")).start()) {
            // Never answered: "the service is unavailable" as early media (183), then 503, so that
            // a PBX in front could try another route.
            phone.awaitClosed(Duration.ofSeconds(40));
            assertEquals(0, phone.establishedCalls(), "the call must not be answered");
            assertTrue(phone.lastCloseReason().contains("503"), "close reason: " + phone.lastCloseReason());
            gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
            WavFile heard = phone.stopAndReadRecording();
            double speech = SpeechBand.levelDb(heard);
            assertTrue(speech > -40, "the 'unavailable' message was not heard before the 503: speech band "
                    + String.format("%.1f dBFS", speech) + " over " + heard.durationSeconds() + " s");
        }
    }

    @Test
    void theCheckBeforeAnsweringNamesTheServerAndTheWrongSecret() {
        CallIdentity who = new CallIdentity("check-1", "0612345678", "Check", "+33100000000");
        try (MediaClock clock = new MediaClock(1);
             LiveKitRooms good = new LiveKitRooms(new LiveKitConfig(server.url(), server.apiKey(), server.apiSecret()),
                     WebRtcConfig.defaults().withBind("127.0.0.1"), clock);
             LiveKitRooms wrong = new LiveKitRooms(new LiveKitConfig(server.url(), server.apiKey(), "not-the-secret-at-all"),
                     WebRtcConfig.defaults().withBind("127.0.0.1"), clock)) {
            assertNull(good.whyUnreachable("meet", who), "a running server with the right key pair is reachable");
            String why = wrong.whyUnreachable("meet", who);
            assertNotNull(why, "a wrong secret must be caught before the call is answered");
            assertTrue(why.contains("401") && why.contains("livekit.apiSecret") && why.contains("127.0.0.1"), why);
            assertFalse(why.contains("not-the-secret-at-all"), "never the secret in a log line: " + why);
        }
    }

    @Test
    void aRuleCanKeepACallInAnEmbeddedRoom(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", server.gatewayConfig() + """
                dialplan:
                  rules:
                    - name: hall
                      match: {to: hall}
                      join: {room: hall, platform: embedded}
                """)));
             BaresipPhone phone = BaresipPhone.builder("phone", dir).tone(1000)
                     .calling(gateway.roomUri("hall")).start()) {
            phone.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants("hall", 1, Duration.ofSeconds(10));
        }
    }
}
