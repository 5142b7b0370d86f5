package org.passerelle.gateway.browser;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.room.Admission;
import org.passerelle.gateway.room.MemberView;
import org.passerelle.gateway.room.Room;
import org.passerelle.gateway.room.RoomLimitException;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One browser on one WebSocket, from its first message to its departure (docs/signalling.md):
 * {@code join} answers the offer with a {@link WebRtcSession} and replies {@code joined}; when ICE
 * and DTLS are up the browser enters the room as an {@link AudioParticipant}; it hears of every
 * change in the room as a {@code participants} message; {@code leave}, the socket closing, the
 * media failing or a silent browser end it, exactly once.
 *
 * <p>Threads: socket and WebRTC events are queued on the session's serial executor, so the state
 * needs no lock. Two paths skip it: RTP goes straight from the network thread to the participant,
 * and room changes are sent from the thread that made them (the socket is thread-safe).
 */
public final class BrowserSession {
    private static final Logger log = LoggerFactory.getLogger(BrowserSession.class);

    /** RFC 6455 §7.4.1 status codes. */
    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_GOING_AWAY = 1001;
    static final int CLOSE_UNSUPPORTED_DATA = 1003;
    static final int CLOSE_POLICY = 1008;
    static final int CLOSE_TOO_BIG = 1009;

    private final String id;
    private final SignallingChannel channel;
    private final Executor executor;
    private final BrowserSignalling hub;
    private final Media media = new Media();

    private volatile BrowserState state = BrowserState.CONNECTED;
    private volatile long lastHeard;
    /** Set once in the room; read by the network thread for RTP. */
    private volatile AudioParticipant participant;
    private WebRtcSession webRtc;
    private String roomName;
    private String name;
    private Room room;
    private boolean muted;

    BrowserSession(String id, SignallingChannel channel, Executor executor, BrowserSignalling hub) {
        this.id = id;
        this.channel = channel;
        this.executor = executor;
        this.hub = hub;
        this.lastHeard = hub.clock.nanoTime();
    }

    public String id() {
        return id;
    }

    public BrowserState state() {
        return state;
    }

    // ---- socket events (any thread) ----

    /** A text message arrived. */
    public void onText(String text) {
        heard();
        run(() -> handle(ClientMessage.parse(hub.json, text)));
    }

    /**
     * A frame we refuse (binary, over 64 KiB, broken framing).
     *
     * @param closeCode RFC 6455 status to close with (1003 unsupported data, 1009 too big)
     */
    public void onBadFrame(int closeCode, String why) {
        // Said and closed at once, on the caller's thread: after a framing error the WebSocket
        // layer drops the connection as soon as this returns, before a queued task could speak.
        if (state != BrowserState.CLOSED) {
            channel.send(ServerMessage.error(hub.json, ServerMessage.BAD_MESSAGE, why));
            channel.close(closeCode, ServerMessage.BAD_MESSAGE);
        }
        run(() -> end(ServerMessage.BAD_MESSAGE + ": " + why, 0, null));
    }

    /** Anything else from the browser (a pong): it is alive. */
    public void onTraffic() {
        heard();
    }

    /** Called every {@link BrowserSignalling#pingInterval()}: ping, or end a silent browser. */
    public void onPingTimer() {
        run(this::checkLiveness);
    }

    /** The connection is gone. */
    public void onSocketClosed() {
        run(() -> end("socket closed", 0, null));
    }

    /** Gateway shutdown. */
    void shutdown() {
        run(() -> end("gateway shutting down", CLOSE_GOING_AWAY, "gateway shutting down"));
    }

    // ---- on the executor ----

    private void handle(ClientMessage message) {
        if (state == BrowserState.CLOSED) return;
        switch (message) {
            case ClientMessage.Malformed m -> fail(ServerMessage.BAD_MESSAGE, m.why(), CLOSE_POLICY);
            case ClientMessage.Join j -> join(j);
            case ClientMessage.Candidate c -> candidate(c);
            case ClientMessage.Mute m -> mute(m.muted());
            case ClientMessage.Leave l -> end("left", CLOSE_NORMAL, "left");
        }
    }

    private void join(ClientMessage.Join j) {
        if (state != BrowserState.CONNECTED) {
            fail(ServerMessage.BAD_MESSAGE, "join: already joined on this socket", CLOSE_POLICY);
            return;
        }
        if (!DialPlan.isValidRoomName(j.room())) {
            fail(ServerMessage.INVALID_ROOM, "Room names are letters, digits, '-', '_' and '.', at most 64.",
                    CLOSE_POLICY);
            return;
        }
        String display = DisplayName.check(j.name());
        if (display == null) {
            fail(ServerMessage.BAD_MESSAGE, "join: \"name\" must be 1-64 printable characters", CLOSE_POLICY);
            return;
        }
        Admission admission = hub.rooms.check(j.room());
        if (admission != Admission.OK) {
            refuse(j.room(), admission);
            return;
        }
        try {
            webRtc = hub.webRtc.answer(j.sdp(), media);
        } catch (WebRtcException e) {
            fail(ServerMessage.MEDIA_FAILED, "Cannot answer the offer: " + e.getMessage(), CLOSE_NORMAL);
            return;
        } catch (RuntimeException e) {
            log.warn("answering the offer failed", e);
            fail(ServerMessage.MEDIA_FAILED, "Cannot answer the offer (gateway error).", CLOSE_NORMAL);
            return;
        }
        roomName = j.room();
        name = display;
        transition(BrowserState.Event.JOIN);
        log.info("{} joining room {}", name, roomName);
        channel.send(ServerMessage.joined(hub.json, id, roomName, webRtc.localDescription()));
    }

