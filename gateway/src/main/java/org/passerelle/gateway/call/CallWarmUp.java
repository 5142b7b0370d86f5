package org.passerelle.gateway.call;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.dialplan.Explanation;
import org.passerelle.gateway.config.Telephony;
import org.passerelle.gateway.livekit.LiveKitDialPlan;
import org.passerelle.gateway.room.RoomLimits;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.SipLeg;
import org.passerelle.sip.trunk.InboundTrunk;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the gateway's side of a call a few times at start-up, before SIP accepts calls, so the
 * first real INVITEs do not load and link it on the SIP threads, several at once under the class
 * loader's lock (measured on the load harness at 100 calls/s: the first five calls' dial plan and
 * {@code Call} took 7–25 ms each between the INVITE and the routing decision).
 *
 * <p>Two parts, both through the production entry points:
 * <ul>
 *   <li>the configured dial plan (local rules, then LiveKit's) explains a few sample requests, as
 *       {@link CallRegistry#explain} does for a call, and the decision is written as the call's log
 *       line would write it. This is pure: the dial plan does no I/O.</li>
 *   <li>{@link CallRegistry#onIncomingCall} runs for two warm-up legs that meet in one embedded
 *       room: dial plan, limits, {@link Call} and its states, ringing and answer, join on ACK, then
 *       BYE, leave and close. It uses a registry and rooms of its own with the built-in dial plan,
 *       so it never reaches LiveKit, the IVR, the media clock or anything the HTTP API or the
 *       metrics show: when it returns, nothing of it remains.</li>
 * </ul>
 * Its log lines carry the MDC key {@value #MDC_KEY} and are dropped by a turbo filter in
 * {@code logback.xml}, so it logs one DEBUG line in all. A failure is logged and ignored: calls
 * then pay the cost themselves, the gateway starts all the same.
 */
public final class CallWarmUp {
    private static final Logger log = LoggerFactory.getLogger(CallWarmUp.class);
    /** Set in the MDC (value "true") while warm-up calls run; logback.xml drops their lines. */
    public static final String MDC_KEY = "warm-up";
    /** Rounds of two calls: the first pays the class loading, the next ones feed the profiles; a few ms in all. */
    static final int ROUNDS = 20;
    /** The warm-up room: valid for the built-in dial plan, never seen outside the warm-up's own registry. */
    public static final String ROOM = "passerelle-warm-up";

    private CallWarmUp() {}

    /** What one run did: sample requests routed by the configured dial plan, and warm-up calls that went from INVITE to BYE. */
    public record Result(int routed, int calls) {}

    /**
     * Runs the warm-up; never throws.
     *
     * @param telephony the config in force (its dial plan and trunks are only read)
     * @param liveKit   the LiveKit server's rules (livekit.dialPlan), or null
     * @param limits    the gateway's room limits, applied to the warm-up's own rooms
     */
    public static Result run(Telephony telephony, LiveKitDialPlan liveKit, RoomLimits limits) {
        long start = System.nanoTime();
        int routed = 0;
        int calls = 0;
        try {
            MDC.put(MDC_KEY, "true");
            try {
                routed = route(telephony, liveKit);
                RoomRegistry rooms = new RoomRegistry(r -> { }, r -> { }, limits);
                calls = callThroughRoom(new CallRegistry(DialPlan.builtIn(), rooms), rooms);
            } finally {
                MDC.remove(MDC_KEY);
            }
        } catch (RuntimeException | LinkageError e) {
            // Outside the MDC key, or logback.xml would drop this line too.
            log.info("call warm-up stopped after {} requests routed, {} calls: {}", routed, calls, e.toString());
        }
        log.debug("call warm-up: {} requests routed, {} calls in {} ms", routed, calls,
                (System.nanoTime() - start) / 1_000_000);
        return new Result(routed, calls);
    }

    /**
     * The configured dial plan decides for a direct call to a room name and for a national number
     * through no trunk and through each inbound trunk; returns the decisions made.
     */
    static int route(Telephony t, LiveKitDialPlan liveKit) {
        List<String> trunks = new ArrayList<>();
        trunks.add(null);
        for (InboundTrunk it : t.inbound()) trunks.add(it.name());
        int n = 0;
        for (int i = 0; i < ROUNDS; i++) {
            for (String trunk : trunks) {
                n += decided(t, liveKit, new CallFacts(ROOM, "+33100000000", "Warm Up", "127.0.0.1", Map.of(), trunk));
                n += decided(t, liveKit, new CallFacts("0100000000", "0600000000", null, "127.0.0.1", Map.of(), trunk));
            }
        }
        return n;
    }

    private static int decided(Telephony t, LiveKitDialPlan liveKit, CallFacts facts) {
        Explanation e = CallRegistry.explain(t, liveKit, facts);
        // What CallRegistry's log line prints: the decision (a record's toString) and its rule.
        String line = e.decision() + (e.rule() != null ? " (rule " + e.rule() + ")" : "");
        return line.isEmpty() ? 0 : 1;
    }

    /**
     * Two legs per round into one room of a private registry: the first opens it, the second
     * joins it; both hang up, which closes it. Returns the legs that were answered, joined and
     * ended. Throws when a call or room is left in the registries it was given.
     */
    static int callThroughRoom(CallRegistry registry, RoomRegistry rooms) {
        AudioCodec[] codecs = AudioCodec.values();
        int done = 0;
        for (int i = 0; i < ROUNDS; i++) {
            WarmUpLeg a = new WarmUpLeg(i, 'a', codecs[i % codecs.length]);
            WarmUpLeg b = new WarmUpLeg(i, 'b', codecs[(i + 1) % codecs.length]);
            try {
                registry.onIncomingCall(a);
                a.acknowledged();
                registry.onIncomingCall(b);
                b.acknowledged();
                boolean bothIn = rooms.participantCount(ROOM) == 2;
                b.bye();
                a.bye();
                if (bothIn && a.endedAnswered() && b.endedAnswered()) done += 2;
            } finally {
                // Whatever went wrong above, no call stays in the warm-up's registry.
                a.bye();
                b.bye();
            }
        }
        if (registry.size() != 0 || !rooms.names().isEmpty()) {
            throw new IllegalStateException("warm-up calls left " + registry.size() + " calls, rooms " + rooms.names());
        }
        return done;
    }

    /** The SIP side of a warm-up call: answers as told, runs everything at once on the caller's thread. */
    private static final class WarmUpLeg implements SipLeg {
        private static final InetSocketAddress SOURCE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5060);
        private static final Executor NOW = Runnable::run;
        private final String callId;
        private final AudioCodec codec;
        private final RtpPacketPool pool = new RtpPacketPool(2);
        private Listener listener;
        private boolean answered;
        private boolean ended;

        WarmUpLeg(int round, char side, AudioCodec codec) {
            this.callId = "warm-up-" + round + side;
            this.codec = codec;
        }

        /** The ACK: the call is up. */
        void acknowledged() {
            if (answered && listener != null) listener.onEstablished();
        }

        /** The phone hangs up (once). */
        void bye() {
            end(EndReason.REMOTE_BYE);
        }

        boolean endedAnswered() {
            return answered && ended;
        }

        private void end(EndReason reason) {
            if (ended) return;
            ended = true;
            if (listener != null) listener.onEnded(reason);
        }

        @Override public String callId() { return callId; }
        @Override public String requestUser() { return ROOM; }
        @Override public String fromUser() { return "+33100000000"; }
        @Override public String fromDisplayName() { return "Warm Up"; }
        @Override public InetSocketAddress remoteSignallingAddress() { return SOURCE; }
        @Override public Executor executor() { return NOW; }
        @Override public void setListener(Listener l) { listener = l; }
        @Override public void ringing() { }
        @Override public void answer() { answered = true; }
        @Override public void reject(int statusCode, String reason) { end(EndReason.REJECTED); }
        @Override public void hangup() { end(EndReason.LOCAL_HANGUP); }
        @Override public AudioCodec codec() { return codec; }
        @Override public int ptimeMs() { return 20; }
        @Override public boolean onHold() { return false; }
        @Override public RtpPacketPool packetPool() { return pool; }
        @Override public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) { packet.release(); }
        @Override public boolean sendDtmf(char digit, int durationMs) { return true; }
    }
}
