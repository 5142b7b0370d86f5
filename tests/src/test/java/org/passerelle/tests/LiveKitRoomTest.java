package org.passerelle.tests;

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
        return TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", """
                livekit:
                  url: "%s"
                  apiKey: "%s"
                  apiSecret: "%s"
                """.formatted(server.url(), server.apiKey(), server.apiSecret()))));
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
            try (BaresipPhone a = BaresipPhone.builder("alice", dir).tone(1000).calling(gateway.roomUri("trio")).start();
                 BaresipPhone b = BaresipPhone.builder("bob", dir).tone(1700).calling(gateway.roomUri("trio")).start()) {
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
    void anUnreachableServerIsSaidAndTheCallEnds(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", """
                livekit:
                  url: "ws://127.0.0.1:9"
                  apiKey: devkey
                  apiSecret: secret
                """)));
             BaresipPhone phone = BaresipPhone.builder("phone", dir).tone(1000)
                     .calling(gateway.roomUri("nowhere")).start()) {
            phone.awaitEstablished(Duration.ofSeconds(10));
            // The caller hears "the service is unavailable", then the gateway hangs up.
            phone.awaitClosed(Duration.ofSeconds(40));
            gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
        }
        assertTrue(List.of(dir.toFile().list()).size() > 0);
    }

    @Test
    void aRuleCanKeepACallInAnEmbeddedRoom(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", """
                livekit:
                  url: "%s"
                  apiKey: "%s"
                  apiSecret: "%s"
                dialplan:
                  rules:
                    - name: hall
                      match: {to: hall}
                      join: {room: hall, platform: embedded}
                """.formatted(server.url(), server.apiKey(), server.apiSecret()))));
             BaresipPhone phone = BaresipPhone.builder("phone", dir).tone(1000)
                     .calling(gateway.roomUri("hall")).start()) {
            phone.awaitEstablished(Duration.ofSeconds(10));
            gateway.awaitParticipants("hall", 1, Duration.ofSeconds(10));
        }
    }
}