    private void candidate(ClientMessage.Candidate c) {
        if (state == BrowserState.CONNECTED) {
            notJoined("candidate");
            return;
        }
        try {
            webRtc.addRemoteCandidate(c.candidate(), c.sdpMid());
        } catch (WebRtcException e) {
            // One unusable candidate (e.g. an unresolvable mDNS name) does not fail the session.
            log.debug("remote candidate ignored: {}", e.getMessage());
        }
    }

    private void mute(boolean on) {
        if (state == BrowserState.CONNECTED) {
            notJoined("mute");
            return;
        }
        muted = on;
        AudioParticipant p = participant;
        if (p != null && p.muted() != on) {
            p.setMuted(on);
            room.memberChanged(p);
        }
    }

    private void mediaUp() {
        if (!transition(BrowserState.Event.MEDIA_UP)) return;
        AudioParticipant p = AudioParticipant.forWebRtcSession(id, name, webRtc);
        p.setMuted(muted);
        try {
            room = hub.rooms.join(roomName, p, (r, members) -> onMembersChanged(members));
        } catch (RoomLimitException e) {
            p.close();
            refuse(roomName, e.admission());
            return;
        }
        participant = p;
        log.info("media up: {} in room {}", name, roomName);
    }

    private void mediaClosed(String reason) {
        if (state == BrowserState.CLOSED) return;
        String message = state == BrowserState.JOINING
                ? "The media connection could not be set up (ICE or DTLS): " + reason
                : "The media connection was lost: " + reason;
        fail(ServerMessage.MEDIA_FAILED, message, CLOSE_NORMAL);
    }

    private void checkLiveness() {
        if (state == BrowserState.CLOSED) return;
        long silentNanos = hub.clock.nanoTime() - lastHeard;
        if (silentNanos >= hub.timeout().toNanos()) {
            end("no answer for " + hub.timeout().toSeconds() + " s", CLOSE_GOING_AWAY, "no answer to pings");
        } else {
            channel.ping();
        }
    }

    private void refuse(String room, Admission admission) {
        var limits = hub.rooms.limits();
        if (admission == Admission.ROOM_FULL) {
            fail(ServerMessage.ROOM_FULL, "Room " + room + " is full: at most " + limits.maxParticipants()
                    + " participants.", CLOSE_NORMAL);
        } else {
            fail(ServerMessage.GATEWAY_FULL, "This gateway already hosts its maximum of " + limits.maxRooms()
                    + " rooms; try again later.", CLOSE_NORMAL);
        }
    }

    private void notJoined(String what) {
        channel.send(ServerMessage.error(hub.json, ServerMessage.NOT_JOINED, what + " needs a join first"));
    }

    /** Tells the browser why, closes its socket and ends the session. */
    private void fail(String code, String message, int closeCode) {
        if (state == BrowserState.CLOSED) return;
        log.info("{}: {}", code, message);
        channel.send(ServerMessage.error(hub.json, code, message));
        end(code, closeCode, code);
    }

    /** Leaves the room and releases the media, exactly once; closes the socket unless closeCode is 0. */
    private void end(String why, int closeCode, String closeReason) {
        BrowserState before = state;
        if (!transition(BrowserState.Event.CLOSE)) return;
        AudioParticipant p = participant;
        participant = null;
        if (p != null) {
            hub.rooms.leave(roomName, p);
            p.close();
        }
        if (webRtc != null) webRtc.close();
        if (closeCode != 0) channel.close(closeCode, closeReason);
        hub.closed(this);
        log.info("browser session over ({}) after {}", why, before);
        if (executor instanceof ExecutorService es) es.shutdown();
    }

    private boolean transition(BrowserState.Event e) {
        BrowserState next = state.on(e);
        if (next == null) {
            log.debug("ignored {} in state {}", e, state);
            return false;
        }
        state = next;
        return true;
    }

    // ---- other threads ----

    /** Under the room's lock: only send. */
    private void onMembersChanged(List<MemberView> members) {
        if (state != BrowserState.CLOSED) channel.send(ServerMessage.participants(hub.json, members));
    }

    private void heard() {
        lastHeard = hub.clock.nanoTime();
    }

    private void run(Runnable task) {
        try {
            executor.execute(() -> {
                String outer = MDC.get("call");
                MDC.put("call", id);
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("browser session task failed", e);
                } finally {
                    if (outer == null) MDC.remove("call"); else MDC.put("call", outer);
                }
            });
        } catch (RejectedExecutionException e) {
            // Session over: its executor is shut down and late events have nothing to do.
        }
    }

    /** The WebRTC session's events. */
    private final class Media implements WebRtcSession.Listener {
        @Override
        public void onConnected() {
            run(BrowserSession.this::mediaUp);
        }

        @Override
        public void onRtp(RtpPacket packet) {
            AudioParticipant p = participant;
            if (p != null) {
                p.onRtp(packet);
            } else {
                packet.release();
            }
        }

        @Override
        public void onClosed(String reason) {
            run(() -> mediaClosed(reason));
        }
    }
}
