package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrackPublishedResponse;
import livekit.LivekitRtc.TrickleRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.passerelle.webrtc.WebRtcSession;

class LiveKitCallParticipantTest {
    static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
            + "m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendrecv\r\na=msid:passerelle-x trk-42\r\n";

    private final FakeLiveKitServer server;
    private final FakePublisher publisher = new FakePublisher();
    private final BlockingQueue<String> ended = new LinkedBlockingQueue<>();
    private final LiveKitConfig config;
    private LiveKitCallParticipant call;

    LiveKitCallParticipantTest() throws Exception {
        server = new FakeLiveKitServer();
        config = new LiveKitConfig(server.url(), "k", "a-secret-of-at-least-thirty-two-bytes");
        call = new LiveKitCallParticipant(config, new LiveKitTokens(config), "salle",
                new CallIdentity("call-7", "+33612345678", "Mairie", null), l -> publisher, new ManualTimers(),
                HttpClient.newHttpClient(), new LiveKitCallParticipant.Listener() {
                    @Override public void onEnded(DisconnectReason reason, String detail) { ended.add(reason + " " + detail); }
                });
    }

    @AfterEach
    void tearDown() {
        call.close();
        server.close();
    }

    /** A publisher connection that records what is done to it. */
    static final class FakePublisher implements WebRtcSession {
        final List<String> answers = new CopyOnWriteArrayList<>();
        final List<String> candidates = new CopyOnWriteArrayList<>();
        final List<Integer> sent = new CopyOnWriteArrayList<>();
        final List<Integer> durations = new CopyOnWriteArrayList<>();
        final List<byte[]> payloads = new CopyOnWriteArrayList<>();
        final RtpPacketPool pool = new RtpPacketPool(8);
        volatile boolean closed;

        @Override public String localDescription() { return OFFER; }
        @Override public void applyAnswer(String sdp) { answers.add(sdp); }
        @Override public void addRemoteCandidate(String c, String mid) { candidates.add(c + "|" + mid); }
        @Override public AudioCodec codec() { return AudioCodec.OPUS; }
        @Override public RtpPacketPool packetPool() { return pool; }
        @Override public void sendAudio(RtpPacket p, int len, int duration) {
            sent.add(len);
            durations.add(duration);
            payloads.add(java.util.Arrays.copyOfRange(p.buffer(), RtpPacket.FIXED_HEADER, RtpPacket.FIXED_HEADER + len));
            p.release();
        }
        @Override public boolean isConnected() { return true; }
        @Override public void close() { closed = true; }
    }

    private void joinAndPublish() throws Exception {
        var published = call.join();
        server.nextConnection();
        server.send(SignalResponse.newBuilder().setJoin(JoinResponse.newBuilder()
                .setParticipant(ParticipantInfo.newBuilder().setSid("PA_c").setIdentity("sip_+33612345678"))).build());
        AddTrackRequest add = server.next(SignalRequest.MessageCase.ADD_TRACK).getAddTrack();
        assertEquals("trk-42", add.getCid(), "cid = the msid track id of our offer");
        assertEquals(TrackType.AUDIO, add.getType());
        assertEquals(TrackSource.MICROPHONE, add.getSource());
        // a server candidate before the answer is kept until the answer is applied
        server.send(SignalResponse.newBuilder().setTrickle(TrickleRequest.newBuilder().setTarget(SignalTarget.PUBLISHER)
                .setCandidateInit("{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 7882 typ host\",\"sdpMid\":\"0\"}")).build());
        server.send(SignalResponse.newBuilder().setTrackPublished(TrackPublishedResponse.newBuilder().setCid("trk-42")
                .setTrack(TrackInfo.newBuilder().setSid("TR_mic"))).build());
        SessionDescription offer = server.next(SignalRequest.MessageCase.OFFER).getOffer();
        assertEquals("offer", offer.getType());
        assertEquals(OFFER, offer.getSdp());
        assertEquals("trk-42", offer.getMidToTrackIdMap().get("0"));
        assertEquals("TR_mic", published.get(5, TimeUnit.SECONDS));
        assertTrue(publisher.candidates.isEmpty());
        server.send(SignalResponse.newBuilder().setAnswer(SessionDescription.newBuilder().setType("answer").setSdp("v=0 answer")).build());
        waitFor(() -> call.state() == LiveKitCallParticipant.State.PUBLISHED);
        assertEquals(List.of("v=0 answer"), publisher.answers);
        assertEquals(List.of("candidate:1 1 udp 1 127.0.0.1 7882 typ host|0"), publisher.candidates);
    }

