package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.passerelle.tests.RoomPage.Participant;

/**
 * Firefox ESR in embedded rooms: Firefox's WebRTC stack (its own ICE, NSS DTLS, its SDP) against the
 * gateway's, with baresip phones and Chromium. Firefox sends its own fake microphone, a steady
 * {@value FirefoxBrowser#DEFAULT_TONE_HZ} Hz sine (its default; FirefoxHarnessSelfTest checks it),
 * so that is the tone the others must hear.
 */
@Timeout(90)
class FirefoxRoomTest {
    private static final Duration JOINED = Duration.ofSeconds(10);
    private static final Duration HEARING = Duration.ofSeconds(10);
    private static final double FIREFOX_HZ = FirefoxBrowser.DEFAULT_TONE_HZ;
    private static final int PHONE_HZ = 440;
    private static final int CHROMIUM_HZ = 1700;

    @RegisterExtension
    final RoomStage stage = new RoomStage(RequiredTool.FIREFOX, RequiredTool.GECKODRIVER, RequiredTool.BARESIP);


    private RoomPage firefox(String room) throws Exception {
        // tone 0: what Firefox's fake microphone sends by itself
        Browser b = Browser.builder("firefox", stage.work()).firefox().tone(0).start();
        stage.peer(b);
        assertEquals(FIREFOX_HZ, b.toneHz());
        return RoomPage.join(b, stage.gateway(), room, "Fox");
    }

    private RoomPage chromium(String room) throws Exception {
        Browser b = Browser.builder("chromium", stage.work()).tone(CHROMIUM_HZ).start();
        stage.peer(b);
        return RoomPage.join(b, stage.gateway(), room, "Chrome");
    }

    private BaresipPhone phone(String room) throws Exception {
        BaresipPhone p = BaresipPhone.builder("bob", stage.work()).tone(PHONE_HZ).calling(stage.gateway().roomUri(room)).start();
        stage.peer(p);
        p.awaitEstablished(Duration.ofSeconds(10));
        return p;
    }

    @Test
    void firefoxAndAPhoneHearEachOther() throws Exception {
        RoomPage fox = firefox("fox");
        stage.gateway().awaitParticipants("fox", 1, JOINED);
        BaresipPhone bob = phone("fox");
        stage.gateway().awaitParticipants("fox", 2, JOINED);
        List<Participant> list = fox.awaitParticipants(l -> l.size() == 2 && count(l, "phone") == 1, JOINED,
                "should list itself and the phone");
        assertEquals("browser", fox.self().kind(), list.toString());
        assertEquals("Fox", fox.self().name(), list.toString());

        Await.pause(RoomConversation.SETTLE);
        long from = System.nanoTime();
        fox.awaitHearing(HEARING, PHONE_HZ);
        fox.assertHearsTones(new double[] {PHONE_HZ}, FIREFOX_HZ);
        Map<?, ?> inbound = fox.inboundStats();
        assertTrue(((Number) inbound.get("packetsReceived")).longValue() > 50, "inbound " + inbound);
        listenAtLeast(from);
        long to = System.nanoTime();
        fox.browser().screenshot("joined");

        assertEquals(BaresipPhone.CallState.ESTABLISHED, bob.callState(), bob.logTail());
        bob.close();
        ToneAssertions.hearsOnly(bob, bob.recordingBetween(from, to), FIREFOX_HZ, PHONE_HZ);
    }

    @Test
    void firefoxAndChromiumHearEachOtherAndQuittingFirefoxLeavesTheRoom() throws Exception {
        RoomPage fox = firefox("mixed");
        RoomPage chrome = chromium("mixed");
        stage.gateway().awaitParticipants("mixed", 2, JOINED);
        for (RoomPage page : List.of(fox, chrome)) {
            page.awaitParticipants(l -> l.size() == 2 && count(l, "browser") == 2, JOINED, "should list both browsers");
        }

        Await.pause(RoomConversation.SETTLE);
        fox.awaitHearing(HEARING, CHROMIUM_HZ);
        fox.assertHearsTones(new double[] {CHROMIUM_HZ}, FIREFOX_HZ);
        chrome.awaitHearing(HEARING, FIREFOX_HZ);
        chrome.assertHearsTones(new double[] {FIREFOX_HZ}, CHROMIUM_HZ);

        // Quitting Firefox without Leave: its page says goodbye on pagehide (or ICE goes quiet).
        long closing = System.nanoTime();
        fox.browser().close();
        stage.gateway().awaitParticipants("mixed", 1, Duration.ofSeconds(25));
        chrome.awaitParticipants(l -> l.size() == 1 && l.getFirst().name().equals("Chrome"), JOINED,
                "should list only itself once Firefox is gone");
        System.out.printf("firefox quit: the room dropped it after %d ms%n", (System.nanoTime() - closing) / 1_000_000);
    }

    @Test
    void whenFirefoxLeavesThePhoneStopsHearingItAndTheRoomShrinks() throws Exception {
        RoomPage fox = firefox("leave");
        RoomPage chrome = chromium("leave");
        BaresipPhone bob = phone("leave");
        stage.gateway().awaitParticipants("leave", 3, JOINED);
        chrome.awaitParticipants(l -> l.size() == 3, JOINED, "should list Firefox, itself and the phone");

        Await.pause(RoomConversation.SETTLE);
        long together = System.nanoTime();
        fox.awaitHearing(HEARING, PHONE_HZ, CHROMIUM_HZ);
        listenAtLeast(together);
        long foxLeaves = System.nanoTime();

        fox.clickLeave();
        fox.awaitState("left", JOINED);
        stage.gateway().awaitParticipants("leave", 2, JOINED);
        assertEquals(2, stage.gateway().gateway().participantCount("leave"));
        chrome.awaitParticipants(l -> l.size() == 2 && l.stream().noneMatch(p -> p.name().equals("Fox")), JOINED,
                "should no longer list Firefox");

        Await.pause(RoomConversation.SETTLE);
        long alone = System.nanoTime();
        chrome.awaitHearing(HEARING, PHONE_HZ);
        listenAtLeast(alone);
        long end = System.nanoTime();

        assertEquals(BaresipPhone.CallState.ESTABLISHED, bob.callState(), bob.logTail());
        bob.close();
        ToneAssertions.hears(bob, bob.recordingBetween(together, foxLeaves), new double[] {FIREFOX_HZ, CHROMIUM_HZ},
                PHONE_HZ);
        WavFile after = bob.recordingBetween(alone, end);
        ToneAssertions.hearsOnly(bob, after, CHROMIUM_HZ, PHONE_HZ);
        // Firefox's tone is gone from what the phone hears, as far below Chromium's as its own tone must be.
        ToneAssertions.hears(bob, after, new double[] {CHROMIUM_HZ}, FIREFOX_HZ);
    }

    private static long count(List<Participant> list, String kind) {
        return list.stream().filter(p -> kind.equals(p.kind())).count();
    }

    private static void listenAtLeast(long from) {
        long left = RoomConversation.LISTEN.toNanos() - (System.nanoTime() - from);
        if (left > 0) {
            Await.pause(Duration.ofNanos(left));
        }
    }
}
