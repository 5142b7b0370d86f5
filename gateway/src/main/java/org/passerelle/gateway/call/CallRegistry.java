package org.passerelle.gateway.call;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.dialplan.Rule;
import org.passerelle.dialplan.Explanation;
import org.passerelle.gateway.config.Telephony;
import org.passerelle.gateway.livekit.LiveKitDialPlan;
import org.passerelle.gateway.ivr.PinDirectory;
import org.passerelle.sip.trunk.InboundTrunk;
import java.util.HashMap;
import java.util.Locale;
import java.util.function.Supplier;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.SipCallHandler;
import org.passerelle.sip.SipLeg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Receives new SIP calls, checks the trunk's numbers, asks the dial plan what to do, and keeps the
 * calls in progress. The telephony config is read per call, so a reload applies to the next call
 * and never touches calls in progress.
 */
public final class CallRegistry implements SipCallHandler {
    private static final Logger log = LoggerFactory.getLogger(CallRegistry.class);

    private final Supplier<Telephony> telephony;
    private final RoomRegistry rooms;
    private final CallServices services;
    private final Supplier<LiveKitDialPlan> liveKitPlan;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    public CallRegistry(Supplier<Telephony> telephony, CallServices services) {
        this(telephony, services, LiveKitDialPlan::empty);
    }

    /**
     * @param liveKitPlan the rules read from the LiveKit server's SIP API (livekit.dialPlan), tried
     *                    after the local rules; the current set is read per call
     */
    public CallRegistry(Supplier<Telephony> telephony, CallServices services, Supplier<LiveKitDialPlan> liveKitPlan) {
        this.telephony = telephony;
        this.rooms = services.rooms();
        this.services = services;
        this.liveKitPlan = liveKitPlan;
    }

    /** The decision for a call and why: the local rules, then the LiveKit server's, then the fallback. */
    public static Explanation explain(Telephony t, LiveKitDialPlan liveKit, CallFacts facts) {
        return liveKit == null ? t.dialPlan().explain(facts) : liveKit.explainAfter(t.dialPlan(), facts);
    }

    /** A PIN directory of the config, else of the LiveKit rules ({@code livekit:<trunk>}), or null. */
    public static PinDirectory pinDirectory(Telephony t, LiveKitDialPlan liveKit, String name) {
        PinDirectory d = t.pins().get(name);
        return d != null || liveKit == null ? d : liveKit.pinDirectory(name);
    }

    /** A registry with one fixed dial plan and no IVR services (tests, tools). */
    public CallRegistry(DialPlan dialPlan, RoomRegistry rooms) {
        this(() -> new Telephony(List.of(), List.of(), true, dialPlan, Map.of(), Telephony.Ivr.defaults()),
                new CallServices(rooms, null, null, null, Telephony.Ivr.defaults().digitTimeout()));
    }

    @Override
    public void onIncomingCall(SipLeg leg) {
        MDC.put("call", leg.callId());
        try {
            Telephony t = telephony.get();
            LiveKitDialPlan liveKit = liveKitPlan.get();
            DialPlan plan = t.dialPlan();
            if (!servesNumber(t, liveKit, leg.trunk(), plan.normalize(leg.requestUser()))) {
                log.info("INVITE through trunk {} to a number it does not serve: 404", leg.trunk());
                leg.reject(404, "Not Found");
                return;
            }
            Map<String, String> headers = new HashMap<>();
            for (Rule r : plan.rules()) {
                for (String name : r.match().headers().keySet()) {
                    String v = leg.header(name);
                    if (v != null) headers.put(name.toLowerCase(Locale.ROOT), v);
                }
            }
            CallFacts facts = new CallFacts(leg.requestUser(), leg.fromUser(), leg.fromDisplayName(),
                    leg.remoteSignallingAddress().getAddress().getHostAddress(), headers, leg.trunk());
            Explanation explanation = explain(t, liveKit, facts);
            Decision decision = explanation.decision();
            log.info("INVITE from {} to {}{}: {}{}", facts.callerUser(), facts.calledUser(),
                    facts.trunk() != null ? " via trunk " + facts.trunk() : "", decision,
                    explanation.rule() != null ? " (rule " + explanation.rule() + ")" : "");
            CallPlan callPlan = switch (decision) {
                case Decision.Reject r -> {
                    leg.reject(r.sipStatus(), r.reason());
                    yield null;
                }
                case Decision.JoinRoom j -> refusedByLimits(leg, j.room()) ? null : new CallPlan.Join(j.room(), j.platform());
                case Decision.AskPin p -> {
                    PinDirectory dir = pinDirectory(t, liveKit, p.directory());
                    if (dir == null || services.prompts() == null) {
                        log.error("PIN directory {} is not configured: 503", p.directory());
                        leg.reject(503, "Service Unavailable");
                        yield null;
                    }
                    yield new CallPlan.Pin(p, dir);
                }
                case Decision.PlayMessage m -> {
                    if (services.prompts() == null) {
                        leg.reject(503, "Service Unavailable");
                        yield null;
                    }
                    yield new CallPlan.Message(m.prompt(), m.language());
                }
            };
            if (callPlan == null) return;
            Call call = new Call(leg, callPlan, services, this);
            calls.put(leg.callId(), call);
            leg.setListener(call);
            call.accept();
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

    /**
     * A trunk that lists its numbers (DIDs) only takes calls to them, and to the numbers of the
     * LiveKit server's inbound trunks (the DIDs a Meet deployment declared there).
     */
    private static boolean servesNumber(Telephony t, LiveKitDialPlan liveKit, String trunk, String called) {
        if (trunk == null) return true;
        if (liveKit != null && liveKit.hasNumber(t.dialPlan(), called)) return true;
        for (InboundTrunk it : t.inbound()) {
            if (!it.name().equals(trunk)) continue;
            if (it.numbers().isEmpty()) return true;
            for (String n : it.numbers()) {
                if (t.dialPlan().normalize(n).equals(called)) return true;
            }
            return false;
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
