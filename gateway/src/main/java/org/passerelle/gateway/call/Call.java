package org.passerelle.gateway.call;

import java.time.Instant;
import org.passerelle.gateway.ivr.IvrSession;
import org.passerelle.gateway.livekit.CallIdentity;
import org.passerelle.gateway.livekit.LiveKitException;
import org.passerelle.gateway.livekit.LiveKitRooms;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.room.RoomLimitException;
import org.passerelle.sip.SipLeg;
import org.passerelle.transcoder.prompt.Prompt;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One inbound call, from the dial plan's decision to its end: it listens to its SIP leg, and once
 * the call is established puts the caller in the room, or first through the IVR (PIN, message).
 * Signalling events arrive on the leg's serial executor, so state needs no lock; RTP arrives on
 * the network thread and goes straight to the media participant.
 */
public final class Call implements SipLeg.Listener, IvrSession.Outcome {
    private static final Logger log = LoggerFactory.getLogger(Call.class);

    private final SipLeg leg;
    private final CallPlan plan;
    private final CallServices services;
    private final CallRegistry registry;
    private final Instant started = Instant.now();
    private volatile CallState state = CallState.ROUTING;
    private volatile AudioParticipant media;
    private volatile String roomName;
    private IvrSession ivr;
    private LiveKitRooms.LiveKitCall liveKit;
    private volatile EndReason endReason;
    /** Prompts are said in this language: the PIN rule's, else French. */
    private String language = "fr";

    Call(SipLeg leg, CallPlan plan, CallServices services, CallRegistry registry) {
        this.leg = leg;
        this.plan = plan;
        this.services = services;
        this.registry = registry;
        this.roomName = plan instanceof CallPlan.Join j ? j.room() : null;
    }

    public String id() { return leg.callId(); }
    /** The room the caller is in or heading to; null while the IVR has not opened one. */
    public String roomName() { return roomName; }
    public CallState state() { return state; }
    public EndReason endReason() { return endReason; }
    public Instant started() { return started; }
    public String caller() { return leg.fromUser(); }

    /** What the caller hears and the 503's phrase when the room's platform cannot be reached. */
    static final String UNAVAILABLE_PHRASE = "Room Service Unavailable";
    /** How long a digit from the room sounds at the phone: long enough for any IVR or PBX behind it. */
    static final int DTMF_TO_PHONE_MILLIS = 160;

    /**
     * The dial plan accepted the call: ring and answer. A call heading straight to a LiveKit room
     * is answered only once the server is known to be reachable; otherwise it is refused.
     */
    void accept() {
        if (!transition(CallState.Event.ACCEPTED)) return;
        leg.ringing();
        if (plan instanceof CallPlan.Join j && joinsLiveKit(j.platform())) {
            services.livekit().checkReachable(j.room(), liveKitIdentity()).whenCompleteAsync((why, e) -> withCallId(() -> {
                if (state != CallState.ANSWERING) return; // cancelled meanwhile
                String problem = e != null ? "LiveKit check failed: " + e : why;
                if (problem != null) refuse(problem);
                else leg.answer();
            }), leg.executor());
            return;
        }
        leg.answer();
    }

    /**
     * The room cannot be reached: the caller hears "unavailable" as early media (when the INVITE
     * had an SDP offer and there are prompts), then 503; the log says which server and why.
     */
    private void refuse(String why) {
        if (!transition(CallState.Event.REFUSED)) return;
        endReason = EndReason.ROOM_UNAVAILABLE;
        log.error("{}; refusing the call with 503", why);
        if (services.prompts() != null && leg.earlyMedia()) {
            media = AudioParticipant.forSipLeg(leg);
            ivr = newIvr(media, language);
            ivr.playMessage("unavailable"); // then hangup(String), which sends the 503
        } else {
            leg.reject(503, UNAVAILABLE_PHRASE);
        }
    }

    private boolean joinsLiveKit(String platform) {
        return services.livekit() != null && !"embedded".equals(platform);
    }

    private CallIdentity liveKitIdentity() {
        return new CallIdentity(leg.callId(), leg.fromUser(), leg.fromDisplayName(), leg.requestUser());
    }

