package org.passerelle.gateway.call;

import java.time.Instant;
import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.room.RoomLimitException;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.SipLeg;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One inbound call, from the dial plan's decision to its end: it listens to its SIP leg and puts
 * the caller in the room once the call is established. Signalling events arrive on the leg's
 * serial executor, so state needs no lock; RTP arrives on the network thread and goes straight
 * to the media participant.
 */
public final class Call implements SipLeg.Listener {
    private static final Logger log = LoggerFactory.getLogger(Call.class);

    private final SipLeg leg;
    private final String roomName;
    private final RoomRegistry rooms;
    private final CallRegistry registry;
    private final Instant started = Instant.now();
    private volatile CallState state = CallState.ROUTING;
    private volatile AudioParticipant media;
    private volatile EndReason endReason;

    Call(SipLeg leg, String roomName, RoomRegistry rooms, CallRegistry registry) {
        this.leg = leg;
        this.roomName = roomName;
        this.rooms = rooms;
        this.registry = registry;
    }

    public String id() { return leg.callId(); }
    public String roomName() { return roomName; }
    public CallState state() { return state; }
    public EndReason endReason() { return endReason; }
    public Instant started() { return started; }
    public String caller() { return leg.fromUser(); }

    /** The dial plan said join: ring and answer. */
    void accept() {
        if (!transition(CallState.Event.ACCEPTED)) return;
        leg.ringing();
        leg.answer();
    }

    @Override
    public void onEstablished() {
        withCallId(() -> {
            if (!transition(CallState.Event.ESTABLISHED)) return;
            AudioParticipant p = AudioParticipant.forSipLeg(leg);
            media = p;
            try {
                rooms.join(roomName, p);
            } catch (RoomLimitException e) {
                // The room filled between our 200 OK and the ACK: nothing better than hanging up.
                log.info("cannot join: {}", e.getMessage());
                endReason = EndReason.ROOM_FULL;
                leg.hangup();
                return;
            }
            log.info("call up: {} in room {} with {}", leg.fromUser(), roomName, leg.codec());
        });
    }

    @Override
    public void onRtp(RtpPacket packet) {
        AudioParticipant p = media;
        if (p != null) {
            p.onRtp(packet);
        } else {
            packet.release();
        }
    }

    @Override
    public void onDtmf(char digit, int durationMs) {
        withCallId(() -> log.info("DTMF {} ({} ms)", digit, durationMs));
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
        AudioParticipant p = media;
        if (before == CallState.IN_ROOM && p != null) {
            rooms.leave(roomName, p);
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
