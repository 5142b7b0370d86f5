package org.passerelle.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.room.RoomLimits;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * One session driven message by message on a direct executor, with a fake WebRTC factory and a
 * fake clock: the state machine, the room it enters, what it tells the browser.
 */
class BrowserSessionTest {
    private long now = 5_000_000_000L;
    private final FakeWebRtc webRtc = new FakeWebRtc();
    private final RoomRegistry rooms = new RoomRegistry(r -> { }, r -> { }, new RoomLimits(2, 1));
    private final BrowserSignalling hub = new BrowserSignalling(rooms, webRtc, Duration.ofSeconds(20), () -> now);

    private static String join(String room, String name) {
        return "{\"type\":\"join\",\"room\":\"" + room + "\",\"name\":\"" + name + "\",\"sdp\":\"offer-" + name + "\"}";
    }

    private record Browser(BrowserSession session, RecordingChannel channel) {}

    private Browser open(String id) {
        RecordingChannel ch = new RecordingChannel();
        return new Browser(hub.open(id, ch, Runnable::run), ch);
    }

    /** Joins and brings media up. */
    private Browser inRoom(String id, String room) {
        Browser b = open(id);
        b.session.onText(join(room, id));
        webRtc.last().listener.onConnected();
        return b;
    }

    @Test
    void joinIsAnsweredAndMediaUpEntersTheRoom() {
        Browser a = open("web-a");
        a.session.onText(join("demo", "Ann"));
        JsonNode joined = a.channel.last();
        assertEquals("joined", joined.get("type").asText());
        assertEquals("web-a", joined.get("id").asText());
        assertEquals("demo", joined.get("room").asText());
        assertEquals("answer to offer-Ann", joined.get("sdp").asText());
        assertEquals(BrowserState.JOINING, a.session.state());
        assertEquals(0, rooms.participantCount("demo"), "not in the room before ICE and DTLS");

        webRtc.last().listener.onConnected();
        assertEquals(BrowserState.IN_ROOM, a.session.state());
        assertEquals(1, rooms.participantCount("demo"));
        JsonNode list = a.channel.last();
        assertEquals("participants", list.get("type").asText());
        assertEquals("[{\"id\":\"web-a\",\"name\":\"Ann\",\"kind\":\"browser\",\"muted\":false}]",
                list.get("participants").toString());
    }

    @Test
    void othersAreToldOfJoinsMutesAndLeaves() {
        Browser a = inRoom("web-a", "demo");
        Browser b = inRoom("web-b", "demo");
        assertEquals(2, a.channel.lastOfType("participants").get("participants").size());

        b.session.onText("{\"type\":\"mute\",\"muted\":true}");
        JsonNode seenByA = a.channel.lastOfType("participants").get("participants");
        assertEquals("web-b", seenByA.get(1).get("id").asText());
        assertEquals(true, seenByA.get(1).get("muted").asBoolean());

        int before = a.channel.sent.size();
        b.session.onText("{\"type\":\"mute\",\"muted\":true}");
        assertEquals(before, a.channel.sent.size(), "no news, no message");

        b.session.onText("{\"type\":\"leave\"}");
        assertEquals(1, a.channel.lastOfType("participants").get("participants").size());
        assertEquals(1000, b.channel.closeCode);
    }

    @Test
    void muteBeforeMediaIsUpIsKept() {
        Browser a = open("web-a");
        a.session.onText(join("demo", "Ann"));
        a.session.onText("{\"type\":\"mute\",\"muted\":true}");
        webRtc.last().listener.onConnected();
        assertEquals(true, rooms.get("demo").members().get(0).muted());
    }

    @Test
    void leaveEndsEverythingExactlyOnce() {
        Browser a = inRoom("web-a", "demo");
        FakeWebRtc.Session media = webRtc.last();
        a.session.onText("{\"type\":\"leave\"}");
        assertEquals(BrowserState.CLOSED, a.session.state());
        assertEquals(0, rooms.participantCount("demo"));
        assertEquals(1, media.closes);
        int sent = a.channel.sent.size();

        a.session.onSocketClosed();
        media.listener.onClosed("closed by us");
        a.session.onText("{\"type\":\"leave\"}");
        assertEquals(1, media.closes);
        assertEquals(1, a.channel.closes);
        assertEquals(sent, a.channel.sent.size());
        assertEquals(0, hub.size());
    }

    @Test
    void socketClosingLeavesTheRoom() {
        Browser a = inRoom("web-a", "demo");
        a.session.onSocketClosed();
        assertEquals(0, rooms.participantCount("demo"));
        assertEquals(1, webRtc.last().closes);
        assertEquals(0, a.channel.closes, "already closed: nothing to close");
    }

    @Test
    void mediaFailureWhileJoiningIsReported() {
        Browser a = open("web-a");
        a.session.onText(join("demo", "Ann"));
        webRtc.last().listener.onClosed("ICE failed");
        JsonNode error = a.channel.last();
        assertEquals("media-failed", error.get("code").asText());
        assertEquals(true, error.get("message").asText().contains("ICE failed"));
        assertEquals(1, a.channel.closes);
        assertEquals(BrowserState.CLOSED, a.session.state());
    }

