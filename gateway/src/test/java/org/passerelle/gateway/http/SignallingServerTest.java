package org.passerelle.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.browser.BrowserSignalling;
import org.passerelle.gateway.browser.FakeWebRtc;
import org.passerelle.gateway.call.CallRegistry;
import org.passerelle.gateway.room.RoomLimits;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.transcoder.NanoClock;

/**
 * The HTTP server on 127.0.0.1 with browsers on real WebSockets (the JDK's client) and a fake
 * WebRTC factory: signalling end to end, bad input closing only its own socket, limits, and the
 * room page's files.
 */
class SignallingServerTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeWebRtc webRtc = new FakeWebRtc();
    private final RoomRegistry rooms = new RoomRegistry(r -> { }, r -> { }, new RoomLimits(3, 2));
    private final BrowserSignalling signalling = new BrowserSignalling(rooms, webRtc, Duration.ofSeconds(20),
            NanoClock.SYSTEM);
    private static final Map<String, String> PAGE = Map.of("room.html", "<html>room page</html>",
            "room.js", "console.log(1)", "room.css", "body{}");
    /** Would hand out a secret for any name holding "secret": only the server's checks stop it. */
    private final StaticFiles files = new StaticFiles(name -> name.contains("secret")
            ? "top secret".getBytes(StandardCharsets.UTF_8)
            : PAGE.containsKey(name) ? PAGE.get(name).getBytes(StandardCharsets.UTF_8) : null);
    private final HttpServer server = new HttpServer(rooms, new CallRegistry(DialPlan.builtIn(), rooms), signalling,
            files);
    private final List<WsClient> clients = new ArrayList<>();
    private int port;

    SignallingServerTest() throws Exception {
        server.start(group, "127.0.0.1", 0);
        port = server.port();
    }

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        signalling.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private WsClient connect() throws Exception {
        WsClient c = new WsClient(port);
        clients.add(c);
        return c;
    }

    private static String join(String room, String name) {
        return "{\"type\":\"join\",\"room\":\"" + room + "\",\"name\":\"" + name + "\",\"sdp\":\"v=0 " + name + "\"}";
    }

    /** A browser that joined and whose media came up; returns once it sees itself in the list. */
    private WsClient inRoom(String room, String name) throws Exception {
        WsClient c = connect();
        int before = webRtc.sessions.size();
        c.send(join(room, name));
        JsonNode joined = c.next();
        assertEquals("joined", joined.get("type").asText(), joined.toString());
        assertEquals(before + 1, webRtc.sessions.size());
        webRtc.last().listener.onConnected();
        c.next(m -> "participants".equals(m.path("type").asText()) && names(m).contains(name));
        return c;
    }

    private static List<String> names(JsonNode participants) {
        List<String> out = new ArrayList<>();
        participants.get("participants").forEach(p -> out.add(p.get("name").asText()));
        return out;
    }

    @Test
    void joinIsAnsweredWithTheSdp() throws Exception {
        WsClient a = connect();
        a.send(join("demo", "Ann"));
        JsonNode joined = a.next();
        assertEquals("joined", joined.get("type").asText());
        assertEquals("demo", joined.get("room").asText());
        assertEquals("answer to v=0 Ann", joined.get("sdp").asText());
        assertTrue(joined.get("id").asText().startsWith("web-"));
    }

    @Test
    void participantsFollowJoinsAndLeaves() throws Exception {
        WsClient a = inRoom("demo", "Ann");
        WsClient b = inRoom("demo", "Bob");
        JsonNode seenByA = a.next(m -> names(m).size() == 2);
        assertEquals(List.of("Ann", "Bob"), names(seenByA));
        assertEquals("browser", seenByA.get("participants").get(1).get("kind").asText());

        b.send("{\"type\":\"mute\",\"muted\":true}");
        JsonNode muted = a.next(m -> m.get("participants").get(1).get("muted").asBoolean());
        assertEquals(List.of("Ann", "Bob"), names(muted));

        b.send("{\"type\":\"leave\"}");
        assertEquals(1000, b.awaitClosed());
        assertEquals(List.of("Ann"), names(a.next(m -> names(m).size() == 1)));
        assertEquals(1, rooms.participantCount("demo"));
    }

    @Test
    void aBrowserThatDisconnectsLeaves() throws Exception {
        WsClient a = inRoom("demo", "Ann");
        WsClient b = inRoom("demo", "Bob");
        b.close();
        assertEquals(List.of("Ann"), names(a.next(m -> names(m).size() == 1)));
        assertEquals(1, webRtc.sessions.get(1).closes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"type\":\"dance\"}", "{\"type\":\"join\",\"name\":\"Eve\",\"sdp\":\"v=0\"}",
            "{\"type\":\"join\",\"room\":\"demo\",\"name\":\"\",\"sdp\":\"v=0\"}"})
    void aBadMessageClosesOnlyItsSocket(String bad) throws Exception {
        WsClient a = inRoom("demo", "Ann");
        WsClient eve = connect();
        eve.send(bad);
        JsonNode error = eve.next();
        assertEquals("error", error.get("type").asText());
        assertEquals("bad-message", error.get("code").asText());
        assertEquals(1008, eve.awaitClosed());
        assertStillFine(a);
    }

    @Test
    void aBadRoomNameIsRefused() throws Exception {
        WsClient a = inRoom("demo", "Ann");
        WsClient eve = connect();
        eve.send(join("../etc", "Eve"));
        assertEquals("invalid-room", eve.next().get("code").asText());
        eve.awaitClosed();
        assertStillFine(a);
    }

    @Test
    void aBinaryFrameClosesOnlyItsSocket() throws Exception {
        WsClient a = inRoom("demo", "Ann");
        WsClient eve = inRoom("demo", "Eve");
        eve.sendBinary(new byte[] {1, 2, 3});
        assertEquals("bad-message", eve.next(m -> "error".equals(m.get("type").asText())).get("code").asText());
        assertEquals(1003, eve.awaitClosed());
        assertEquals(List.of("Ann"), names(a.next(m -> names(m).size() == 1)));
        assertStillFine(a);
    }

    @Test
    void anOversizedMessageClosesOnlyItsSocket() throws Exception {
        WsClient a = inRoom("demo", "Ann");
        WsClient eve = connect();
        eve.send("{\"type\":\"join\",\"room\":\"demo\",\"name\":\"Eve\",\"sdp\":\"" + "a".repeat(70 * 1024) + "\"}");
        JsonNode error = eve.next();
        assertEquals("bad-message", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("64 KiB"), error.toString());
        assertEquals(1009, eve.awaitClosed());
        assertStillFine(a);
    }

    @Test
    void roomFullAndGatewayFull() throws Exception {
        inRoom("demo", "Ann");
        inRoom("demo", "Bob");
        inRoom("demo", "Cy");
        WsClient dan = connect();
        dan.send(join("demo", "Dan"));
        JsonNode full = dan.next();
        assertEquals("room-full", full.get("code").asText());
        assertEquals("Room demo is full: at most 3 participants.", full.get("message").asText());
        dan.awaitClosed();

        inRoom("second", "Eve");
        WsClient fay = connect();
        fay.send(join("third", "Fay"));
        JsonNode gatewayFull = fay.next();
        assertEquals("gateway-full", gatewayFull.get("code").asText());
        assertTrue(gatewayFull.get("message").asText().contains("2 rooms"));
        fay.awaitClosed();
        assertEquals(4, webRtc.sessions.size(), "no media for refused joins");
    }

    /** Still in its room and still served: a mute round-trips. */
    private void assertStillFine(WsClient a) throws Exception {
        assertFalse(a.isClosed());
        a.send("{\"type\":\"mute\",\"muted\":true}");
        JsonNode list = a.next(m -> m.get("participants").get(0).get("muted").asBoolean());
        assertEquals("Ann", list.get("participants").get(0).get("name").asText());
        a.send("{\"type\":\"mute\",\"muted\":false}");
        a.next(m -> !m.get("participants").get(0).get("muted").asBoolean());
    }

    // ---- the page ----

    @Test
    void theRoomPageAndItsFiles() throws Exception {
        Reply page = get("/rooms/demo");
        assertEquals(200, page.status);
        assertEquals("text/html; charset=utf-8", page.header("content-type"));
        assertEquals("<html>room page</html>", page.body);

        Reply js = get("/static/room.js");
        assertEquals(200, js.status);
        assertEquals("text/javascript; charset=utf-8", js.header("content-type"));
        assertTrue(js.header("cache-control").contains("max-age"));
        assertEquals("console.log(1)", js.body);
        assertEquals("text/css; charset=utf-8", get("/static/room.css").header("content-type"));

        Reply again = request("GET /static/room.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + js.header("etag")
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(304, again.status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/static/../pom.xml", "/static/%2e%2e/pom.xml", "/static/..%2fsecret.txt",
            "/static/%2e%2e%2fsecret.txt", "/static/../secret.txt", "/static/sub/secret.txt", "/static/.secret.txt",
            "/static/", "/static/nothing.js", "/static/room.exe", "/nowhere", "/rooms/", "/rooms/a/b"})
    void whatIsNotThereIs404(String path) throws Exception {
        Reply r = get(path);
        assertEquals(404, r.status, path);
        assertFalse(r.body.contains("top secret"));
    }

    @Test
    void aBadRoomNameGetsAPageInWords() throws Exception {
        Reply r = get("/rooms/bad%20name");
        assertEquals(404, r.status);
        assertTrue(r.body.contains("room names are letters, digits"), r.body);
        assertEquals(404, get("/rooms/" + "x".repeat(65)).status);
    }

    @Test
    void apiRoomsShowsKindAndMute() throws Exception {
        WsClient a = inRoom("demo", "Ann");
        a.send("{\"type\":\"mute\",\"muted\":true}");
        a.next(m -> m.get("participants").get(0).get("muted").asBoolean());
        Reply r = get("/api/rooms");
        assertTrue(r.body.contains("\"kind\":\"browser\",\"muted\":true"), r.body);
        assertEquals(200, get("/health").status);
    }

    private record Reply(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
            }
            return null;
        }
    }

    private Reply get(String rawPath) throws Exception {
        return request("GET " + rawPath + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    /** Raw HTTP, so the path reaches the server exactly as written (no client normalising it). */
    private Reply request(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            String head = all.substring(0, split);
            return new Reply(Integer.parseInt(head.split(" ")[1]), head, all.substring(split + 4));
        }
    }
}
