package org.passerelle.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.ivr.PinDirectory;
import org.passerelle.sip.trunk.InboundTrunk;
import org.passerelle.sip.trunk.OutboundTrunk;

/**
 * The telephony part of the config: trunks, the dial plan, PIN directories and the IVR. It can be
 * replaced while the gateway runs (reload); calls in progress keep what they started with.
 *
 * @param inbound     where calls may come from
 * @param outbound    where calls go out
 * @param directCalls whether sources matching no inbound trunk may call
 * @param dialPlan    the routing rules
 * @param pins        PIN directories by name
 * @param ivr         prompts and lockout
 * @param livekit     when set, calls join rooms of this LiveKit server instead of embedded rooms
 * @param liveKitDialPlanRefresh when set (livekit.dialPlan: true), the LiveKit server's SIP trunks and
 *                    dispatch rules are dial-plan rules too (after ours), read again this often
 */
public record Telephony(List<InboundTrunk> inbound, List<OutboundTrunk> outbound, boolean directCalls,
                        DialPlan dialPlan, Map<String, PinDirectory> pins, Ivr ivr,
                        org.passerelle.gateway.livekit.LiveKitConfig livekit, Duration liveKitDialPlanRefresh,
                        boolean liveKitWaitingPrompt) {

    /** LiveKit rooms with the "waiting for others" prompt. */
    public Telephony(List<InboundTrunk> inbound, List<OutboundTrunk> outbound, boolean directCalls,
                     DialPlan dialPlan, Map<String, PinDirectory> pins, Ivr ivr,
                     org.passerelle.gateway.livekit.LiveKitConfig livekit, Duration liveKitDialPlanRefresh) {
        this(inbound, outbound, directCalls, dialPlan, pins, ivr, livekit, liveKitDialPlanRefresh, true);
    }

    /** LiveKit rooms, with only local dial-plan rules. */
    public Telephony(List<InboundTrunk> inbound, List<OutboundTrunk> outbound, boolean directCalls,
                     DialPlan dialPlan, Map<String, PinDirectory> pins, Ivr ivr,
                     org.passerelle.gateway.livekit.LiveKitConfig livekit) {
        this(inbound, outbound, directCalls, dialPlan, pins, ivr, livekit, null, true);
    }

    /** Without LiveKit: rooms are the gateway's own. */
    public Telephony(List<InboundTrunk> inbound, List<OutboundTrunk> outbound, boolean directCalls,
                     DialPlan dialPlan, Map<String, PinDirectory> pins, Ivr ivr) {
        this(inbound, outbound, directCalls, dialPlan, pins, ivr, null, null, true);
    }

    public Telephony {
        inbound = List.copyOf(inbound);
        outbound = List.copyOf(outbound);
        pins = Map.copyOf(pins);
        if (liveKitDialPlanRefresh != null && livekit == null) {
            throw new IllegalArgumentException("a LiveKit dial plan needs a LiveKit server");
        }
    }

    /**
     * @param promptsDir     admin's own prompts (prompts-dir/LANG/NAME.wav), or null
     * @param digitTimeout   silence while typing a PIN before it is taken as typed
     * @param lockFailures   wrong PINs from one caller or address...
     * @param lockWindow     ...within this window...
     * @param lockDuration   ...lock it out this long
     */
    public record Ivr(Path promptsDir, Duration digitTimeout, int lockFailures, Duration lockWindow,
                      Duration lockDuration) {
        public static Ivr defaults() {
            return new Ivr(null, Duration.ofSeconds(10), 5, Duration.ofMinutes(10), Duration.ofMinutes(15));
        }
    }

    private static final Telephony DEFAULTS =
            new Telephony(List.of(), List.of(), true, DialPlan.builtIn(), Map.of(), Ivr.defaults());

    /** No trunks, every phone may call, rooms by name: the embedded default (one shared instance). */
    public static Telephony defaults() {
        return DEFAULTS;
    }
}
