package org.passerelle.gateway.call;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.config.Telephony;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.SipServer;
import org.passerelle.sip.outbound.OutboundCall;
import org.passerelle.sip.trunk.OutboundTrunk;

/**
 * Dial-outs in progress and recently ended (kept a while so the API can report how they ended).
 * The outbound trunk is the one named, else the one whose prefix matches the number longest.
 */
public final class DialOuts {
    /** Ended dial-outs stay visible this long. */
    static final Duration KEEP_ENDED = Duration.ofMinutes(10);
    static final int MAX_KEPT = 1000;

    /** A request that cannot be placed, in words for the API's 400/409/503. */
    public static final class DialException extends Exception {
        private final int httpStatus;

        DialException(int httpStatus, String message) {
            super(message);
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Supplier<Telephony> telephony;
    private final Supplier<SipServer> sip;
    private final RoomRegistry rooms;
    private final Map<String, DialOut> dials = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public DialOuts(Supplier<Telephony> telephony, Supplier<SipServer> sip, RoomRegistry rooms) {
        this.telephony = telephony;
        this.sip = sip;
        this.rooms = rooms;
    }

    /**
     * Calls {@code to} (a phone number in any usual form, or a sip: URI) into {@code room}.
     *
     * @param trunkName the outbound trunk, or null to choose by number prefix
     * @param callerId  the number shown to the callee, or null for the trunk's
     */
    public DialOut dial(String room, String to, String trunkName, String callerId) throws DialException {
        if (!DialPlan.isValidRoomName(room)) throw new DialException(400, "invalid room name: " + room);
        if (to == null || to.isBlank() || to.length() > 256) throw new DialException(400, "\"to\" is required");
        Telephony t = telephony.get();
        boolean uri = to.startsWith("sip:") || to.startsWith("sips:");
        String target = uri ? to : t.dialPlan().normalize(to);
        if (!uri && !target.matches("\\+?[0-9]{2,20}")) {
            throw new DialException(400, "\"to\" must be a phone number or a sip: URI, not " + to);
        }
        OutboundTrunk trunk = chooseTrunk(t.outbound(), trunkName, target);
        switch (rooms.check(room)) {
            case OK -> { }
            case ROOM_FULL -> throw new DialException(409, "room " + room + " is full");
            case GATEWAY_FULL -> throw new DialException(503, "too many rooms are open");
        }
        prune();
        String id = "dial-" + HexFormat.of().formatHex(bytes());
        DialOut d = new DialOut(id, room, target, trunk.name(), rooms);
        try {
            OutboundCall call = sip.get().dial(trunk, target, callerId, null, d);
            d.attach(call);
        } catch (IOException e) {
            throw new DialException(503, "cannot dial now: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new DialException(400, e.getMessage());
        }
        dials.put(id, d);
        return d;
    }

    private byte[] bytes() {
        byte[] b = new byte[6];
        random.nextBytes(b);
        return b;
    }

    static OutboundTrunk chooseTrunk(List<OutboundTrunk> trunks, String name, String target) throws DialException {
        if (trunks.isEmpty()) throw new DialException(400, "no outbound trunk is configured (trunks.outbound)");
        if (name != null) {
            return trunks.stream().filter(tr -> tr.name().equals(name)).findFirst()
                    .orElseThrow(() -> new DialException(400, "no outbound trunk is named " + name));
        }
        if (target.startsWith("sip")) {
            // A URI has no number prefix: the trunk that serves any number, else the only trunk.
            for (OutboundTrunk tr : trunks) if (tr.prefixes().isEmpty()) return tr;
            if (trunks.size() == 1) return trunks.get(0);
            throw new DialException(400, "several outbound trunks: name one (\"trunk\") to dial " + target);
        }
        OutboundTrunk best = null;
        int bestLength = -1;
        for (OutboundTrunk tr : trunks) {
            if (tr.prefixes().isEmpty() && bestLength < 0) {
                best = tr;
                bestLength = 0;
            }
            for (String p : tr.prefixes()) {
                if (target.startsWith(p) && p.length() > bestLength) {
                    best = tr;
                    bestLength = p.length();
                }
            }
        }
        if (best == null) throw new DialException(400, "no outbound trunk serves " + target);
        return best;
    }

    public Optional<DialOut> get(String id) {
        return Optional.ofNullable(dials.get(id));
    }

    public List<DialOut> all() {
        return dials.values().stream().sorted(Comparator.comparing(DialOut::started)).toList();
    }

    /** Forgets dial-outs ended long ago, and the oldest ended ones beyond the cap. */
    private void prune() {
        Instant cutoff = Instant.now().minus(KEEP_ENDED);
        dials.values().removeIf(d -> d.ended() != null && d.ended().isBefore(cutoff));
        if (dials.size() >= MAX_KEPT) {
            dials.values().stream().filter(d -> d.ended() != null).sorted(Comparator.comparing(DialOut::ended))
                    .limit(dials.size() - MAX_KEPT + 1L).map(DialOut::id).toList().forEach(dials::remove);
        }
    }
}
