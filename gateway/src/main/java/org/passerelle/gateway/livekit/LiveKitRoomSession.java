package org.passerelle.gateway.livekit;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.SpeakerInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalTarget;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's presence in one LiveKit room, shared by every call in it: a hidden,
 * subscribe-only "listener" participant whose subscriber connection receives the audio of the
 * room's other participants. Each remote audio track becomes one {@link RemoteAudioTrack} (one
 * decoder per track for the whole room) that the owner adds to the local mixer. Tracks of the
 * gateway's own call participants (marker attribute {@link CallIdentity#MARKER_ATTRIBUTE}) are
 * never subscribed: callers of the room already hear each other in the local mix.
 *
 * <p>The listener joins without auto-subscribe and subscribes to the tracks it wants
 * (UpdateSubscription); the server then re-offers the subscriber connection with them.
 */
public final class LiveKitRoomSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveKitRoomSession.class);

    /** What the room's owner (the connector) hears; called on the signalling thread, in order. */
    public interface Listener {
        /** A remote track is flowing: add it to the local mixer. */
        void onTrackAdded(RemoteAudioTrack track);

        /** The track is gone: take it out of the mixer (it is closed after this returns). */
        void onTrackRemoved(RemoteAudioTrack track);

        /** Who is in the room besides the gateway's own participants (joins, leaves, mutes). */
        default void onParticipants(List<ParticipantInfo> others) {}

        /** Active speakers (kept for the video work). */
        default void onSpeakers(List<SpeakerInfo> speakers) {}

        /** The listener is gone for good (room closed, server lost): every call of the room ends. */
        void onClosed(DisconnectReason reason, String detail);
    }

    private final String room;
    private final Listener listener;
    private final SignalClient signal;
    private final SubscriberPeer peer;
    private final NanoClock clock;

    /** Remote participants by sid, as last reported (ours excluded). */
    private final Map<String, ParticipantInfo> others = new LinkedHashMap<>();
    /** Audio tracks we subscribed to: track sid → owner's sid. */
    private final Map<String, String> subscribed = new HashMap<>();
    /** Tracks flowing, by track sid. */
    private final Map<String, RemoteAudioTrack> tracks = new HashMap<>();
    /** The same, for the network thread: scanned by SSRC (a handful of tracks; no boxing, no map). */
    private volatile RemoteAudioTrack[] bySsrc = new RemoteAudioTrack[0];
    private boolean closed;

    /**
     * @param peers makes the subscriber connection given the RTP sink (production:
     *              {@code media -> new WebRtcSubscriberPeer(webrtcConfig, media)})
     */
    public LiveKitRoomSession(LiveKitConfig config, LiveKitTokens tokens, String room,
                              Function<WebRtcSession.Listener, SubscriberPeer> peers, Timers timers, HttpClient http,
                              NanoClock clock, Listener listener) {
        this.room = room;
        this.listener = listener;
        this.clock = clock;
        this.peer = peers.apply(new Media());
        this.signal = new SignalClient(config, tokens.listener(room), false, new Signals(), timers, http, null);
    }

    /** Joins as the listener; completes when joined (the room is created if nobody is in it yet). */
    public CompletableFuture<JoinResponse> join() {
        return signal.connect();
    }

    public String room() {
        return room;
    }

    public SignalClient signal() {
        return signal;
    }

    /** The tracks flowing now. */
    public synchronized List<RemoteAudioTrack> tracks() {
        return List.copyOf(tracks.values());
    }

    @Override
    public void close() {
        List<RemoteAudioTrack> gone;
        synchronized (this) {
            if (closed) return;
            closed = true;
            gone = List.copyOf(tracks.values());
            tracks.clear();
            bySsrc = new RemoteAudioTrack[0];
        }
        signal.leave();
        peer.close();
        gone.forEach(RemoteAudioTrack::close);
    }

    /** True for participants the gateway put in the room (its calls, listeners): never mixed again. */
    static boolean ours(ParticipantInfo p) {
        return "1".equals(p.getAttributesMap().get(CallIdentity.MARKER_ATTRIBUTE))
                || p.getIdentity().startsWith(LiveKitTokens.LISTENER_PREFIX);
    }

    /** SSRC → track id from an offer: {@code a=ssrc:<ssrc> msid:<stream> <track>} or the section's {@code a=msid}. */
    static Map<Long, String> ssrcTracks(String sdp) {
        Map<Long, String> out = new HashMap<>();
        String sectionTrack = null;
        boolean audio = false, inactive = false;
        List<Long> sectionSsrcs = new ArrayList<>();
        for (String raw : (sdp + "\nm=end").split("\r?\n")) {
            String line = raw.trim();
            if (line.startsWith("m=")) {
                if (audio && !inactive && sectionTrack != null) for (Long s : sectionSsrcs) out.putIfAbsent(s, sectionTrack);
                audio = line.startsWith("m=audio") && !line.startsWith("m=audio 0 ");
                inactive = false;
                sectionTrack = null;
                sectionSsrcs.clear();
            } else if (!audio) {
                continue;
            } else if (line.equals("a=inactive")) {
                inactive = true;
            } else if (line.startsWith("a=msid:")) {
                String[] p = line.substring(7).trim().split("\\s+");
                if (p.length == 2) sectionTrack = p[1];
            } else if (line.startsWith("a=ssrc:")) {
                String[] p = line.substring(7).split("\\s+", 2);
                try {
                    long ssrc = Long.parseLong(p[0]);
                    if (!sectionSsrcs.contains(ssrc)) sectionSsrcs.add(ssrc);
                    if (p.length == 2 && p[1].startsWith("msid:")) {
                        String[] m = p[1].substring(5).trim().split("\\s+");
                        if (m.length == 2) out.put(ssrc, m[1]);
                    }
                } catch (NumberFormatException ignored) {
                    // not an SSRC line we can use
                }
            }
        }
        return out;
    }

    // --- participants and subscriptions --------------------------------------------------------

    private void participants(List<ParticipantInfo> updates) {
        List<String> subscribe = new ArrayList<>(), unsubscribe = new ArrayList<>();
        List<RemoteAudioTrack> removed = new ArrayList<>();
        List<ParticipantInfo> snapshot;
        synchronized (this) {
            if (closed) return;
            for (ParticipantInfo p : updates) {
                if (ours(p)) continue;
                boolean left = p.getState() == ParticipantInfo.State.DISCONNECTED;
                if (left) others.remove(p.getSid());
                else others.put(p.getSid(), p);
                // tracks this participant no longer has (or all, when it left)
                List<String> now = new ArrayList<>();
                if (!left) for (TrackInfo t : p.getTracksList()) if (t.getType() == TrackType.AUDIO) now.add(t.getSid());
                for (var e : List.copyOf(subscribed.entrySet())) {
                    if (e.getValue().equals(p.getSid()) && !now.contains(e.getKey())) {
                        subscribed.remove(e.getKey());
                        if (!left) unsubscribe.add(e.getKey());
                        RemoteAudioTrack gone = tracks.remove(e.getKey());
                        if (gone != null) removed.add(gone);
                    }
                }
                for (TrackInfo t : left ? List.<TrackInfo>of() : p.getTracksList()) {
                    if (t.getType() != TrackType.AUDIO) continue;
                    if (subscribed.putIfAbsent(t.getSid(), p.getSid()) == null) subscribe.add(t.getSid());
                    RemoteAudioTrack flowing = tracks.get(t.getSid());
                    if (flowing != null) flowing.update(p.getIdentity(), name(p), t.getMuted());
                }
            }
            if (!removed.isEmpty()) rebuildIndex();
            snapshot = List.copyOf(others.values());
        }
        signal.updateSubscription(subscribe, true);
        signal.updateSubscription(unsubscribe, false);
        for (RemoteAudioTrack t : removed) {
            listener.onTrackRemoved(t);
            t.close();
        }
        listener.onParticipants(snapshot);
    }

    private static String name(ParticipantInfo p) {
        return p.getName().isBlank() ? p.getIdentity() : p.getName();
    }

    /** The server (re-)offered the subscriber connection: answer, then follow which SSRCs carry which tracks. */
    private void offer(SessionDescription offer) {
        String answer;
        try {
            answer = peer.answer(offer.getSdp());
        } catch (WebRtcException e) {
            log.warn("LiveKit room {}: cannot answer the subscriber offer: {}", room, e.getMessage());
            return;
        }
        signal.sendAnswer(answer, offer.getId());
        Map<Long, String> ssrcs = ssrcTracks(offer.getSdp());
        List<RemoteAudioTrack> added = new ArrayList<>(), removed = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            for (var e : ssrcs.entrySet()) {
                String sid = e.getValue();
                String owner = subscribed.get(sid);
                if (owner == null || tracks.containsKey(sid)) continue;
                ParticipantInfo p = others.get(owner);
                String identity = p != null ? p.getIdentity() : "";
                RemoteAudioTrack t = new RemoteAudioTrack(sid, e.getKey(), identity, p != null ? name(p) : sid, clock);
                if (p != null) {
                    for (TrackInfo ti : p.getTracksList()) if (ti.getSid().equals(sid)) t.update(identity, name(p), ti.getMuted());
                }
                tracks.put(sid, t);
                added.add(t);
            }
            for (var e : List.copyOf(tracks.entrySet())) {
                if (!ssrcs.containsValue(e.getKey())) removed.add(tracks.remove(e.getKey()));
            }
            rebuildIndex();
        }
        for (RemoteAudioTrack t : removed) {
            listener.onTrackRemoved(t);
            t.close();
        }
        for (RemoteAudioTrack t : added) {
            log.info("LiveKit room {}: hearing {} ({})", room, t.displayName(), t.trackSid());
            listener.onTrackAdded(t);
        }
    }

    private void rebuildIndex() {
        bySsrc = tracks.values().toArray(new RemoteAudioTrack[0]);
    }

    private final class Signals implements SignalClient.Listener {
        @Override
        public void onJoined(JoinResponse join) {
            log.info("LiveKit room {}: listener joined, {} others", room, join.getOtherParticipantsCount());
            participants(join.getOtherParticipantsList());
        }

        @Override
        public void onOffer(SessionDescription offer) {
            offer(offer);
        }

        @Override
        public void onTrickle(SignalTarget target, String candidate, String sdpMid) {
            if (target != SignalTarget.SUBSCRIBER || candidate == null) return;
            try {
                peer.addRemoteCandidate(candidate, sdpMid);
            } catch (WebRtcException e) {
                log.debug("LiveKit candidate ignored: {}", e.getMessage());
            }
        }

        @Override
        public void onParticipants(List<ParticipantInfo> updates) {
            participants(updates);
        }

        @Override
        public void onSpeakers(List<SpeakerInfo> speakers) {
            listener.onSpeakers(speakers);
        }

        @Override
        public void onDisconnected(DisconnectReason reason, String detail) {
            boolean wasOpen;
            synchronized (LiveKitRoomSession.this) {
                wasOpen = !closed;
            }
            if (wasOpen) {
                listener.onClosed(reason, detail);
                close();
            }
        }
    }

    /** RTP of the subscriber connection: handed to its track by SSRC; unknown SSRCs are dropped. */
    private final class Media implements WebRtcSession.Listener {
        @Override
        public void onRtp(RtpPacket packet) {
            long ssrc = packet.ssrc();
            for (RemoteAudioTrack t : bySsrc) {
                if (t.ssrc() == ssrc) {
                    t.onRtp(packet);
                    return;
                }
            }
            packet.release();
        }

        @Override
        public void onClosed(String reason) {
            log.warn("LiveKit room {}: subscriber media connection closed: {}", room, reason);
        }
    }
}
