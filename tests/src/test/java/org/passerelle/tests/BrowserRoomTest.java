package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passerelle.tests.RoomPage.Participant;

/**
 * Browsers join embedded rooms from the gateway's room page (headless Chromium, fake microphone
 * playing a tone) and talk with baresip phones: each hears the others and not itself, the page lists
 * who is in the room, bad signalling disturbs nobody, and leaving empties the room.
 */
@Timeout(90)
class BrowserRoomTest {
    private static final Duration JOINED = Duration.ofSeconds(10);
    /** Dominant-frequency readings may take this long to settle after everyone is in. */
    private static final Duration HEARING = Duration.ofSeconds(10);

    @RegisterExtension
    final RoomStage stage = new RoomStage(RequiredTool.CHROMIUM, RequiredTool.CHROMEDRIVER, RequiredTool.BARESIP);


    private Browser browser(String name, int toneHz) throws Exception {
        Browser b = Browser.builder(name, stage.work()).tone(toneHz).start();
        stage.peer(b);
        return b;
    }

    private BaresipPhone phone(String name, int toneHz, String room) throws Exception {
        BaresipPhone p = BaresipPhone.builder(name, stage.work()).tone(toneHz).calling(stage.gateway().roomUri(room)).start();
        stage.peer(p);
        p.awaitEstablished(Duration.ofSeconds(10));
        return p;
    }

    @Test
    void aBrowserAndAPhoneHearEachOtherAndTheBrowserListsBoth() throws Exception {
        RoomPage ada = RoomPage.join(browser("ada", 440), stage.gateway(), "web", "Ada");
        stage.gateway().awaitParticipants("web", 1, JOINED);
        BaresipPhone bob = phone("bob", 1000, "web");
        stage.gateway().awaitParticipants("web", 2, JOINED);

        List<Participant> list = ada.awaitParticipants(l -> l.size() == 2 && count(l, "phone") == 1, JOINED,
                "should list itself and the phone");
        Participant self = ada.self();
        assertEquals("browser", self.kind(), list.toString());
        assertEquals("Ada", self.name(), list.toString());

        Await.pause(RoomConversation.SETTLE);
        long from = System.nanoTime();
        ada.awaitHearing(HEARING, 1000);
        ada.assertHearsTones(new double[] {1000}, 440);
        Map<?, ?> inbound = ada.inboundStats();
        assertTrue(((Number) inbound.get("packetsReceived")).longValue() > 50, "inbound " + inbound);
        assertTrue(ada.audioLevel() > 0.01, "remote audio level " + ada.audioLevel());
        listenAtLeast(from);
        long to = System.nanoTime();
        Path shot = ada.browser().screenshot("joined");
        assertTrue(Files.size(shot) > 0, shot.toString());

        assertEquals(BaresipPhone.CallState.ESTABLISHED, bob.callState(), bob.logTail());
        bob.close();
        ToneAssertions.hearsOnly(bob, bob.recordingBetween(from, to), 440, 1000);
    }

    @Test
    void twoBrowsersAndAPhoneEachHearTheOthers() throws Exception {
        RoomPage ada = RoomPage.join(browser("ada", 440), stage.gateway(), "trio", "Ada");
        RoomPage cleo = RoomPage.join(browser("cleo", 1700), stage.gateway(), "trio", "Cleo");
        BaresipPhone bob = phone("bob", 1000, "trio");
        stage.gateway().awaitParticipants("trio", 3, JOINED);
        for (RoomPage page : List.of(ada, cleo)) {
            page.awaitParticipants(l -> l.size() == 3 && count(l, "browser") == 2 && count(l, "phone") == 1,
                    JOINED, "should list two browsers and a phone");
        }

        Await.pause(RoomConversation.SETTLE);
        long from = System.nanoTime();
        ada.awaitHearing(HEARING, 1000, 1700);
        ada.assertHearsTones(new double[] {1000, 1700}, 440);
        cleo.awaitHearing(HEARING, 440, 1000);
        cleo.assertHearsTones(new double[] {440, 1000}, 1700);
        listenAtLeast(from);
        long to = System.nanoTime();

        assertEquals(BaresipPhone.CallState.ESTABLISHED, bob.callState(), bob.logTail());
        bob.close();
        ToneAssertions.hears(bob, bob.recordingBetween(from, to), new double[] {440, 1700}, 1000);
    }

