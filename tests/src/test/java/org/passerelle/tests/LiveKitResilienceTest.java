package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.gateway.GatewaySettings;
import org.passerelle.gateway.call.Call;
import org.passerelle.gateway.config.GatewayConfig;
import org.slf4j.LoggerFactory;

/**
 * LiveKit rooms when things are not simple: a caller alone hears "waiting" until someone joins; a
 * room deleted under a call is said, then BYE; a LiveKit server that crashes mid-call is rejoined
 * and the call goes on, with audio both ways again. Real LiveKit server, client and baresip phones.
 */
@Timeout(90)
class LiveKitResilienceTest {
    /** Louder than this in the 300-3400 Hz band is speech (a prompt); silence is far below. */
    private static final double SPEECH_DB = -40;
    private static LiveKitServer server;
    private static Path work;
    private final ListAppender<ILoggingEvent> callLog = new ListAppender<>();

    @BeforeAll
    static void startServer() throws IOException {
        RequiredTool.BARESIP.require();
        work = Files.createDirectories(TestDirs.root().resolve(LiveKitResilienceTest.class.getSimpleName()));
        server = LiveKitServer.start(work);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @BeforeEach
    void watchCallLog() {
        callLog.start();
        ((Logger) LoggerFactory.getLogger(Call.class)).addAppender(callLog);
    }

    @AfterEach
    void stopWatching() {
        ((Logger) LoggerFactory.getLogger(Call.class)).detachAppender(callLog);
    }

    private TestGateway gateway() throws Exception {
        return TestGateway.start(GatewaySettings.from(GatewayConfig.parse("test", server.gatewayConfig())));
    }

    private List<String> callEnds() {
        return callLog.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("call ended:")).toList();
    }

    private static String level(WavFile w) {
        return String.format("%.1f dBFS", SpeechBand.levelDb(w));
    }

