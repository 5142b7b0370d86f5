package org.passerelle.gateway.livekit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.gateway.room.Participant;
import org.passerelle.gateway.room.Room;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.codec.OpusEncoder;
import org.passerelle.transcoder.prompt.Prompt;
import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The LiveKit room connector: SIP callers join LiveKit rooms. Per room name, one {@link
 * LiveKitRoomSession} (the hidden listener, every remote track decoded once) and a local mix
 * ticked by the media clock; per call, one publish-only {@link LiveKitCallParticipant} carrying
 * the caller's voice. Callers of the same room hear each other in the local mix and everybody
 * else through the listener; their own published tracks are not subscribed again.
 *
 * <p>Waiting (issue 5 item 3): while a room's only caller is alone (no other participant, no
 * remote track, no other caller of ours), that caller hears the "waiting" prompt every
 * {@value #WAITING_PERIOD_MILLIS} ms, from a member of the local mix; it stops as soon as someone
 * joins or is heard.
 *
 * <p>Failures (issue 5 item 5), what the call is told through {@link CallEvents}:
 * <ul>
 *   <li>room deleted or closed, the call's participant removed (RoomService DeleteRoom,
 *       RemoveParticipant) or replaced by a duplicate identity: {@link Ending#CLOSED} at once;
 *   <li>anything else (signal connection dropped and not resumable, server crashed or restarted:
 *       SERVER_SHUTDOWN, STATE_MISMATCH; media connection lost): first the signal client's own
 *       resume (same session, peer connections kept), and when the server does not know the
 *       session any more, a full reconnect: a new join with new peer connections, for the
 *       listener and for each call's participant separately, retried for up to {@link
 *       #REJOIN_BOUND}. Meanwhile the call stays up and the caller keeps hearing the other callers
 *       of the gateway. Past the bound: {@link Ending#UNAVAILABLE}.
 * </ul>
 */
public final class LiveKitRooms implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveKitRooms.class);
    /** Joining and publishing take a few round trips and ICE/DTLS; beyond this the server is unusable. */
    private static final int JOIN_TIMEOUT_SECONDS = 15;
    /** The check before answering: the caller is ringing meanwhile, so not much longer than a PDD. */
    private static final int PROBE_TIMEOUT_SECONDS = 3;
    /** How long a participant that lost its place may take to come back before the call gives up. */
    public static final Duration REJOIN_BOUND = Duration.ofSeconds(20);
    /**
     * A server that accepted our token this recently is taken as usable without asking again: under
     * load the check costs a busy server ≈ 0.4 s, which every new room's first caller would wait.
     * If it fell over meanwhile, the join fails and the caller hears "unavailable" (as for a
     * server lost mid-call).
     */
    static final Duration VALIDATED_FOR = Duration.ofSeconds(10);
    /** What the start-up check's token is for: validating a token joins nothing and makes no room. */
    private static final String START_CHECK_ROOM = "passerelle-start-check";
    private static final CallIdentity START_CHECK_IDENTITY = new CallIdentity("start-check", "start-check", null, null);
    /** The waiting prompt is said again this long after it began, while the caller is still alone. */
    public static final int WAITING_PERIOD_MILLIS = 20_000;

    /** Why a call can no longer be in its LiveKit room. */
    public enum Ending {
        /** The room was closed or the participant removed: say "closed", hang up (ROOM_CLOSED). */
        CLOSED,
        /** The server was lost and could not be rejoined within the bound: say "unavailable", hang up. */
        UNAVAILABLE
    }

    /** What a call hears about its place in a LiveKit room. */
    public interface CallEvents {
        /** The caller can no longer be in the room; said once, from a LiveKit thread. */
        void ended(Ending how, String why);

        /** Someone in the room sent a DTMF digit (LiveKit SIP DTMF packet): play it to the phone. Network thread. */
        default void dtmf(char digit) {}
    }

    private final LiveKitConfig config;
    private final LiveKitTokens tokens;
    private final WebRtcConfig webrtc;
    private final MediaClock clock;
    private final boolean waitingPrompt;
    private final Duration rejoinBound;
    private final NanoClock time;
    /** When the server last accepted a token check ({@link NanoClock} time); guarded by this. */
    private long validatedAt;
    private boolean everValidated;
    /** The token check on its way, which other checks wait for; guarded by this. */
    private CompletableFuture<String> validating;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("livekit-timers").factory());
    private final Timers timers = Timers.on(scheduler);
    private final HttpClient http = HttpClient.newHttpClient();
    /** Reachability checks wait on the network: one virtual thread each, never a call's executor. */
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, LocalRoom> rooms = new HashMap<>();
    /** Rooms whose listener is joining for their first caller (guarded by this). */
    private final Map<String, CompletableFuture<LocalRoom>> roomsJoining = new HashMap<>();

    /** With the waiting prompt on (the default of {@code livekit.waitingPrompt}). */
    public LiveKitRooms(LiveKitConfig config, WebRtcConfig webrtc, MediaClock clock) {
        this(config, webrtc, clock, true);
    }

    /** @param waitingPrompt whether a lone caller hears "waiting" (config {@code livekit.waitingPrompt}, default true) */
    public LiveKitRooms(LiveKitConfig config, WebRtcConfig webrtc, MediaClock clock, boolean waitingPrompt) {
        this(config, webrtc, clock, waitingPrompt, REJOIN_BOUND);
    }

    LiveKitRooms(LiveKitConfig config, WebRtcConfig webrtc, MediaClock clock, boolean waitingPrompt, Duration rejoinBound) {
        this(config, webrtc, clock, waitingPrompt, rejoinBound, NanoClock.SYSTEM);
    }

    LiveKitRooms(LiveKitConfig config, WebRtcConfig webrtc, MediaClock clock, boolean waitingPrompt, Duration rejoinBound,
                 NanoClock time) {
        this.time = time;
        this.config = config;
        this.tokens = new LiveKitTokens(config);
        this.webrtc = webrtc;
        this.clock = clock;
        this.waitingPrompt = waitingPrompt;
        this.rejoinBound = rejoinBound;
    }

    public LiveKitConfig config() {
        return config;
    }

    /** Whether lone callers hear the waiting prompt. */
    public boolean waitingPrompt() {
        return waitingPrompt;
    }

    /**
     * Whether a call can join {@code room} now, asked before the call is answered so that an
     * unusable server gets the caller a SIP error (503, which lets a PBX fail over) rather than an
     * answered call that hangs up. The server is known good while any room the gateway is in is
     * connected (its listener's token was accepted), or when it accepted a token in the last
     * {@link #VALIDATED_FOR}; otherwise the server's token check ({@code GET /rtc/validate}, what
     * LiveKit clients ask when a join fails) tells at once whether the server is up and accepts our
     * API key and secret.
     *
     * @return completes with null when it can be joined, else why not, naming the server (for the log)
     */
    public CompletableFuture<String> checkReachable(String room, CallIdentity who) {
        return CompletableFuture.supplyAsync(() -> whyUnreachable(room, who), probes);
    }

    /**
     * {@link #checkReachable} on the calling thread (blocks up to {@value #PROBE_TIMEOUT_SECONDS} s).
     * Checks made while one is on its way share its answer: the first calls after start-up, or
     * after the window, all arrive together.
     */
    public String whyUnreachable(String room, CallIdentity who) {
        CompletableFuture<String> mine;
        CompletableFuture<String> theirs;
        synchronized (this) {
            if (knownGood()) return null;
            theirs = validating;
            mine = theirs == null ? (validating = new CompletableFuture<>()) : null;
        }
        if (theirs != null) {
            try {
                return theirs.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while checking LiveKit server " + LiveKitSipApi.httpBase(config.url());
            } catch (ExecutionException e) {
                return String.valueOf(e.getCause());
            }
        }
        String why = validate(room, who);
        synchronized (this) {
            if (why == null) {
                validatedAt = time.nanoTime();
                everValidated = true;
            }
            validating = null;
        }
        mine.complete(why);
        return why;
    }

    /**
     * Checks the server and our key once, off the caller's thread, and says the outcome in the log:
     * an admin sees a wrong URL or secret at start-up, not at the first call. The answer also
     * serves the first calls ({@link #VALIDATED_FOR}).
     */
    public CompletableFuture<String> checkAtStart() {
        return checkReachable(START_CHECK_ROOM, START_CHECK_IDENTITY).whenComplete((why, e) -> {
            String base = LiveKitSipApi.httpBase(config.url());
            if (e == null && why == null) {
                log.info("LiveKit server {} reachable, API key {} accepted", base, config.apiKey());
            } else {
                log.warn("{}; calls to LiveKit rooms will be refused (503) until it is", why != null ? why : e.toString());
            }
        });
    }

    /** One token check, {@code GET /rtc/validate}: null when the server accepted it, else why not. */
    private String validate(String room, CallIdentity who) {
        String base = LiveKitSipApi.httpBase(config.url());
        URI uri = URI.create(base + "/rtc/validate?access_token=" + tokens.call(room, who));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(PROBE_TIMEOUT_SECONDS)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) return null;
            String body = r.body() == null ? "" : r.body().strip();
            if (body.length() > 200) body = body.substring(0, 200);
            String hint = r.statusCode() == 401 ? " (check livekit.apiKey and livekit.apiSecret)" : "";
            return "LiveKit server " + base + " refused our token: HTTP " + r.statusCode()
                    + (body.isEmpty() ? "" : " " + body) + hint;
        } catch (HttpTimeoutException e) {
            return "LiveKit server " + base + " did not answer within " + PROBE_TIMEOUT_SECONDS + " s";
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            if (e instanceof ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
                why = "connection refused";
            }
            return "LiveKit server " + base + " cannot be reached: " + why;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking LiveKit server " + base;
        }
    }

    /**
     * True when the server has shown it is up and takes our key (a connected room, or a recent token
     * check) and no room of ours is rejoining it after losing it.
     */
    private synchronized boolean knownGood() {
        boolean connected = false;
        for (LocalRoom r : rooms.values()) {
            if (r.rejoin.running()) return false; // a room lost the server: ask it
            connected |= r.established;
        }
        return connected || everValidated && time.nanoTime() - validatedAt < VALIDATED_FOR.toNanos();
    }

    /** Reasons after which the caller's place in the room is gone for good (no rejoin). */
    static boolean closesTheRoom(DisconnectReason reason) {
        return reason == DisconnectReason.ROOM_DELETED || reason == DisconnectReason.ROOM_CLOSED;
    }

    /** For a call's own participant: the room closed, or the participant was removed or replaced. */
    static boolean endsTheCall(DisconnectReason reason) {
        return closesTheRoom(reason) || reason == DisconnectReason.PARTICIPANT_REMOVED
                || reason == DisconnectReason.DUPLICATE_IDENTITY;
    }

    /** {@link #join(String, CallIdentity, AudioParticipant, Prompt, CallEvents)} without a waiting prompt. */
    public LiveKitCall join(String room, CallIdentity who, AudioParticipant caller, CallEvents events)
            throws LiveKitException {
        return join(room, who, caller, null, events);
    }

    /**
     * Puts a caller in a LiveKit room: joins the room's listener if this is the first caller, then
     * publishes the caller as its own participant. The caller hears the room (the listener's
     * tracks and the other callers of the gateway) from the moment the listener is there, while
     * its own participant is still being published (a second under load); what it says reaches
     * LiveKit once that is done. Blocks until published (call it from the call's executor, not a
     * network thread); throws with the server and the reason when it fails.
     *
     * @param waiting what this caller hears while alone in the room (in its language); null: nothing
     */
    public LiveKitCall join(String room, CallIdentity who, AudioParticipant caller, Prompt waiting, CallEvents events)
            throws LiveKitException {
        LocalRoom local = room(room);
        LiveKitCall call = new LiveKitCall(local, who, caller, waitingPrompt ? waiting : null, events);
        LiveKitCallParticipant publisher = call.newPublisher();
        call.publisher = publisher;
        local.room.addMember(call.voice);
        try {
            publisher.join().get(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            call.closed = true;
            local.room.removeMember(call.voice);
            publisher.close();
            local.release(call);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new LiveKitException("cannot publish in room " + room + " on " + config.url() + ": "
                    + cause.getMessage(), cause);
        }
        call.up = true;
        local.updateWaiting();
        return call;
    }

    /**
     * The room, joining its listener first when no caller of ours is there yet; counts the caller
     * in. The join (signal, offer, ICE, DTLS: about a second under load) runs outside this
     * object's lock, so calls to other rooms and reachability checks never wait behind it; callers
     * of the same room wait for that one join.
     */
    private LocalRoom room(String name) throws LiveKitException {
        CompletableFuture<LocalRoom> joining;
        boolean mine = false;
        synchronized (this) {
            LocalRoom r = rooms.get(name);
            if (r != null) {
                r.calls++;
                return r;
            }
            joining = roomsJoining.get(name);
            if (joining == null) {
                joining = new CompletableFuture<>();
                roomsJoining.put(name, joining);
                mine = true;
            }
        }
        if (mine) return joinRoom(name, joining);
        LocalRoom r;
        try {
            r = joining.get(JOIN_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof LiveKitException failed) throw failed; // the first caller's join failed: same reason
            throw new LiveKitException("cannot join room " + name + " on " + config.url() + ": " + cause, cause);
        }
        synchronized (this) {
            if (rooms.get(name) == r) {
                r.calls++;
                return r;
            }
        }
        return room(name); // its callers all left in the meantime: join afresh
    }

    /** Joins the room's listener for the first caller; completes {@code joining} for the others. */
    private LocalRoom joinRoom(String name, CompletableFuture<LocalRoom> joining) throws LiveKitException {
        LocalRoom r = new LocalRoom(name);
        try {
            r.session.join().get(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            r.session.close();
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LiveKitException failed = new LiveKitException("cannot join room " + name + " on " + config.url() + ": "
                    + cause.getMessage(), cause);
            synchronized (this) {
                roomsJoining.remove(name, joining);
            }
            joining.completeExceptionally(failed);
            throw failed;
        }
        r.established = true;
        clock.add(r.room);
        synchronized (this) {
            roomsJoining.remove(name, joining);
            rooms.put(name, r);
            r.calls++;
        }
        joining.complete(r);
        log.info("LiveKit room {} joined on {}", name, config.url());
        return r;
    }

    /**
     * One LiveKit room as the gateway holds it: the listener (replaced by a new one when it must
     * rejoin), the local mix and the waiting prompt.
     */
    final class LocalRoom implements Rejoin.Owner {
        final String name;
        final Room room;
        final WaitingPrompt waiting;
        final Set<LiveKitCall> members = ConcurrentHashMap.newKeySet();
        private final Rejoin rejoin;
        volatile LiveKitRoomSession session;
        /** Which listener's events count: those of older ones are ignored. */
        private volatile int generation;
        private int othersInRoom; // guarded by this
        private int tracksHeard;  // guarded by this
        private boolean released;
        /** The first listener joined: later losses rejoin (a failed first join is room()'s to report). */
        volatile boolean established;
        int calls;

        LocalRoom(String name) {
            this.name = name;
            this.room = Room.detached("livekit:" + name);
            this.waiting = new WaitingPrompt("waiting:" + name);
            room.addMember(waiting);
            this.rejoin = new Rejoin(timers, System::nanoTime, rejoinBound, this);
            this.session = newSession();
        }

        private LiveKitRoomSession newSession() {
            int gen = ++generation;
            return new LiveKitRoomSession(config, tokens, name, media -> new WebRtcSubscriberPeer(webrtc, media),
                    timers, http, NanoClock.SYSTEM, new Events(gen));
        }

        /** Starts or stops the waiting prompt: on while exactly one caller is there and nobody else. */
        void updateWaiting() {
            LiveKitCall lone = null;
            synchronized (this) {
                boolean alone = othersInRoom == 0 && tracksHeard == 0 && members.size() == 1 && !rejoin.running();
                if (alone) lone = members.iterator().next();
                if (lone == null || lone.waiting == null || !lone.up) {
                    if (waiting.active()) {
                        waiting.stop();
                        log.info("LiveKit room {}: no longer alone, waiting prompt stopped", name);
                    }
                    return;
                }
                if (waiting.active()) return;
                waiting.start(lone.waiting, WAITING_PERIOD_MILLIS);
            }
            lone.log("alone in LiveKit room {}: waiting prompt", name);
        }

        /** The listener's events, for one generation of it. */
        private final class Events implements LiveKitRoomSession.Listener {
            private final int gen;

            Events(int gen) {
                this.gen = gen;
            }

            private boolean current() {
                return gen == generation;
            }

            @Override
            public void onTrackAdded(RemoteAudioTrack track) {
                if (!current()) return;
                room.addMember(track);
                synchronized (LocalRoom.this) {
                    tracksHeard++;
                }
                updateWaiting();
            }

            @Override
            public void onTrackRemoved(RemoteAudioTrack track) {
                if (!room.removeMember(track)) return;
                synchronized (LocalRoom.this) {
                    tracksHeard = Math.max(0, tracksHeard - 1);
                }
                updateWaiting();
            }

            @Override
            public void onParticipants(List<ParticipantInfo> others) {
                if (!current()) return;
                synchronized (LocalRoom.this) {
                    othersInRoom = others.size();
                }
                updateWaiting();
            }

            @Override
            public void onClosed(DisconnectReason reason, String detail) {
                if (!current() || !established) return;
                // its tracks are closed after this returns: out of the mix first
                for (RemoteAudioTrack t : session.tracks()) room.removeMember(t);
                synchronized (LocalRoom.this) {
                    tracksHeard = 0;
                    if (released) return;
                }
                if (closesTheRoom(reason)) {
                    log.info("LiveKit room {} closed: {} {}", name, reason, detail);
                    for (LiveKitCall c : members) c.ended(Ending.CLOSED, "LiveKit room closed (" + reason + ")");
                } else if (rejoin.start()) {
                    log.warn("LiveKit room {}: listener lost ({} {}); rejoining for up to {} s", name, reason, detail,
                            rejoinBound.toSeconds());
                    updateWaiting();
                }
            }
        }

        // --- Rejoin.Owner: a new listener -------------------------------------------------------

        @Override
        public CompletableFuture<?> attempt() {
            LiveKitRoomSession s;
            synchronized (this) {
                if (released) return CompletableFuture.failedFuture(new IllegalStateException("room left"));
                s = newSession();
                session = s;
            }
            CompletableFuture<Object> done = new CompletableFuture<>();
            s.join().whenComplete((j, e) -> {
                if (e == null) done.complete(j);
                else done.completeExceptionally(e);
            });
            done.whenComplete((j, e) -> {
                if (e != null) s.close(); // a late success must not leave a listener behind
            });
            return done;
        }

        @Override
        public void rejoined(int attempts) {
            log.info("LiveKit room {}: listener rejoined ({} attempt(s))", name, attempts);
            updateWaiting();
        }

        @Override
        public void gaveUp(int attempts, String lastError) {
            log.warn("LiveKit room {}: listener could not rejoin {} within {} s ({} attempts): {}", name, config.url(),
                    rejoinBound.toSeconds(), attempts, lastError);
            for (LiveKitCall c : members) {
                c.ended(Ending.UNAVAILABLE, "LiveKit server " + config.url() + " lost: " + lastError);
            }
        }

        void release(LiveKitCall call) {
            synchronized (LiveKitRooms.this) {
                members.remove(call);
                if (--calls > 0) {
                    updateWaiting();
                    return;
                }
                rooms.remove(name, this);
                synchronized (this) {
                    released = true;
                }
            }
            rejoin.cancel();
            waiting.stop();
            clock.remove(room);
            session.close();
            log.info("LiveKit room {} left: no caller remains", name);
        }
    }

    /** A caller in a LiveKit room. */
    public final class LiveKitCall implements AutoCloseable, Rejoin.Owner {
        private final LocalRoom local;
        private final CallIdentity who;
        private final AudioParticipant caller;
        final Prompt waiting;
        private final CallEvents events;
        private final Participant voice;
        private final Rejoin rejoin;
        private volatile LiveKitCallParticipant publisher;
        /** Published once: later losses rejoin instead of failing the join. */
        volatile boolean up;
        volatile boolean closed;
        private boolean told;

        LiveKitCall(LocalRoom local, CallIdentity who, AudioParticipant caller, Prompt waiting, CallEvents events) {
            this.local = local;
            this.who = who;
            this.caller = caller;
            this.waiting = waiting;
            this.events = events;
            this.voice = new PublishingParticipant();
            this.rejoin = new Rejoin(timers, System::nanoTime, rejoinBound, this);
            local.members.add(this);
        }

        /** This call's participant, publishing the caller's microphone. */
        LiveKitCallParticipant newPublisher() {
            LiveKitCallParticipant[] self = new LiveKitCallParticipant[1];
            // The track carries the caller's voice in the band the phone's codec has (NB for G.711),
            // encoded from the caller's own PCM at its codec's rate, whatever the local room's rate.
            self[0] = new LiveKitCallParticipant(config, tokens, local.name, who, OpusEncoder.Settings.voiceFrom(caller.codec()),
                    caller.codec().sampleRate(), l -> WebRtcSession.offer(webrtc, l, true),
                    timers, http, new LiveKitCallParticipant.Listener() {
                        @Override
                        public void onDtmf(char digit, String from) {
                            if (!closed) events.dtmf(digit);
                        }

                        @Override
                        public void onEnded(DisconnectReason reason, String detail) {
                            publisherEnded(self[0], reason, detail);
                        }
                    });
            return self[0];
        }

        private void publisherEnded(LiveKitCallParticipant p, DisconnectReason reason, String detail) {
            synchronized (this) {
                if (closed || !up || p != publisher) return; // a failed first join is join()'s to report
                publisher = null;
            }
            String why = "LiveKit " + reason + (detail == null || detail.isEmpty() ? "" : ": " + detail);
            if (endsTheCall(reason)) {
                ended(Ending.CLOSED, why);
            } else if (rejoin.start()) {
                log("participant {} lost ({}); rejoining LiveKit room {} for up to {} s", who.identity(), why,
                        local.name, rejoinBound.toSeconds());
            }
        }

        void ended(Ending how, String why) {
            synchronized (this) {
                if (closed || told) return;
                told = true;
            }
            rejoin.cancel();
            events.ended(how, why);
        }

        /**
         * Sends a digit the caller typed to the room as a LiveKit SIP DTMF packet.
         *
         * @return false when it could not be sent (rejoining, data channel not open yet)
         */
        public boolean sendDtmf(char digit) {
            LiveKitCallParticipant p = publisher;
            return p != null && p.sendDtmf(digit);
        }

        /** Whether the caller's participant is being re-created after a loss. */
        public boolean rejoining() {
            return rejoin.running();
        }

        /** The caller's participant now (null while rejoining). */
        public LiveKitCallParticipant participant() {
            return publisher;
        }

        // --- Rejoin.Owner: a new participant for the call ------------------------------------------

        @Override
        public CompletableFuture<?> attempt() {
            if (closed) return CompletableFuture.failedFuture(new IllegalStateException("call left"));
            LiveKitCallParticipant p = newPublisher();
            CompletableFuture<Object> done = new CompletableFuture<>();
            p.join().whenComplete((sid, e) -> {
                if (e == null) done.complete(sid);
                else done.completeExceptionally(e);
            });
            done.whenComplete((sid, e) -> {
                boolean keep;
                synchronized (this) {
                    keep = e == null && !closed;
                    if (keep) publisher = p;
                }
                if (!keep) p.close();
            });
            return done;
        }

        @Override
        public void rejoined(int attempts) {
            log("participant {} back in LiveKit room {} ({} attempt(s))", who.identity(), local.name, attempts);
        }

        @Override
        public void gaveUp(int attempts, String lastError) {
            log("participant {} could not rejoin LiveKit room {} on {} within {} s ({} attempts): {}", who.identity(),
                    local.name, config.url(), rejoinBound.toSeconds(), attempts, lastError);
            ended(Ending.UNAVAILABLE, "LiveKit server " + config.url() + " lost: " + lastError);
        }

        private void log(String format, Object... args) {
            MDC.put("call", who.callId());
            try {
                log.info(format, args);
            } finally {
                MDC.remove("call");
            }
        }

        /** Leaves the LiveKit room (the caller hung up, or the call ends). */
        @Override
        public void close() {
            LiveKitCallParticipant p;
            synchronized (this) {
                if (closed) return;
                closed = true;
                p = publisher;
                publisher = null;
            }
            rejoin.cancel();
            local.room.removeMember(voice);
            if (p != null) p.close();
            local.release(this);
        }

        /**
         * The caller in the local mix: what it says is also published to LiveKit, from the
         * caller's own frame at its codec's rate (not the room's: a change of the local room's
         * rate never touches the published track's encoder).
         */
        private final class PublishingParticipant implements Participant {
            private final short[] silence = new short[caller.codec().samplesPerFrame(20)];

            @Override public String id() { return caller.id(); }
            @Override public String displayName() { return caller.displayName(); }
            @Override public Kind kind() { return Kind.PHONE; }
            @Override public int neededRate() { return caller.neededRate(); }

            @Override
            public boolean readFrame(short[] frame, int rate) {
                boolean speaking = caller.readFrame(frame, rate);
                LiveKitCallParticipant p = publisher;
                if (p != null) p.sendFrame(speaking ? caller.lastFrame() : silence);
                return speaking;
            }

            @Override
            public void writeFrame(short[] mix, int rate) {
                caller.writeFrame(mix, rate);
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        probes.shutdownNow();
    }
}