    @Test
    void mediaLostInTheRoomLeavesIt() {
        Browser a = inRoom("web-a", "demo");
        webRtc.last().listener.onClosed("consent expired");
        assertEquals("media-failed", a.channel.last().get("code").asText());
        assertEquals(0, rooms.participantCount("demo"));
    }

    @Test
    void anOfferThatCannotBeAnsweredIsReported() {
        webRtc.failWith = "no audio m-line";
        Browser a = open("web-a");
        a.session.onText(join("demo", "Ann"));
        assertEquals("media-failed", a.channel.last().get("code").asText());
        assertEquals(true, a.channel.last().get("message").asText().contains("no audio m-line"));
        assertEquals(BrowserState.CLOSED, a.session.state());
    }

    @Test
    void candidatesNeedAJoinFirst() {
        Browser a = open("web-a");
        a.session.onText("{\"type\":\"candidate\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\"}");
        assertEquals("not-joined", a.channel.last().get("code").asText());
        assertEquals(0, a.channel.closes);
        assertEquals(BrowserState.CONNECTED, a.session.state());

        a.session.onText(join("demo", "Ann"));
        a.session.onText("{\"type\":\"candidate\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\"}");
        a.session.onText("{\"type\":\"candidate\",\"candidate\":\"\"}");
        assertEquals(java.util.List.of("candidate:1|0", "|null"), webRtc.last().candidates);
    }

    @Test
    void aSecondJoinIsABadMessage() {
        Browser a = open("web-a");
        a.session.onText(join("demo", "Ann"));
        a.session.onText(join("other", "Ann"));
        assertEquals("bad-message", a.channel.last().get("code").asText());
        assertEquals(BrowserState.CLOSED, a.session.state());
        assertEquals(1, webRtc.last().closes);
    }

    @Test
    void invalidRoomAndNameAreRefused() {
        Browser a = open("web-a");
        a.session.onText(join("bad name", "Ann"));
        assertEquals("invalid-room", a.channel.last().get("code").asText());
        assertEquals(1, a.channel.closes);

        Browser b = open("web-b");
        b.session.onText(join("demo", "x".repeat(65)));
        assertEquals("bad-message", b.channel.last().get("code").asText());
        assertEquals(0, webRtc.sessions.size(), "no media set up for refused joins");
    }

    @Test
    void limitsAreToldInWords() {
        inRoom("web-a", "demo");
        inRoom("web-b", "demo");
        Browser c = open("web-c");
        c.session.onText(join("demo", "Cy"));
        assertEquals("room-full", c.channel.last().get("code").asText());
        assertEquals("Room demo is full: at most 2 participants.", c.channel.last().get("message").asText());

        Browser d = open("web-d");
        d.session.onText(join("elsewhere", "Di"));
        assertEquals("gateway-full", d.channel.last().get("code").asText());
        assertEquals(2, webRtc.sessions.size());
    }

    @Test
    void aRoomThatFilledDuringIceIsRefusedThen() {
        Browser a = open("web-a");
        a.session.onText(join("demo", "Ann"));
        FakeWebRtc.Session slow = webRtc.last();
        inRoom("web-b", "demo");
        inRoom("web-c", "demo");
        slow.listener.onConnected();
        assertEquals("room-full", a.channel.last().get("code").asText());
        assertEquals(1, slow.closes);
        assertEquals(2, rooms.participantCount("demo"));
    }

    @Test
    void aSilentBrowserIsPingedThenLeaves() {
        Browser a = inRoom("web-a", "demo");
        now += Duration.ofSeconds(10).toNanos();
        a.session.onPingTimer();
        assertEquals(1, a.channel.pings);
        now += Duration.ofSeconds(5).toNanos();
        a.session.onTraffic(); // the pong, at 15 s
        now += Duration.ofSeconds(15).toNanos();
        a.session.onPingTimer(); // 30 s: heard 15 s ago
        assertEquals(2, a.channel.pings);
        assertEquals(1, rooms.participantCount("demo"));
        now += Duration.ofSeconds(6).toNanos();
        a.session.onPingTimer(); // 36 s: silent for 21 s
        assertEquals(2, a.channel.pings);
        assertEquals(0, rooms.participantCount("demo"));
        assertEquals(1001, a.channel.closeCode);
        assertEquals(BrowserState.CLOSED, a.session.state());
    }

    @Test
    void rtpBeforeTheRoomIsReleased() {
        Browser a = open("web-a");
        a.session.onText(join("demo", "Ann"));
        RtpPacketPool pool = new RtpPacketPool(1);
        webRtc.last().listener.onRtp(pool.acquire());
        assertEquals(1, pool.available());
        assertNull(rooms.get("demo"));
    }
}
