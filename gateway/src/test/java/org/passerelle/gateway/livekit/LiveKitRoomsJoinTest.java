package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.SignalResponse;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.media.AudioPort;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.audio.ToneAnalyzer;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.G711;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.passerelle.webrtc.WebRtcConfig;

/**
 * A room's first join (its listener: signal, offer, ICE, DTLS) takes about a second under load;
 * it must hold up only the callers of that room, never calls to other rooms or the check made
 * before answering them. The fake server here never answers the listener's join.
 */
class LiveKitRoomsJoinTest {
    @Test
    void aRoomBeingJoinedHoldsUpOnlyItsOwnCallers() throws Exception {
        FakeLiveKitServer server = new FakeLiveKitServer();
        LiveKitConfig config = new LiveKitConfig(server.url(), "k", "a-secret-of-at-least-thirty-two-bytes");
        try (MediaClock clock = new MediaClock()) {
            LiveKitRooms rooms = new LiveKitRooms(config, WebRtcConfig.defaults(), clock, false);
            CompletableFuture<Object> first = joinAsync(rooms, "salle-a", "call-1");
            server.nextConnection(); // salle-a's listener connects, and is never answered
            CompletableFuture<Object> second = joinAsync(rooms, "salle-a", "call-2");

            // Another room's check before answering is not held behind salle-a's join.
            long t0 = System.nanoTime();
            rooms.whyUnreachable("salle-b", new CallIdentity("call-3", "+33100000003", null, null));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2000, "check for another room waited " + ms + " ms");

            // The second caller of salle-a waits for the same join: no second listener connects.
            assertNull(server.connections.poll(500, TimeUnit.MILLISECONDS), "one listener per room");
            assertTrue(!first.isDone() && !second.isDone(), "both callers of salle-a wait for its join");

            // The join fails (server gone): both callers are told why, with the room and the server.
            server.close();
            for (CompletableFuture<Object> f : java.util.List.of(first, second)) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> f.get(20, TimeUnit.SECONDS));
                Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                assertInstanceOf(LiveKitException.class, cause);
                assertTrue(cause.getMessage().startsWith("cannot join room salle-a on " + server.url()), cause.getMessage());
            }
            rooms.close();
        } finally {
            server.close();
        }
    }

    /**
     * A caller hears the room as soon as the room's listener is there, before its own participant
     * is published (a second under load): here the server answers the listener's join and never
     * the callers' own, and each caller hears the other; a caller whose join fails leaves the mix.
     */
    @Test
    void callersHearTheRoomWhileTheirParticipantsAreBeingPublished() throws Exception {
        FakeLiveKitServer server = new FakeLiveKitServer();
        LiveKitConfig config = new LiveKitConfig(server.url(), "k", "a-secret-of-at-least-thirty-two-bytes");
        ScheduledExecutorService phones = Executors.newSingleThreadScheduledExecutor();
        try (MediaClock clock = new MediaClock()) {
            clock.start();
            LiveKitRooms rooms = new LiveKitRooms(config, WebRtcConfig.defaults(), clock, false);
            Phone a = new Phone("call-a", 1000), b = new Phone("call-b", 2000);
            CompletableFuture<Object> joinA = joinAsync(rooms, "salle", a);
            server.nextConnection(); // the room's listener
            server.send(SignalResponse.newBuilder().setJoin(JoinResponse.newBuilder().setParticipant(
                    ParticipantInfo.newBuilder().setSid("PA_l").setIdentity("passerelle-listener-salle"))).build());
            server.nextConnection(); // a's participant: never answered
            CompletableFuture<Object> joinB = joinAsync(rooms, "salle", b);
            server.nextConnection(); // b's participant: never answered
            ScheduledFuture<?> talking = phones.scheduleAtFixedRate(() -> { a.talk(); b.talk(); }, 0, 20, TimeUnit.MILLISECONDS);

            assertTrue(a.hears(2000, 10, TimeUnit.SECONDS), "a hears b before either is published");
            assertTrue(b.hears(1000, 10, TimeUnit.SECONDS), "b hears a before either is published");
            assertTrue(!joinA.isDone() && !joinB.isDone(), "both are still being published");

            // b's join fails (its connection to the server is cut): b is told, and leaves the mix
            server.drop();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> joinB.get(20, TimeUnit.SECONDS));
            assertInstanceOf(LiveKitException.class, e.getCause());
            a.heard.clear();
            b.heard.clear();
            assertTrue(!a.hears(2000, 500, TimeUnit.MILLISECONDS), "a no longer hears b");
            assertTrue(!b.hears(1000, 1, TimeUnit.MILLISECONDS), "b no longer hears the room");
            assertTrue(!joinA.isDone(), "a is still being published");
            talking.cancel(false);
            rooms.close();
        } finally {
            phones.shutdownNow();
            server.close();
        }
    }

    /** A G.711 phone as the room sees it: sends a tone, records the tones of what it is sent. */
    private static final class Phone {
        final AudioParticipant audio;
        final BlockingQueue<Integer> heard = new LinkedBlockingQueue<>();
        private final int hz;
        private final RtpPacketPool pool = new RtpPacketPool(64);
        private int seq;

        Phone(String id, int hz) {
            this.hz = hz;
            this.audio = new AudioParticipant(id, () -> id, new AudioPort() {
                @Override public AudioCodec codec() { return AudioCodec.PCMU; }
                @Override public RtpPacketPool packetPool() { return pool; }
                @Override public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
                    short[] pcm = new short[payloadLength];
                    for (int i = 0; i < payloadLength; i++) pcm[i] = G711.ulawToLinear(packet.buffer()[RtpPacket.FIXED_HEADER + i]);
                    packet.release();
                    int tone = dominant(pcm);
                    if (tone > 0) heard.add(tone);
                }
            }, NanoClock.SYSTEM);
        }

        /** 20 ms of this phone's tone, as its RTP. */
        void talk() {
            RtpPacket p = pool.acquire();
            for (int i = 0; i < 160; i++) {
                double v = 8000 * Math.sin(2 * Math.PI * hz * (seq * 160 + i) / 8000.0);
                p.buffer()[RtpPacket.FIXED_HEADER + i] = G711.linearToUlaw((short) Math.round(v));
            }
            p.writeHeader(0, seq == 0, seq & 0xffff, 160L * seq, hz, 160);
            p.setArrivalNanos(System.nanoTime());
            seq++;
            audio.onRtp(p);
        }

        /** Whether a frame carrying {@code hz} comes within the time given. */
        boolean hears(int hz, long timeout, TimeUnit unit) throws InterruptedException {
            long end = System.nanoTime() + unit.toNanos(timeout);
            Integer t;
            while ((t = heard.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
                if (t == hz) return true;
            }
            return false;
        }

        /** 1000 or 2000 Hz, whichever of the two is clearly in the frame (a tone above amplitude ≈ 140), else 0. */
        private static int dominant(short[] pcm) {
            double p1 = ToneAnalyzer.power(pcm, 0, pcm.length, 1000, 8000);
            double p2 = ToneAnalyzer.power(pcm, 0, pcm.length, 2000, 8000);
            double floor = 1e4; // mean power, A²/2
            if (p1 > floor && p1 > 10 * p2) return 1000;
            if (p2 > floor && p2 > 10 * p1) return 2000;
            return 0;
        }
    }

    private static CompletableFuture<Object> joinAsync(LiveKitRooms rooms, String room, Phone phone) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(rooms.join(room, new CallIdentity(phone.audio.id(), "+33100000001", null, null), phone.audio,
                        (how, why) -> { }));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static CompletableFuture<Object> joinAsync(LiveKitRooms rooms, String room, String callId) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(rooms.join(room, new CallIdentity(callId, "+33100000001", null, null), null, (how, why) -> { }));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
