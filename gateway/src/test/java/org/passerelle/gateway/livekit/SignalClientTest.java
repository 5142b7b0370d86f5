package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.Pong;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrackPublishedResponse;
import livekit.LivekitRtc.TrickleRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignalClientTest {
    private final FakeLiveKitServer server;
    private final ManualTimers timers = new ManualTimers();
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final SignalClient client;

    SignalClientTest() throws Exception {
        server = new FakeLiveKitServer();
        LiveKitConfig config = new LiveKitConfig(server.url(), "devkey", "secret-secret-secret-secret-secret");
        client = new SignalClient(config, "tok.en", false, new Recorder(), timers, http, "call-1");
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    /** Turns listener calls into strings the test waits for. */
    private final class Recorder implements SignalClient.Listener {
        @Override public void onJoined(JoinResponse join) { events.add("joined " + join.getParticipant().getSid()); }
        @Override public void onResumed(ReconnectResponse r) { events.add("resumed"); }
        @Override public void onTrickle(SignalTarget target, String candidate, String mid) {
            events.add("trickle " + target + " " + candidate + " " + mid);
        }
        @Override public void onParticipants(List<ParticipantInfo> updates) { events.add("participants " + updates.size()); }
        @Override public void onState(SignalState state) { events.add("state " + state); }
        @Override public void onDisconnected(DisconnectReason reason, String detail) { events.add("disconnected " + reason); }
    }

    private String await(String prefix) throws InterruptedException {
        while (true) {
            String e = events.poll(5, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("no event " + prefix);
            if (e.startsWith(prefix)) return e;
        }
    }

    /** Waits for the resume flow to start and lets its first attempt go. */
    private void reconnecting() throws InterruptedException {
        await("state RECONNECTING");
        waitUntil(() -> timers.pending() > 0);
        timers.advance(Duration.ZERO);
    }

    private static JoinResponse join(int interval, int timeout) {
        return JoinResponse.newBuilder().setRoom(Room.newBuilder().setName("salle"))
                .setParticipant(ParticipantInfo.newBuilder().setSid("PA_me").setIdentity("sip_100"))
                .setPingInterval(interval).setPingTimeout(timeout).setServerVersion("fake").build();
    }

    private void joined(int interval, int timeout) throws Exception {
        var f = client.connect();
        server.nextConnection();
        server.send(SignalResponse.newBuilder().setJoin(join(interval, timeout)).build());
        assertEquals("PA_me", f.get(5, TimeUnit.SECONDS).getParticipant().getSid());
        await("joined");
    }

    private static Map<String, String> query(String uri) {
        var m = new java.util.HashMap<String, String>();
        for (String kv : uri.substring(uri.indexOf('?') + 1).split("&")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void joinsWithTheTokenAndProtocolInTheUrl() throws Exception {
        var f = client.connect();
        String uri = server.nextConnection();
        assertTrue(uri.startsWith("/rtc?"), uri);
        Map<String, String> q = query(uri);
        assertEquals("tok.en", q.get("access_token"));
        assertEquals("0", q.get("auto_subscribe"));
        assertEquals(String.valueOf(SignalClient.PROTOCOL), q.get("protocol"));
        assertEquals("passerelle", q.get("sdk"));
        assertFalse(q.containsKey("reconnect"));
        assertEquals(SignalState.CONNECTING, client.state());
        server.send(SignalResponse.newBuilder().setJoin(join(5, 15)).build());
        assertEquals("salle", f.get(5, TimeUnit.SECONDS).getRoom().getName());
        assertEquals(SignalState.CONNECTED, client.state());
        assertEquals("PA_me", client.participantSid());
    }

    @Test
    void refusedHandshakeFailsWithServerAndStatus() {
        server.refuseWith = 401;
        var f = client.connect();
        var e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("HTTP 401"), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains(server.url()), e.getCause().getMessage());
        assertEquals(SignalState.DISCONNECTED, client.state());
    }

    @Test
    void noJoinResponseInTimeFails() throws Exception {
        var f = client.connect();
        server.nextConnection();
        timers.advance(SignalClient.JOIN_TIMEOUT);
        var e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("JoinResponse"), e.getCause().getMessage());
    }

    @Test
    void pingsAtTheServersIntervalAndResumesWhenPongsStop() throws Exception {
        joined(5, 15);
        timers.advance(Duration.ofSeconds(5));
        SignalRequest ping = server.next(SignalRequest.MessageCase.PING_REQ);
        assertTrue(ping.getPingReq().getTimestamp() > 0);
        server.send(SignalResponse.newBuilder().setPongResp(Pong.newBuilder()
                .setLastPingTimestamp(ping.getPingReq().getTimestamp()).setTimestamp(1)).build());
        // the pong cleared the timeout: wait until the client saw it, then 15 s pass with pings only
        waitUntil(() -> timers.pending() == 1);
        timers.advance(Duration.ofSeconds(14));
        assertEquals(SignalState.CONNECTED, client.state());
        // no more pongs: 15 s after the next ping, the client resumes on a new socket
        timers.advance(Duration.ofSeconds(20)); // times out, then runs the first (immediate) resume attempt
        await("state RECONNECTING");
        Map<String, String> q = query(server.nextConnection());
        assertEquals("1", q.get("reconnect"));
        assertEquals("PA_me", q.get("sid"));
        server.send(SignalResponse.newBuilder().setReconnect(ReconnectResponse.getDefaultInstance()).build());
        await("resumed");
        assertEquals(SignalState.CONNECTED, client.state());
    }

    @Test
    void resumesAfterTheSocketDropsWithTheRefreshedToken() throws Exception {
        joined(0, 0);
        server.send(SignalResponse.newBuilder().setRefreshToken("new.token").build());
        server.send(SignalResponse.newBuilder().setUpdate(livekit.LivekitRtc.ParticipantUpdate.getDefaultInstance()).build());
        await("participants");
        server.drop();
        reconnecting();
        Map<String, String> q = query(server.nextConnection());
        assertEquals("new.token", q.get("access_token"));
        assertEquals("1", q.get("reconnect"));
        server.send(SignalResponse.newBuilder().setReconnect(ReconnectResponse.getDefaultInstance()).build());
        await("resumed");
        // signalling works on the new socket
        client.updateSubscription(List.of("TR_a"), true);
        assertEquals(List.of("TR_a"), server.next(SignalRequest.MessageCase.SUBSCRIPTION).getSubscription().getTrackSidsList());
    }

    @Test
    void givesUpResumingAfterTheLastAttempt() throws Exception {
        joined(0, 0);
        server.close(); // nothing listens any more
        await("state RECONNECTING");
        waitUntil(() -> timers.pending() > 0);
        for (int i = 0; i < SignalClient.RECONNECT_DELAYS.size(); i++) {
            timers.advance(Duration.ofSeconds(5));
            waitUntil(() -> timers.pending() > 0 || client.state() == SignalState.DISCONNECTED);
        }
        assertEquals("disconnected UNKNOWN_REASON", await("disconnected"));
    }

    @Test
    void trickleBothWays() throws Exception {
        joined(0, 0);
        server.send(SignalResponse.newBuilder().setTrickle(TrickleRequest.newBuilder().setTarget(SignalTarget.SUBSCRIBER)
                .setCandidateInit("{\"candidate\":\"candidate:1 1 udp 2130706431 127.0.0.1 7882 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}"))
                .build());
        assertEquals("trickle SUBSCRIBER candidate:1 1 udp 2130706431 127.0.0.1 7882 typ host 0", await("trickle"));
        client.sendTrickle(SignalTarget.PUBLISHER, "candidate:2 1 udp 1 127.0.0.1 40000 typ host", "0", 0);
        TrickleRequest t = server.next(SignalRequest.MessageCase.TRICKLE).getTrickle();
        assertEquals(SignalTarget.PUBLISHER, t.getTarget());
        JsonNode init = new ObjectMapper().readTree(t.getCandidateInit());
        assertEquals("candidate:2 1 udp 1 127.0.0.1 40000 typ host", init.get("candidate").asText());
        assertEquals("0", init.get("sdpMid").asText());
    }

    @Test
    void addTrackCompletesWithThePublishedTrack() throws Exception {
        joined(0, 0);
        var f = client.addTrack(AddTrackRequest.newBuilder().setCid("cid-1").setName("microphone")
                .setType(TrackType.AUDIO).setSource(TrackSource.MICROPHONE).build());
        AddTrackRequest sent = server.next(SignalRequest.MessageCase.ADD_TRACK).getAddTrack();
        assertEquals("cid-1", sent.getCid());
        assertFalse(f.isDone());
        server.send(SignalResponse.newBuilder().setTrackPublished(TrackPublishedResponse.newBuilder().setCid("cid-1")
                .setTrack(TrackInfo.newBuilder().setSid("TR_1"))).build());
        assertEquals("TR_1", f.get(5, TimeUnit.SECONDS).getSid());
    }

    @Test
    void serverLeaveEndsWithItsReason() throws Exception {
        joined(0, 0);
        var f = client.addTrack(AddTrackRequest.newBuilder().setCid("c").build());
        server.send(SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder().setReason(DisconnectReason.ROOM_DELETED)
                .setAction(LeaveRequest.Action.DISCONNECT)).build());
        assertEquals("disconnected ROOM_DELETED", await("disconnected"));
        assertEquals(SignalState.DISCONNECTED, client.state());
        assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    }

    @Test
    void serverAskingToResumeResumes() throws Exception {
        joined(0, 0);
        server.send(SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder().setReason(DisconnectReason.MIGRATION)
                .setAction(LeaveRequest.Action.RESUME)).build());
        reconnecting();
        assertEquals("1", query(server.nextConnection()).get("reconnect"));
    }

    @Test
    void leaveTellsTheServer() throws Exception {
        joined(0, 0);
        client.leave();
        LeaveRequest leave = server.next(SignalRequest.MessageCase.LEAVE).getLeave();
        assertEquals(DisconnectReason.CLIENT_INITIATED, leave.getReason());
        assertEquals(LeaveRequest.Action.DISCONNECT, leave.getAction());
        assertEquals("disconnected CLIENT_INITIATED", await("disconnected"));
    }

    /** Every legal move; all others are refused. */
    private static final java.util.Set<String> LEGAL = java.util.Set.of("NEW>CONNECTING", "NEW>DISCONNECTED",
            "CONNECTING>CONNECTED", "CONNECTING>DISCONNECTED", "CONNECTED>RECONNECTING", "CONNECTED>DISCONNECTED",
            "RECONNECTING>CONNECTED", "RECONNECTING>DISCONNECTED");

    @ParameterizedTest
    @EnumSource(SignalState.class)
    void stateTransitions(SignalState from) {
        for (SignalState to : SignalState.values()) {
            assertEquals(LEGAL.contains(from + ">" + to), from.canMoveTo(to), from + " → " + to);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met");
            Thread.onSpinWait();
        }
    }
}
