package org.passerelle.gateway.call;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.SipCallHandler;
import org.passerelle.sip.SipLeg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Receives new SIP calls, asks the dial plan what to do, and keeps the calls in progress. */
public final class CallRegistry implements SipCallHandler {
    private static final Logger log = LoggerFactory.getLogger(CallRegistry.class);

    private final DialPlan dialPlan;
    private final RoomRegistry rooms;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    public CallRegistry(DialPlan dialPlan, RoomRegistry rooms) {
        this.dialPlan = dialPlan;
        this.rooms = rooms;
    }

    @Override
    public void onIncomingCall(SipLeg leg) {
        MDC.put("call", leg.callId());
        try {
            CallFacts facts = new CallFacts(leg.requestUser(), leg.fromUser(), leg.fromDisplayName(),
                    leg.remoteSignallingAddress().getAddress().getHostAddress(), Map.of());
            Decision decision = dialPlan.route(facts);
            log.info("INVITE from {} to {}: {}", facts.callerUser(), facts.calledUser(), decision);
            switch (decision) {
                case Decision.Reject r -> leg.reject(r.sipStatus(), r.reason());
                case Decision.AskPin p -> leg.reject(480, "PIN entry not available yet");
                case Decision.PlayMessage p -> leg.reject(480, "Messages not available yet");
                case Decision.JoinRoom j -> {
                    if (refusedByLimits(leg, j.room())) return;
                    Call call = new Call(leg, j.room(), rooms, this);
                    calls.put(leg.callId(), call);
                    leg.setListener(call);
                    call.accept();
                }
            }
        } finally {
            MDC.remove("call");
        }
    }

    /** Rejects the INVITE when the room or the gateway is at its limit; true when rejected. */
    private boolean refusedByLimits(SipLeg leg, String room) {
        switch (rooms.check(room)) {
            case OK -> {
                return false;
            }
            case ROOM_FULL -> {
                // RFC 3261 §21.4.24: 486 Busy Here, the callee (the room) cannot take another call.
                log.info("room {} is full ({} participants): 486", room, rooms.limits().maxParticipants());
                leg.reject(486, "Room full");
            }
            case GATEWAY_FULL -> {
                // RFC 3261 §21.5.4: 503, a temporary overload of the gateway, not of the room.
                log.info("too many rooms open ({}): 503", rooms.limits().maxRooms());
                leg.reject(503, "Too many rooms");
            }
        }
        return true;
    }

    void remove(Call call) {
        calls.remove(call.id(), call);
    }

    public Collection<Call> calls() {
        return List.copyOf(calls.values());
    }

    public int size() {
        return calls.size();
    }

    /** Hangs up every call (gateway shutdown). */
    public void hangupAll() {
        for (Call c : calls()) c.hangup(EndReason.SHUTDOWN);
    }
}
