package org.passerelle.gateway.livekit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.SpeakerInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.Ping;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrickleRequest;
import livekit.LivekitRtc.UpdateSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One participant's signal connection to a LiveKit server: binary protobuf frames
 * ({@code livekit.SignalRequest} up, {@code livekit.SignalResponse} down) over a WebSocket to
 * {@code <url>/rtc}. It joins, keeps the connection alive with the server's ping interval and
 * timeout, relays offers, answers and trickled candidates of both peer connections (PUBLISHER,
 * SUBSCRIBER), publishes tracks (AddTrackRequest → TrackPublishedResponse), follows participant
 * and speaker updates, and resumes the session on a fresh socket ({@code reconnect=1&sid=}) when
 * the socket drops. Signalling only: no media passes here.
 *
 * <p>Threads: messages arrive on the JDK WebSocket's thread, timers on {@link Timers}'; all state
 * is guarded by this object's monitor and listener calls are made holding it, in order.
 */
public final class SignalClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignalClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Signal protocol version we speak (ping_req/pong_resp, subscriber-primary, resume: all ≤ 15). */
    static final int PROTOCOL = 15;
    static final String SDK = "passerelle";
    static final String VERSION = "0.1.0";
    /** Resume attempts before giving up, and the pause before each (the first is immediate). */
    static final List<Duration> RECONNECT_DELAYS = List.of(Duration.ZERO, Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    /** What the owner of the connection hears. All calls are in arrival order. */
    public interface Listener {
        /** The JoinResponse: our participant, the others, ICE servers, ping settings. */
        default void onJoined(JoinResponse join) {}

        /** The session was resumed on a new socket after a drop (peer connections untouched). */
        default void onResumed(ReconnectResponse resumed) {}

        /** The server's answer to our publisher offer. */
        default void onAnswer(SessionDescription answer) {}

        /** The server offers (or re-offers) the subscriber connection; answer with {@link #sendAnswer}. */
        default void onOffer(SessionDescription offer) {}

        /** A candidate of the server for one of our peer connections; null candidate: end of candidates. */
        default void onTrickle(SignalTarget target, String candidate, String sdpMid) {}

        /** Participants joined, changed (tracks, attributes, mute) or left (state DISCONNECTED). */
        default void onParticipants(List<ParticipantInfo> updates) {}

        /** Active speakers changed (kept for the video work: follow the speaker). */
        default void onSpeakers(List<SpeakerInfo> speakers) {}

        /** The connection changed state. */
        default void onState(SignalState state) {}

        /**
         * The connection is over for good (final state DISCONNECTED): the server's LeaveRequest
         * reason, CLIENT_INITIATED after {@link #leave}, or UNKNOWN_REASON with a detail when
         * joining or resuming failed.
         */
        default void onDisconnected(DisconnectReason reason, String detail) {}
    }

    private final LiveKitConfig config;
    private final boolean autoSubscribe;
    private final Listener listener;
    private final Timers timers;
    private final HttpClient http;
    private final String callId;
    private final Map<String, CompletableFuture<TrackInfo>> pendingTracks = new HashMap<>();
    private final CompletableFuture<JoinResponse> joined = new CompletableFuture<>();

    private String token;
    private SignalState state = SignalState.NEW;
    /** The socket in use; frames of an older one are ignored. */
    private WebSocket socket;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private String participantSid;
    private Duration pingInterval = Duration.ZERO;
    private Duration pingTimeout = Duration.ZERO;
    private Timers.Task pingTask, pongTimeoutTask, joinTimeoutTask, reconnectTask;
    private int reconnectAttempt;
    private volatile List<SpeakerInfo> speakers = List.of();
    private long lastRttMillis;

    /**
     * @param token         the participant's access token ({@link LiveKitTokens})
     * @param autoSubscribe whether the server subscribes us to every track (auto_subscribe)
     * @param callId        put in MDC "call" for this connection's log lines (may be null)
     */
    public SignalClient(LiveKitConfig config, String token, boolean autoSubscribe, Listener listener, Timers timers,
                        HttpClient http, String callId) {
        this.config = config;
        this.token = token;
        this.autoSubscribe = autoSubscribe;
        this.listener = listener;
        this.timers = timers;
        this.http = http;
        this.callId = callId;
    }

    /** Opens the socket and joins; completes with the JoinResponse, or fails with why (server, status). */
    public synchronized CompletableFuture<JoinResponse> connect() {
        if (state != SignalState.NEW) throw new IllegalStateException("connect() twice");
        move(SignalState.CONNECTING);
        joinTimeoutTask = timers.schedule(() -> withMdc(() -> failJoin("no JoinResponse within " + JOIN_TIMEOUT.toSeconds() + " s")),
                JOIN_TIMEOUT);
        open(false);
        return joined;
    }

    public synchronized SignalState state() {
        return state;
    }

    /** Our participant's sid, once joined. */
    public synchronized String participantSid() {
        return participantSid;
    }

    /** The last active speakers the server reported (loudest first). */
    public List<SpeakerInfo> activeSpeakers() {
        return speakers;
    }

    /** Round-trip time measured by the last ping, in ms (0 before the first pong). */
    public synchronized long rttMillis() {
        return lastRttMillis;
    }

    /** The publisher connection's offer; {@code midToTrackId} maps m-line mids to the cids of AddTrackRequest. */
    public void sendOffer(String sdp, Map<String, String> midToTrackId) {
        send(SignalRequest.newBuilder().setOffer(SessionDescription.newBuilder().setType("offer").setSdp(sdp)
                .putAllMidToTrackId(midToTrackId)).build());
    }

    /** The subscriber connection's answer to the server's offer (its id echoed). */
    public void sendAnswer(String sdp, int offerId) {
        send(SignalRequest.newBuilder().setAnswer(SessionDescription.newBuilder().setType("answer").setSdp(sdp)
                .setId(offerId)).build());
    }

    /**
     * One of our candidates, as an RTCIceCandidateInit JSON (LiveKit's candidateInit); the
     * candidate is the SDP attribute value without "a=", e.g. "candidate:1 1 udp ...".
     */
    public void sendTrickle(SignalTarget target, String candidate, String sdpMid, int sdpMLineIndex) {
        ObjectNode init = JSON.createObjectNode().put("candidate", candidate).put("sdpMid", sdpMid)
                .put("sdpMLineIndex", sdpMLineIndex);
        send(SignalRequest.newBuilder().setTrickle(TrickleRequest.newBuilder().setTarget(target)
                .setCandidateInit(init.toString())).build());
    }

    /**
     * Asks to publish a track; completes with the server's TrackInfo (its sid) when the
     * TrackPublishedResponse for this cid arrives. Send the publisher offer after that.
     */
    public CompletableFuture<TrackInfo> addTrack(AddTrackRequest request) {
        CompletableFuture<TrackInfo> f = new CompletableFuture<>();
        synchronized (this) {
            pendingTracks.put(request.getCid(), f);
        }
        send(SignalRequest.newBuilder().setAddTrack(request).build());
        return f;
    }

    /** Subscribes to (or drops) tracks by sid: how a client without auto_subscribe picks what it receives. */
    public void updateSubscription(List<String> trackSids, boolean subscribe) {
        if (trackSids.isEmpty()) return;
        send(SignalRequest.newBuilder().setSubscription(UpdateSubscription.newBuilder().addAllTrackSids(trackSids)
                .setSubscribe(subscribe)).build());
    }

    /** Leaves the room (LeaveRequest CLIENT_INITIATED) and closes the socket; idempotent. */
    public void leave() {
        WebSocket ws;
        CompletableFuture<?> last;
        synchronized (this) {
            if (state == SignalState.DISCONNECTED) return;
            ws = socket;
            if (state == SignalState.CONNECTED) {
                sendLocked(SignalRequest.newBuilder().setLeave(LeaveRequest.newBuilder()
                        .setReason(DisconnectReason.CLIENT_INITIATED).setAction(LeaveRequest.Action.DISCONNECT)).build());
            }
            last = sendChain;
            finish(DisconnectReason.CLIENT_INITIATED, "left");
        }
        if (ws != null) last.whenComplete((r, e) -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "leave"));
    }

    @Override
    public void close() {
        leave();
    }

    // --- connection ---------------------------------------------------------------------------

    /** The signal URL: base/rtc plus the query LiveKit clients send (token, subscribe, sdk, protocol). */
    synchronized URI url(boolean reconnect) {
        StringBuilder u = new StringBuilder(config.signalBase()).append("/rtc?access_token=").append(enc(token))
                .append("&auto_subscribe=").append(autoSubscribe ? 1 : 0)
                .append("&sdk=").append(SDK).append("&version=").append(VERSION)
                .append("&protocol=").append(PROTOCOL)
                .append("&adaptive_stream=0");
        if (reconnect) {
            // the resume flow: same participant (sid), peer connections kept
            u.append("&reconnect=1&sid=").append(enc(participantSid));
        }
        return URI.create(u.toString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void open(boolean reconnect) {
        URI uri = url(reconnect);
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new Frames())
                .whenComplete((ws, err) -> {
                    if (err != null) openFailed(err, reconnect);
                });
    }

    /** The socket is open (called before any frame is delivered): it becomes the current one. */
    private synchronized void attach(WebSocket ws) {
        if (socket != null || (state != SignalState.CONNECTING && state != SignalState.RECONNECTING)) {
            ws.abort();
            return;
        }
        socket = ws;
        sendChain = CompletableFuture.completedFuture(null);
    }

    private synchronized void openFailed(Throwable err, boolean reconnect) {
        withMdc(() -> {
            String why = describe(err);
            if (reconnect) {
                log.info("LiveKit {}: resume attempt {} failed: {}", config.url(), reconnectAttempt, why);
                scheduleReconnect();
            } else {
                failJoin(why);
            }
        });
    }

    /** Why a connection failed, in words an admin can act on: server, HTTP status, cause. */
    private String describe(Throwable err) {
        Throwable e = err;
        while (e.getCause() != null && !(e instanceof WebSocketHandshakeException)) e = e.getCause();
        if (e instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            Object body = h.getResponse().body();
            String detail = body instanceof String s && !s.isBlank() ? ": " + s.strip() : "";
            return "LiveKit server " + config.url() + " refused the connection (HTTP " + status + detail + ")";
        }
        return "cannot reach LiveKit server " + config.url() + ": " + e;
    }

    private void failJoin(String why) {
        synchronized (this) {
            if (state != SignalState.CONNECTING) return;
            log.warn("{}", why);
            finish(DisconnectReason.UNKNOWN_REASON, why);
        }
    }

    /** The socket closed or failed under us. */
    private synchronized void dropped(WebSocket ws, String why) {
        if (ws != socket) return;
        socket = null;
        withMdc(() -> {
            switch (state) {
                case CONNECTING -> failJoin("LiveKit server " + config.url() + " closed the connection before joining: " + why);
                case CONNECTED -> startReconnect(why);
                case RECONNECTING -> scheduleReconnect();
                default -> { }
            }
        });
    }

    private void startReconnect(String why) {
        log.info("LiveKit signal connection lost ({}); resuming", why);
        cancelPing();
        WebSocket old = socket;
        socket = null; // first: aborting it reports a drop, which must not count for the new one
        if (old != null) old.abort();
        move(SignalState.RECONNECTING);
        reconnectAttempt = 0;
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (state != SignalState.RECONNECTING) return;
        if (reconnectAttempt >= RECONNECT_DELAYS.size()) {
            String why = "could not resume the LiveKit session on " + config.url() + " after " + reconnectAttempt + " attempts";
            log.warn("{}", why);
            finish(DisconnectReason.UNKNOWN_REASON, why);
            return;
        }
        Duration delay = RECONNECT_DELAYS.get(reconnectAttempt++);
        reconnectTask = timers.schedule(() -> {
            synchronized (this) {
                if (state == SignalState.RECONNECTING && socket == null) open(true);
            }
        }, delay);
    }

    // --- incoming -----------------------------------------------------------------------------

    private synchronized void received(WebSocket ws, byte[] frame) {
        if (ws != socket) return;
        SignalResponse msg;
        try {
            msg = SignalResponse.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            log.warn("LiveKit sent an unreadable frame ({} bytes): {}", frame.length, e.getMessage());
            return;
        }
        withMdc(() -> handle(msg));
    }

    private void handle(SignalResponse msg) {
        switch (msg.getMessageCase()) {
            case JOIN -> onJoin(msg.getJoin());
            case RECONNECT -> onReconnect(msg.getReconnect());
            case ANSWER -> listener.onAnswer(msg.getAnswer());
            case OFFER -> listener.onOffer(msg.getOffer());
            case TRICKLE -> onTrickle(msg.getTrickle());
            case UPDATE -> listener.onParticipants(msg.getUpdate().getParticipantsList());
            case TRACK_PUBLISHED -> {
                CompletableFuture<TrackInfo> f = pendingTracks.remove(msg.getTrackPublished().getCid());
                if (f != null) f.complete(msg.getTrackPublished().getTrack());
            }
            case SPEAKERS_CHANGED -> {
                speakers = List.copyOf(msg.getSpeakersChanged().getSpeakersList());
                listener.onSpeakers(speakers);
            }
            case LEAVE -> onLeave(msg.getLeave());
            case PONG -> pong();
            case PONG_RESP -> {
                lastRttMillis = Math.max(0, System.currentTimeMillis() - msg.getPongResp().getLastPingTimestamp());
                pong();
            }
            case REFRESH_TOKEN -> token = msg.getRefreshToken(); // used by the next resume
            default -> { } // quality, stream state, room updates...: not needed for audio
        }
    }

    private void onJoin(JoinResponse join) {
        if (state != SignalState.CONNECTING) return;
        cancel(joinTimeoutTask);
        participantSid = join.getParticipant().getSid();
        pingInterval = Duration.ofSeconds(join.getPingInterval());
        pingTimeout = Duration.ofSeconds(join.getPingTimeout());
        move(SignalState.CONNECTED);
        log.info("joined LiveKit room {} on {} as {} ({}), server {}", join.getRoom().getName(), config.url(),
                join.getParticipant().getIdentity(), participantSid, join.getServerVersion());
        schedulePing();
        listener.onJoined(join);
        joined.complete(join);
    }

    private void onReconnect(ReconnectResponse r) {
        if (state != SignalState.RECONNECTING) return;
        cancel(reconnectTask);
        move(SignalState.CONNECTED);
        log.info("LiveKit session resumed on {}", config.url());
        schedulePing();
        listener.onResumed(r);
    }

    private void onTrickle(TrickleRequest t) {
        String candidate = null, mid = null;
        try {
            JsonNode init = JSON.readTree(t.getCandidateInit());
            if (init.hasNonNull("candidate") && !init.get("candidate").asText().isEmpty()) {
                candidate = init.get("candidate").asText();
                if (candidate.startsWith("a=")) candidate = candidate.substring(2);
            }
            if (init.hasNonNull("sdpMid")) mid = init.get("sdpMid").asText();
        } catch (Exception e) {
            log.warn("LiveKit trickled an unreadable candidate: {}", t.getCandidateInit());
            return;
        }
        listener.onTrickle(t.getTarget(), candidate, mid);
    }

    private void onLeave(LeaveRequest leave) {
        // LeaveRequest.action (protocol ≥ 13): RESUME and RECONNECT ask us to come back; DISCONNECT is final.
        LeaveRequest.Action action = leave.getAction();
        if (action == LeaveRequest.Action.RESUME && state == SignalState.CONNECTED) {
            startReconnect("server asked to resume (" + leave.getReason() + ")");
            return;
        }
        String detail = action == LeaveRequest.Action.RECONNECT
                ? "server asked for a full reconnect (" + leave.getReason() + ")" : "removed by the server";
        log.info("LiveKit {}: {}: {}", config.url(), detail, leave.getReason());
        finish(leave.getReason(), detail);
    }

    // --- keep-alive ---------------------------------------------------------------------------

    private void schedulePing() {
        cancelPing();
        if (pingInterval.isZero()) return;
        pingTask = timers.schedule(this::ping, pingInterval);
    }

    private synchronized void ping() {
        if (state != SignalState.CONNECTED) return;
        long now = System.currentTimeMillis();
        sendLocked(SignalRequest.newBuilder().setPingReq(Ping.newBuilder().setTimestamp(now).setRtt(lastRttMillis)).build());
        // one timeout armed at a time; any pong clears it
        if (pongTimeoutTask == null && !pingTimeout.isZero()) {
            pongTimeoutTask = timers.schedule(() -> {
                synchronized (this) {
                    pongTimeoutTask = null;
                    if (state == SignalState.CONNECTED) withMdc(() -> startReconnect("no pong within " + pingTimeout.toSeconds() + " s"));
                }
            }, pingTimeout);
        }
        pingTask = timers.schedule(this::ping, pingInterval);
    }

    private void pong() {
        cancel(pongTimeoutTask);
        pongTimeoutTask = null;
    }

    private void cancelPing() {
        cancel(pingTask);
        cancel(pongTimeoutTask);
        pingTask = pongTimeoutTask = null;
    }

    // --- helpers ------------------------------------------------------------------------------

    private synchronized void send(SignalRequest request) {
        sendLocked(request);
    }

    /** Sends now, or drops when no socket is up (the resume flow re-syncs what matters). */
    private void sendLocked(SignalRequest request) {
        WebSocket ws = socket;
        if (ws == null || state == SignalState.DISCONNECTED) {
            log.debug("LiveKit signal not connected; {} dropped", request.getMessageCase());
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(request.toByteArray());
        // the JDK WebSocket takes one send at a time: chain them
        sendChain = sendChain.handle((r, e) -> null).thenCompose(x -> ws.sendBinary(bytes, true));
    }

    private void move(SignalState next) {
        if (!state.canMoveTo(next)) throw new IllegalStateException("LiveKit signal " + state + " → " + next);
        state = next;
        listener.onState(next);
    }

    private void finish(DisconnectReason reason, String detail) {
        if (state == SignalState.DISCONNECTED) return;
        cancelPing();
        cancel(joinTimeoutTask);
        cancel(reconnectTask);
        WebSocket ws = socket;
        socket = null;
        // after our LeaveRequest, leave() closes once it is sent; otherwise nothing more to say
        if (ws != null && reason != DisconnectReason.CLIENT_INITIATED) {
            sendChain.whenComplete((r, e) -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
        }
        move(SignalState.DISCONNECTED);
        pendingTracks.values().forEach(f -> f.completeExceptionally(new IllegalStateException(detail)));
        pendingTracks.clear();
        joined.completeExceptionally(new LiveKitException(detail, reason));
        listener.onDisconnected(reason, detail);
    }

    private static void cancel(Timers.Task t) {
        if (t != null) t.cancel();
    }

    private void withMdc(Runnable r) {
        String before = MDC.get("call");
        if (callId != null) MDC.put("call", callId);
        try {
            r.run();
        } finally {
            if (before != null) MDC.put("call", before);
            else MDC.remove("call");
        }
    }

    /** Collects a message's binary frames (the JDK may split one message) and reports closes. */
    private final class Frames implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket ws) {
            attach(ws);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] frame = partial.toByteArray();
                partial.reset();
                received(ws, frame);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ws.request(1); // LiveKit speaks binary protobuf; JSON text frames are not expected
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            dropped(ws, "closed " + statusCode + (reason.isEmpty() ? "" : " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            dropped(ws, String.valueOf(error));
        }
    }
}