    @Test
    void publishesTheMicrophoneThenSendsOpus() throws Exception {
        joinAndPublish();
        call.sendFrame(new short[960]);
        assertEquals(1, publisher.sent.size());
        assertTrue(publisher.sent.getFirst() > 0);
    }

    @Test
    void aG711CallersVoiceIsEncodedFromItsOwnEightKilohertzFrames() throws Exception {
        call.close(); // never joined: this test's participant takes its place
        call = new LiveKitCallParticipant(config, new LiveKitTokens(config), "salle",
                new CallIdentity("call-7", "+33612345678", "Mairie", null),
                org.passerelle.transcoder.codec.OpusEncoder.Settings.voiceFrom(AudioCodec.PCMU), 8000, l -> publisher,
                new ManualTimers(), HttpClient.newHttpClient(), (reason, detail) -> ended.add(reason + " " + detail));
        assertEquals(8000, call.sampleRate());
        joinAndPublish();
        short[] pcm = new short[160];
        for (int f = 0; f < 50; f++) {
            for (int i = 0; i < 160; i++) pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * 1000 * (f * 160 + i) / 8000.0));
            call.sendFrame(pcm);
        }
        assertEquals(50, publisher.sent.size());
        assertEquals(List.of(960), publisher.durations.stream().distinct().toList(), "20 ms on Opus's 48 kHz RTP clock");
        // what a LiveKit client decodes (48 kHz) is the caller's tone
        short[] heard = new short[50 * 960];
        try (var dec = new org.passerelle.transcoder.codec.OpusDecoder()) {
            int at = 0;
            for (byte[] p : publisher.payloads) at += dec.decode(p, 0, p.length, heard, at);
            assertEquals(heard.length, at);
        }
        assertEquals(1000, org.passerelle.transcoder.audio.ToneAnalyzer.dominantFrequency(heard, 9600, 38400, 48000,
                100, 3000, 5), 5);
    }

    @Test
    void roomDeletedEndsTheCall() throws Exception {
        joinAndPublish();
        server.send(SignalResponse.newBuilder().setLeave(LeaveRequest.newBuilder().setReason(DisconnectReason.ROOM_DELETED)
                .setAction(LeaveRequest.Action.DISCONNECT)).build());
        String e = ended.poll(5, TimeUnit.SECONDS);
        assertTrue(e != null && e.startsWith("ROOM_DELETED"), e);
        waitFor(() -> publisher.closed);
        assertEquals(LiveKitCallParticipant.State.ENDED, call.state());
    }

    @Test
    void closeLeavesTheRoom() throws Exception {
        joinAndPublish();
        call.close();
        assertEquals(DisconnectReason.CLIENT_INITIATED, server.next(SignalRequest.MessageCase.LEAVE).getLeave().getReason());
        assertTrue(publisher.closed);
    }

    @Test
    void unreachableServerFailsTheJoin() throws Exception {
        server.refuseWith = 403;
        var e = assertThrows(ExecutionException.class, () -> call.join().get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("HTTP 403"), e.getCause().getMessage());
        assertTrue(ended.poll(5, TimeUnit.SECONDS) != null);
    }

    static void waitFor(java.util.function.BooleanSupplier c) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met");
            Thread.onSpinWait();
        }
    }
}