    @Override
    public void onEstablished() {
        withCallId(() -> {
            AudioParticipant p = AudioParticipant.forSipLeg(leg);
            switch (plan) {
                case CallPlan.Join j -> {
                    if (!transition(CallState.Event.ESTABLISHED)) return;
                    media = p;
                    enterRoom(j.room(), j.platform());
                }
                case CallPlan.Pin pin -> {
                    if (!transition(CallState.Event.IVR_STARTED)) return;
                    media = p;
                    language = pin.ask().language();
                    ivr = newIvr(p, language);
                    String source = leg.remoteSignallingAddress().getAddress().getHostAddress();
                    ivr.askPin(pin.ask(), pin.directory(), services.pinLockout(), services.digitTimeout(),
                            "caller:" + leg.fromUser(), "source:" + source);
                }
                case CallPlan.Message m -> {
                    if (!transition(CallState.Event.IVR_STARTED)) return;
                    media = p;
                    language = m.language();
                    ivr = newIvr(p, language);
                    ivr.playMessage(m.prompt());
                }
            }
        });
    }

    private IvrSession newIvr(AudioParticipant p, String language) {
        // The IVR's callbacks (lookups, prompt ends, tones) run with the call's id in the log context.
        java.util.concurrent.Executor withId = task -> leg.executor().execute(() -> withCallId(task));
        return new IvrSession(leg.callId(), p, services.prompts(), language, services.clock(), withId, this);
    }

    /**
     * Puts the caller's media in the room; hangs up when the room is full. {@code platform} is the
     * rule's choice ("embedded", "livekit") or null for the default: LiveKit when configured.
     */
    private void enterRoom(String room, String platform) {
        roomName = room;
        if (joinsLiveKit(platform)) {
            enterLiveKitRoom(room);
            return;
        }
        try {
            services.rooms().join(room, media);
        } catch (RoomLimitException e) {
            // The room filled between the decision and now: nothing better than hanging up.
            log.info("cannot join: {}", e.getMessage());
            roomName = null;
            endReason = EndReason.ROOM_FULL;
            leg.hangup();
            return;
        }
        log.info("call up: {} in room {} with {}", leg.fromUser(), room, leg.codec());
    }

    /**
     * Joins the LiveKit room as the caller's own participant. When the server cannot be reached the
     * caller hears that the service is unavailable, then the call ends; the log names the server
     * and the reason. While alone in the room the caller hears "waiting". Later, a closed room or a
     * removed participant is said ("closed") before BYE, with end reason ROOM_CLOSED; a server lost
     * for longer than the connector's rejoin bound is said ("unavailable") before BYE, end reason
     * ERROR (a shorter loss is rejoined and the call goes on: see {@link LiveKitRooms}).
     */
    private void enterLiveKitRoom(String room) {
        CallIdentity who = liveKitIdentity();
        try {
            liveKit = services.livekit().join(room, who, media, prompt("waiting"), new LiveKitRooms.CallEvents() {
                @Override
                public void ended(LiveKitRooms.Ending how, String why) {
                    leg.executor().execute(() -> withCallId(() -> leaveLiveKitRoom(how, why)));
                }

                @Override
                public void dtmf(char digit) {
                    leg.executor().execute(() -> withCallId(() -> playDtmf(digit)));
                }
            });
            log.info("call up: {} in LiveKit room {} with {}", leg.fromUser(), room, leg.codec());
        } catch (LiveKitException e) {
            log.error("{}", e.getMessage());
            roomName = null;
            if (services.prompts() != null) {
                if (ivr == null) ivr = newIvr(media, language);
                ivr.playMessage("unavailable"); // then the IVR hangs up
            } else {
                endReason = EndReason.ERROR;
                leg.hangup();
            }
        }
    }

    /** A digit from someone in the LiveKit room, played to the phone: RFC 4733, else as tones. */
    private void playDtmf(char digit) {
        if (state != CallState.IN_ROOM) return;
        log.debug("DTMF from the room"); // digits are not logged: they may be a PIN or a code
        if (!leg.sendDtmf(digit, DTMF_TO_PHONE_MILLIS)) {
            AudioParticipant p = media;
            if (p != null) p.playDtmf(digit, DTMF_TO_PHONE_MILLIS);
        }
    }

