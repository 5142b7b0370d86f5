package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitRtc.JoinResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Joins a real LiveKit server: runs only with {@code -Dlivekit.server=/path/to/livekit-server}
 * (built from its Go module), started here with {@code --dev} on 127.0.0.1 (keys devkey/secret).
 */
@EnabledIfSystemProperty(named = "livekit.server", matches = ".+")
class RealLiveKitServerTest {
    private static final int PORT = 17880;
    private static Process server;
    private static final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() throws Exception {
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "livekit-server-test.log");
        server = new ProcessBuilder(System.getProperty("livekit.server"), "--dev", "--bind", "127.0.0.1",
                "--port", String.valueOf(PORT), "--node-ip", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", PORT)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > end || !server.isAlive()) throw new AssertionError("livekit-server did not start; see " + log);
                Thread.sleep(100); // waiting for a real process to listen
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) server.destroy();
        scheduler.shutdownNow();
    }

    @Test
    void listenerAndCallJoinTheSameRoomAndTheCallIsNotMixed() throws Exception {
        LiveKitConfig config = new LiveKitConfig("http://127.0.0.1:" + PORT, "devkey", "secret");
        LiveKitTokens tokens = new LiveKitTokens(config);
        HttpClient http = HttpClient.newHttpClient();
        Timers timers = Timers.on(scheduler);
        SignalClient listener = new SignalClient(config, tokens.listener("realroom"), false, new SignalClient.Listener() {},
                timers, http, null);
        JoinResponse lj = listener.connect().get(10, TimeUnit.SECONDS);
        assertEquals("realroom", lj.getRoom().getName());
        assertEquals("passerelle-listener-realroom", lj.getParticipant().getIdentity());
        assertTrue(lj.getPingInterval() > 0, "the server gives a ping interval");

        SignalClient call = new SignalClient(config, tokens.call("realroom",
                new CallIdentity("c-1", "+33100000000", "Test", "+33142000001")), false, new SignalClient.Listener() {},
                timers, http, "c-1");
        JoinResponse cj = call.connect().get(10, TimeUnit.SECONDS);
        ParticipantInfo me = cj.getParticipant();
        assertEquals("sip_+33100000000", me.getIdentity());
        assertEquals("active", me.getAttributesMap().get("sip.callStatus"));
        assertEquals("1", me.getAttributesMap().get("passerelle"));
        // the listener is hidden: the call does not see it
        assertTrue(cj.getOtherParticipantsList().stream().noneMatch(p -> p.getIdentity().startsWith("passerelle-listener")),
                String.valueOf(cj.getOtherParticipantsList()));
        assertTrue(LiveKitRoomSession.ours(me));
        call.leave();
        listener.leave();
        assertEquals(List.of(SignalState.DISCONNECTED, SignalState.DISCONNECTED), List.of(call.state(), listener.state()));
    }

    @Test
    void callPublishesItsMicrophoneOverARealPeerConnection() throws Exception {
        LiveKitConfig config = new LiveKitConfig("ws://127.0.0.1:" + PORT, "devkey", "secret");
        var ended = new java.util.concurrent.LinkedBlockingQueue<String>();
        var webrtc = org.passerelle.webrtc.WebRtcConfig.defaults().withBind("127.0.0.1").withPorts(47000, 47099);
        LiveKitCallParticipant call = new LiveKitCallParticipant(config, new LiveKitTokens(config), "pubroom",
                new CallIdentity("c-2", "200", "Phone", null), l -> org.passerelle.webrtc.WebRtcSession.offer(webrtc, l),
                Timers.on(scheduler), HttpClient.newHttpClient(), (reason, detail) -> ended.add(reason + " " + detail));
        try {
            String sid = call.join().get(10, TimeUnit.SECONDS);
            assertTrue(sid.startsWith("TR_"), sid);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (call.state() != LiveKitCallParticipant.State.PUBLISHED && System.nanoTime() < end) Thread.sleep(50);
            assertEquals(LiveKitCallParticipant.State.PUBLISHED, call.state(), "answer applied; ended: " + ended);
            short[] tone = new short[960];
            boolean connected = false;
            for (int i = 0; i < 500 && !connected; i++) { // up to 10 s of 20 ms frames while ICE and DTLS complete
                call.sendFrame(tone);
                Thread.sleep(20);
                connected = ended.isEmpty() && call.mediaConnected();
            }
            assertTrue(connected, "media connection up; ended: " + ended);
        } finally {
            call.close();
        }
    }
}