    @Test
    void aLoneCallerHearsWaitingUntilSomeoneJoins(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway();
             BaresipPhone phone = BaresipPhone.builder("lonely", dir).tone(1000).calling(gateway.roomUri("lonely")).start()) {
            phone.awaitEstablished(Duration.ofSeconds(15));
            long up = System.nanoTime();
            Await.pause(Duration.ofSeconds(5));
            // Someone joins (listening only: what the phone hears afterwards can only be the prompt).
            long joined;
            try (LiveKitClient web = LiveKitClient.builder("web-user", dir).server(server, "lonely").tone(0)
                    .lifetime(Duration.ofSeconds(60)).start()) {
                web.awaitConnected(Duration.ofSeconds(20));
                joined = System.nanoTime();
                // Alone, the prompt would come again 20 s after it first began: wait past that.
                long repeatAt = up + Duration.ofSeconds(20).toNanos();
                Await.pause(Duration.ofNanos(Math.max(0, repeatAt - System.nanoTime()) + Duration.ofSeconds(4).toNanos()));
                long end = System.nanoTime();
                phone.close();
                WavFile alone = phone.recordingBetween(up + 300_000_000L, up + 3_300_000_000L);
                WavFile together = phone.recordingBetween(joined + 1_000_000_000L, end);
                String facts = "alone " + level(alone) + ", with someone " + level(together) + " (" + phone.recording() + ")";
                assertTrue(SpeechBand.levelDb(alone) > SPEECH_DB, "the lone caller did not hear the waiting prompt; " + facts);
                assertTrue(SpeechBand.levelDb(together) < SPEECH_DB - 15,
                        "the waiting prompt went on after someone joined; " + facts);
            }
            gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void aDeletedRoomIsSaidThenTheCallEnds(TestInfo info) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway();
             LiveKitClient web = LiveKitClient.builder("web-user", dir).server(server, "doomed").tone(440)
                     .probe(1000).lifetime(Duration.ofSeconds(60)).start()) {
            web.awaitConnected(Duration.ofSeconds(20));
            try (BaresipPhone phone = BaresipPhone.builder("caller", dir).tone(1000)
                    .calling(gateway.roomUri("doomed")).start()) {
                phone.awaitEstablished(Duration.ofSeconds(15));
                web.awaitHearing(1000, 2, Duration.ofSeconds(30));
                long deleted = System.nanoTime();
                server.roomClient().deleteRoom("doomed").execute();
                phone.awaitClosed(Duration.ofSeconds(20));
                double seconds = (System.nanoTime() - deleted) / 1e9;
                phone.close();
                // "This service is closed. Goodbye." (about 2 s), and nothing of the room any more.
                WavFile after = phone.recordingBetween(deleted + 300_000_000L, deleted + 1_800_000_000L);
                Spectrum spectrum = Spectrum.of(after, 0);
                String facts = "BYE " + String.format("%.1f", seconds) + " s after DeleteRoom, speech " + level(after)
                        + ", " + spectrum.describe(440) + ", call log " + callEnds() + " (" + phone.recording() + ")";
                assertTrue(seconds > 1.5, "BYE came before any prompt could be said; " + facts);
                assertTrue(SpeechBand.levelDb(after) > SPEECH_DB, "no prompt before BYE; " + facts);
                gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
                List<String> ends = callEnds();
                assertTrue(ends.size() == 1 && ends.getFirst().startsWith("call ended: ROOM_CLOSED"),
                        "the call should end once, as ROOM_CLOSED; " + facts);
            }
        }
    }

    @Test
    void aCallSurvivesAServerCrashAndAudioFlowsAgainBothWays(TestInfo info) throws Exception {
        survives(info, true);
    }

    /** A clean restart: LiveKit closes every room (SERVER_SHUTDOWN); the gateway rejoins as after a crash. */
    @Test
    void aCallSurvivesAServerRestartAndAudioFlowsAgainBothWays(TestInfo info) throws Exception {
        survives(info, false);
    }

    private void survives(TestInfo info, boolean crash) throws Exception {
        Path dir = TestDirs.forTest(info);
        try (TestGateway gateway = gateway();
             BaresipPhone phone = BaresipPhone.builder("caller", dir).tone(1000).calling(gateway.roomUri("phoenix")).start()) {
            LiveKitClient web = LiveKitClient.builder("web-user", dir).server(server, "phoenix").tone(440)
                    .probe(440, 1000).lifetime(Duration.ofSeconds(85)).start();
            try {
                web.awaitConnected(Duration.ofSeconds(20));
                phone.awaitEstablished(Duration.ofSeconds(15));
                web.awaitHearing(1000, 2, Duration.ofSeconds(30));
                long restarted;
                if (crash) {
                    server.crashAndRestart();
                    restarted = System.nanoTime();
                } else {
                    // rtc-node leaves for good on SERVER_SHUTDOWN: the meeting's user joins again, as people do
                    server.restart();
                    restarted = System.nanoTime();
                    web.close();
                    web = LiveKitClient.builder("web-user-2", dir).server(server, "phoenix").tone(440)
                            .probe(440, 1000).lifetime(Duration.ofSeconds(60)).start();
                    web.awaitConnected(Duration.ofSeconds(20));
                }
                // The gateway rejoins (new participant, new connections) and the client hears the phone again.
                LiveKitClient client = web;
                client.awaitReport(r -> r.from(phoneIdentity(client)).map(h -> h.dominantIs(1000)).orElse(false),
                        Duration.ofSeconds(35), "the phone's tone after the restart");
                long heard = System.nanoTime();
                Await.pause(Duration.ofSeconds(4));
                long to = System.nanoTime();
                assertEquals(1, gateway.gateway().activeCalls(), "the call did not survive; " + callEnds());
                phone.close();
                ToneAssertions.hearsOnly(phone, phone.recordingBetween(heard + 1_000_000_000L, to), 440, 1000);
                assertTrue((heard - restarted) / 1e9 < 35, "too slow");
            } finally {
                web.close();
            }
        }
    }

    /** The phone's participant as the client sees it (sip_<number>). */
    private static String phoneIdentity(LiveKitClient web) {
        return web.participants().stream().filter(p -> p.startsWith("sip_")).findFirst().orElse("sip_caller");
    }
}