    /** The LiveKit room is no longer there for the caller: say why, then hang up (the IVR's message). */
    private void leaveLiveKitRoom(LiveKitRooms.Ending how, String why) {
        if (state == CallState.ENDED) return;
        log.info("leaving LiveKit room {}: {}", roomName, why);
        endReason = how == LiveKitRooms.Ending.CLOSED ? EndReason.ROOM_CLOSED : EndReason.ERROR;
        if (liveKit != null) liveKit.close(); // out of the room's mix before the IVR takes the caller
        if (services.prompts() == null) {
            leg.hangup();
            return;
        }
        if (ivr != null) ivr.close(); // the PIN's, closed when the caller joined
        ivr = newIvr(media, language);
        ivr.playMessage(how == LiveKitRooms.Ending.CLOSED ? "closed" : "unavailable"); // then hangup(String)
    }

    /** A prompt in the call's language, or null when there are none (or this one is broken: logged). */
    private Prompt prompt(String name) {
        if (services.prompts() == null) return null;
        try {
            return services.prompts().get(language, name);
        } catch (RuntimeException e) {
            log.error("prompt {}/{} cannot be played: {}", language, name, e.getMessage());
            return null;
        }
    }

    // ---- IvrSession.Outcome (on the call's executor) ----

    @Override
    public void join(String room) {
        if (state != CallState.IN_IVR) return;
        ivr.close();
        if (!transition(CallState.Event.JOINED)) return;
        log.info("PIN accepted: joining room {}", room);
        enterRoom(room, null);
    }

    @Override
    public void hangup(String reason) {
        if (state == CallState.ENDED) return;
        if (state == CallState.REFUSING) {
            leg.reject(503, UNAVAILABLE_PHRASE); // the message was early media: now the final answer
            return;
        }
        log.info("IVR ends the call: {}", reason);
        if (endReason == null) endReason = EndReason.IVR_HANGUP; // a closed room's message keeps ROOM_CLOSED
        leg.hangup();
    }

    // ---- SipLeg.Listener ----

    @Override
    public void onRtp(RtpPacket packet) {
        AudioParticipant.deliver(media, packet);
    }

    @Override
    public void onDtmf(char digit, int durationMs) {
        withCallId(() -> {
            log.debug("DTMF ({} ms)", durationMs); // digits may be a PIN: never logged
            if (ivr != null && state == CallState.IN_IVR) {
                ivr.outOfBandDigit(digit);
            } else if (liveKit != null && state == CallState.IN_ROOM && !liveKit.sendDtmf(digit)) {
                log.info("DTMF not relayed to the LiveKit room: its data channel is not open");
            }
        });
    }

    @Override
    public void onHoldChanged(boolean held) {
        withCallId(() -> {
            log.info(held ? "caller put the call on hold" : "caller resumed the call");
            AudioParticipant p = media;
            if (p != null) p.setHeld(held);
        });
    }

    @Override
    public void onEnded(SipLeg.EndReason reason) {
        withCallId(() -> end(EndReason.of(reason)));
    }

    /** Ends the call from the gateway side (shutdown, admin). */
    public void hangup(EndReason reason) {
        leg.executor().execute(() -> withCallId(() -> {
            if (state == CallState.ENDED) return;
            endReason = reason;
            leg.hangup(); // onEnded follows and finds the reason already set
        }));
    }

    private void end(EndReason reason) {
        CallState before = state;
        if (!transition(CallState.Event.ENDED)) return;
        if (endReason == null) endReason = reason;
        if (ivr != null) ivr.close();
        if (liveKit != null) liveKit.close();
        AudioParticipant p = media;
        if (p != null) {
            if (before == CallState.IN_ROOM && roomName != null && liveKit == null) services.rooms().leave(roomName, p);
            p.close();
        }
        registry.remove(this);
        log.info("call ended: {} after {} s", endReason,
                java.time.Duration.between(started, Instant.now()).toSeconds());
    }

    private boolean transition(CallState.Event e) {
        CallState next = state.on(e);
        if (next == null) {
            log.debug("ignored {} in state {}", e, state);
            return false;
        }
        state = next;
        return true;
    }

    private void withCallId(Runnable r) {
        MDC.put("call", leg.callId());
        try {
            r.run();
        } finally {
            MDC.remove("call");
        }
    }
}
