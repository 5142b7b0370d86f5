package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.ParticipantUpdate;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.UpdateSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.codec.OpusEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.webrtc.WebRtcSession;

class LiveKitRoomSessionTest {
    private final FakeLiveKitServer server;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> offers = new CopyOnWriteArrayList<>();
    private volatile WebRtcSession.Listener media;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<RemoteAudioTrack> flowing = new CopyOnWriteArrayList<>();
    private final LiveKitRoomSession session;

    LiveKitRoomSessionTest() throws Exception {
        server = new FakeLiveKitServer();
        LiveKitConfig config = new LiveKitConfig(server.url(), "k", "a-secret-of-at-least-thirty-two-bytes");
        SubscriberPeer peer = new SubscriberPeer() {
            @Override public String answer(String offer) { offers.add(offer); return "answer-" + offers.size(); }
            @Override public void addRemoteCandidate(String c, String mid) { events.add("candidate " + c); }
            @Override public void close() { events.add("peer closed"); }
        };
        session = new LiveKitRoomSession(config, new LiveKitTokens(config), "salle", m -> { media = m; return peer; },
                new ManualTimers(), HttpClient.newHttpClient(), now::get, new LiveKitRoomSession.Listener() {
                    @Override public void onTrackAdded(RemoteAudioTrack t) { flowing.add(t); events.add("added " + t.trackSid()); }
                    @Override public void onTrackRemoved(RemoteAudioTrack t) { flowing.remove(t); events.add("removed " + t.trackSid()); }
                    @Override public void onClosed(DisconnectReason reason, String detail) { events.add("closed " + reason); }
                });
    }

    @AfterEach
    void tearDown() {
        session.close();
        server.close();
    }

    private static ParticipantInfo browser(String sid, String track, boolean muted) {
        return ParticipantInfo.newBuilder().setSid(sid).setIdentity("alice").setName("Alice")
                .setState(ParticipantInfo.State.ACTIVE)
                .addTracks(TrackInfo.newBuilder().setSid(track).setType(TrackType.AUDIO).setMuted(muted)).build();
    }

    private static ParticipantInfo ourCall() {
        return ParticipantInfo.newBuilder().setSid("PA_call").setIdentity("sip_100").putAttributes("passerelle", "1")
                .setState(ParticipantInfo.State.ACTIVE)
                .addTracks(TrackInfo.newBuilder().setSid("TR_call").setType(TrackType.AUDIO)).build();
    }

    private static String offerWith(long ssrc, String track) {
        return "v=0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:1\r\na=sendonly\r\na=msid:PA_b|" + track + " " + track + "\r\n"
                + "a=ssrc:" + ssrc + " cname:x\r\na=ssrc:" + ssrc + " msid:PA_b|" + track + " " + track + "\r\n";
    }

    private String await(String prefix) throws InterruptedException {
        while (true) {
            String e = events.poll(5, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("no event " + prefix);
            if (e.startsWith(prefix)) return e;
        }
    }

    @Test
    void subscribesToOthersOnlyAndDecodesTheirTrack() throws Exception {
        session.join();
        String uri = server.nextConnection();
        assertTrue(uri.contains("auto_subscribe=0"), uri);
        server.send(SignalResponse.newBuilder().setJoin(JoinResponse.newBuilder()
                .setParticipant(ParticipantInfo.newBuilder().setSid("PA_l").setIdentity("passerelle-listener-salle"))
                .addOtherParticipants(ourCall()).addOtherParticipants(browser("PA_b", "TR_alice", false))).build());
        UpdateSubscription sub = server.next(SignalRequest.MessageCase.SUBSCRIPTION).getSubscription();
        assertEquals(List.of("TR_alice"), sub.getTrackSidsList(), "our own call's track is not subscribed");
        assertTrue(sub.getSubscribe());

        server.send(SignalResponse.newBuilder().setOffer(SessionDescription.newBuilder().setType("offer")
                .setSdp(offerWith(1234, "TR_alice")).setId(3)).build());
        SessionDescription answer = server.next(SignalRequest.MessageCase.ANSWER).getAnswer();
        assertEquals("answer-1", answer.getSdp());
        assertEquals(3, answer.getId());
        assertEquals("added TR_alice", await("added"));
        RemoteAudioTrack t = flowing.getFirst();
        assertEquals("Alice", t.displayName());

        // a 1 kHz tone in Opus, as the browser would send it; another SSRC is dropped
        OpusEncoder enc = new OpusEncoder();
        short[] pcm = new short[960];
        for (int seq = 0; seq < 5; seq++) {
            for (int i = 0; i < 960; i++) pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * 1000 * (seq * 960 + i) / 48000.0));
            RtpPacket p = RtpPacket.unpooled();
            int len = enc.encode(pcm, 0, 960, p.buffer(), RtpPacket.FIXED_HEADER);
            p.writeHeader(111, false, seq, seq * 960L, 1234, len);
            p.setArrivalNanos(now.get());
            media.onRtp(p);
            RtpPacket stranger = RtpPacket.unpooled();
            stranger.writeHeader(111, false, seq, seq * 960L, 999, 0);
            media.onRtp(stranger);
        }
        enc.close();
        now.addAndGet(100_000_000L);
        short[] frame = new short[960];
        boolean heard = false;
        for (int i = 0; i < 5 && !heard; i++) {
            if (t.readFrame(frame, 48000)) {
                int peak = 0;
                for (short s : frame) peak = Math.max(peak, Math.abs(s));
                heard = peak > 1000;
            }
            now.addAndGet(20_000_000L);
        }
        assertTrue(heard, "the track's audio comes out decoded at 48 kHz");
        t.writeFrame(frame, 48000); // hears nothing back: no effect, no failure

        // muting is followed; leaving removes the track
        server.send(SignalResponse.newBuilder().setUpdate(ParticipantUpdate.newBuilder()
                .addParticipants(browser("PA_b", "TR_alice", true))).build());
        waitFor(t::muted);
        server.send(SignalResponse.newBuilder().setUpdate(ParticipantUpdate.newBuilder().addParticipants(
                browser("PA_b", "TR_alice", true).toBuilder().setState(ParticipantInfo.State.DISCONNECTED))).build());
        assertEquals("removed TR_alice", await("removed"));
        assertTrue(flowing.isEmpty());
    }

    @Test
    void roomClosedByTheServerClosesTheSession() throws Exception {
        session.join();
        server.nextConnection();
        server.send(SignalResponse.newBuilder().setJoin(JoinResponse.newBuilder()
                .setParticipant(ParticipantInfo.newBuilder().setSid("PA_l"))).build());
        server.send(SignalResponse.newBuilder().setLeave(livekit.LivekitRtc.LeaveRequest.newBuilder()
                .setReason(DisconnectReason.ROOM_DELETED)).build());
        assertEquals("closed ROOM_DELETED", await("closed"));
        await("peer closed");
    }

    @Test
    void readsWhichSsrcCarriesWhichTrack() {
        Map<Long, String> m = LiveKitRoomSession.ssrcTracks(offerWith(42, "TR_x")
                + "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=mid:2\r\na=ssrc:7 msid:s TR_gone\r\n");
        assertEquals(Map.of(42L, "TR_x"), m);
        assertFalse(LiveKitRoomSession.ours(browser("PA", "TR", false)));
        assertTrue(LiveKitRoomSession.ours(ourCall()));
    }

    private static void waitFor(java.util.function.BooleanSupplier c) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met");
            Thread.onSpinWait();
        }
    }
}
