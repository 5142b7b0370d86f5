package org.passerelle.gateway.livekit;

import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import livekit.LivekitModels.DisconnectReason;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.gateway.room.Participant;
import org.passerelle.gateway.room.Room;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LiveKit room connector: SIP callers join LiveKit rooms. Per room name, one {@link
 * LiveKitRoomSession} (the hidden listener, every remote track decoded once) and a local mix
 * ticked by the media clock; per call, one publish-only {@link LiveKitCallParticipant} carrying
 * the caller's voice. Callers of the same room hear each other in the local mix and everybody
 * else through the listener; their own published tracks are not subscribed again.
 */
public final class LiveKitRooms implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveKitRooms.class);
    /** Joining and publishing take a few round trips and ICE/DTLS; beyond this the server is unusable. */
    private static final int JOIN_TIMEOUT_SECONDS = 15;

    /** What a call hears about its place in a LiveKit room. */
    public interface CallEvents {
        /** The caller can no longer be in the room (room closed, removed, server lost). */
        void ended(String why);
    }

    private final LiveKitConfig config;
    private final LiveKitTokens tokens;
    private final WebRtcConfig webrtc;
    private final MediaClock clock;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("livekit-timers").factory());
    private final Timers timers = Timers.on(scheduler);
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, LocalRoom> rooms = new HashMap<>();

    public LiveKitRooms(LiveKitConfig config, WebRtcConfig webrtc, MediaClock clock) {
        this.config = config;
        this.tokens = new LiveKitTokens(config);
        this.webrtc = webrtc;
        this.clock = clock;
    }

    public LiveKitConfig config() {
        return config;
    }

    /**
     * Puts a caller in a LiveKit room: joins the room's listener if this is the first caller, then
     * publishes the caller as its own participant. Blocks until published (call it from the
     * call's executor, not a network thread); throws with the server and the reason when it fails.
     */
    public LiveKitCall join(String room, CallIdentity who, AudioParticipant caller, CallEvents events)
            throws LiveKitException {
        LocalRoom local = room(room);
        LiveKitCall call = new LiveKitCall(local, caller, events);
        LiveKitCallParticipant publisher = new LiveKitCallParticipant(config, tokens, room, who,
                l -> WebRtcSession.offer(webrtc, l), timers, http, new LiveKitCallParticipant.Listener() {
                    @Override
                    public void onEnded(DisconnectReason reason, String detail) {
                        call.ended("LiveKit " + reason + (detail == null || detail.isEmpty() ? "" : ": " + detail));
                    }
                });
        call.publisher = publisher;
        try {
            publisher.join().get(JOIN_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            publisher.close();
            local.release(call);
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new LiveKitException("cannot publish in room " + room + " on " + config.url() + ": "
                    + cause.getMessage(), cause);
        }
        local.room.addMember(call.voice);
        return call;
    }

    private synchronized LocalRoom room(String name) throws LiveKitException {
        LocalRoom r = rooms.get(name);
        if (r == null) {
            r = new LocalRoom(name);
            try {
                r.session.join().get(JOIN_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                r.session.close();
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                        ? e.getCause() : e;
                throw new LiveKitException("cannot join room " + name + " on " + config.url() + ": "
                        + cause.getMessage(), cause);
            }
            clock.add(r.room);
            rooms.put(name, r);
            log.info("LiveKit room {} joined on {}", name, config.url());
        }
        r.calls++;
        return r;
    }

    /** One LiveKit room as the gateway holds it: the listener and the local mix. */
    final class LocalRoom implements LiveKitRoomSession.Listener {
        final String name;
        final Room room;
        final LiveKitRoomSession session;
        final java.util.Set<LiveKitCall> members = java.util.concurrent.ConcurrentHashMap.newKeySet();
        int calls;

        LocalRoom(String name) {
            this.name = name;
            this.room = Room.detached("livekit:" + name);
            this.session = new LiveKitRoomSession(config, tokens, name, media -> new WebRtcSubscriberPeer(webrtc, media),
                    timers, http, NanoClock.SYSTEM, this);
        }

        @Override
        public void onTrackAdded(RemoteAudioTrack track) {
            room.addMember(track);
        }

        @Override
        public void onTrackRemoved(RemoteAudioTrack track) {
            room.removeMember(track);
        }

        @Override
        public void onClosed(DisconnectReason reason, String detail) {
            log.info("LiveKit room {} closed: {} {}", name, reason, detail);
            for (LiveKitCall c : members) c.ended("LiveKit room closed (" + reason + ")");
        }

        void release(LiveKitCall call) {
            synchronized (LiveKitRooms.this) {
                members.remove(call);
                if (--calls > 0) return;
                rooms.remove(name, this);
            }
            clock.remove(room);
            session.close();
            log.info("LiveKit room {} left: no caller remains", name);
        }
    }

    /** A caller in a LiveKit room. */
    public final class LiveKitCall implements AutoCloseable {
        private final LocalRoom local;
        private final AudioParticipant caller;
        private final CallEvents events;
        private final Participant voice;
        private volatile LiveKitCallParticipant publisher;
        private volatile boolean closed;

        LiveKitCall(LocalRoom local, AudioParticipant caller, CallEvents events) {
            this.local = local;
            this.caller = caller;
            this.events = events;
            this.voice = new PublishingParticipant();
            local.members.add(this);
        }

        void ended(String why) {
            if (!closed) events.ended(why);
        }

        /** Leaves the LiveKit room (the caller hung up). */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            local.room.removeMember(voice);
            LiveKitCallParticipant p = publisher;
            if (p != null) p.close();
            local.release(this);
        }

        /** The caller in the local mix: what it says is also published to LiveKit. */
        private final class PublishingParticipant implements Participant {
            private final short[] silence = new short[FRAME_SAMPLES];

            @Override public String id() { return caller.id(); }
            @Override public String displayName() { return caller.displayName(); }
            @Override public Kind kind() { return Kind.PHONE; }

            @Override
            public boolean readFrame(short[] frame) {
                boolean speaking = caller.readFrame(frame);
                LiveKitCallParticipant p = publisher;
                if (p != null) p.sendFrame(speaking ? frame : silence);
                return speaking;
            }

            @Override
            public void writeFrame(short[] mix) {
                caller.writeFrame(mix);
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