    @Test
    void malformedSignallingClosesThatSocketOnlyAndTheRoomKeepsTalking() throws Exception {
        RoomPage ada = RoomPage.join(browser("ada", 440), stage.gateway(), "web", "Ada");
        BaresipPhone bob = phone("bob", 1000, "web");
        stage.gateway().awaitParticipants("web", 2, JOINED);

        // docs/signalling.md: bad-message closes this socket, nobody else is disturbed.
        for (String bad : List.of("not json", "{\"type\":\"join\"}")) {
            try (SignallingSocket raw = SignallingSocket.connect(stage.gateway().signallingUri(), Duration.ofSeconds(5))) {
                raw.send(bad);
                JsonNode error = raw.awaitMessage("error", Duration.ofSeconds(5));
                assertEquals("bad-message", error.path("code").asText(), "answer to '" + bad + "': " + error);
                assertTrue(!error.path("message").asText().isBlank(), "error without a message: " + error);
                raw.awaitEnded(Duration.ofSeconds(5));
            }
        }

        assertEquals(2, stage.gateway().gateway().participantCount("web"));
        assertEquals("connected", ada.state(), "lastError " + ada.lastError());
        long from = System.nanoTime();
        ada.awaitHearing(HEARING, 1000);
        ada.assertHearsTones(new double[] {1000}, 440);
        listenAtLeast(from);
        long to = System.nanoTime();
        assertEquals(2, stage.gateway().gateway().participantCount("web"));

        assertEquals(BaresipPhone.CallState.ESTABLISHED, bob.callState(), bob.logTail());
        bob.close();
        ToneAssertions.hearsOnly(bob, bob.recordingBetween(from, to), 440, 1000);
    }

    @Test
    void autojoinJoinsWithoutInteractionAndLeavingEmptiesTheRoom() throws Exception {
        // Only the URL: no field is typed, no button pressed.
        RoomPage ada = RoomPage.autojoin(browser("ada", 440), stage.gateway(), "lobby", "Ada");
        ada.awaitState("connected", Duration.ofSeconds(20));
        stage.gateway().awaitParticipants("lobby", 1, JOINED);
        Browser cleoBrowser = browser("cleo", 1700);
        RoomPage cleo = RoomPage.join(cleoBrowser, stage.gateway(), "lobby", "Cleo");
        stage.gateway().awaitParticipants("lobby", 2, JOINED);
        ada.awaitParticipants(l -> l.size() == 2 && count(l, "browser") == 2, JOINED, "should list both browsers");
        assertEquals("Ada", ada.self().name());
        assertEquals("Cleo", cleo.self().name());
        ada.browser().screenshot("joined");

        // Leave button: the page says so, the gateway drops the participant, the other page sees it.
        ada.clickLeave();
        ada.awaitState("left", Duration.ofSeconds(10));
        stage.gateway().awaitParticipants("lobby", 1, JOINED);
        cleo.awaitParticipants(l -> l.size() == 1 && l.getFirst().name().equals("Cleo"), JOINED,
                "should list only itself after Ada left");

        // Closing the browser: its socket and ICE go away; the gateway notices well within the 20 s liveness.
        cleoBrowser.close();
        stage.gateway().awaitParticipants("lobby", 0, Duration.ofSeconds(25));
    }

    private static long count(List<Participant> list, String kind) {
        return list.stream().filter(p -> kind.equals(p.kind())).count();
    }

    /** Lets everyone talk for at least RoomConversation.LISTEN since {@code from}. */
    private static void listenAtLeast(long from) {
        long left = RoomConversation.LISTEN.toNanos() - (System.nanoTime() - from);
        if (left > 0) {
            Await.pause(Duration.ofNanos(left));
        }
    }
}
