package org.passerelle.sip.trunk;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The inbound trunks in their configured order, each with its compiled allow-list, and the calls
 * in progress per trunk. The trunk list can be replaced (config reload) while counts of calls in
 * progress carry over by trunk name.
 */
public final class InboundTrunks {
    private record Compiled(InboundTrunk trunk, AddressMatcher sources) {}

    private volatile List<Compiled> trunks;
    private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException when a trunk's allowedSources has an entry that is no IP or CIDR */
    public InboundTrunks(List<InboundTrunk> trunks) {
        this.trunks = compile(trunks);
    }

    /** Replaces the trunk list; calls in progress keep their slots. */
    public void replace(List<InboundTrunk> newTrunks) {
        this.trunks = compile(newTrunks);
    }

    private static List<Compiled> compile(List<InboundTrunk> trunks) {
        List<Compiled> out = new ArrayList<>(trunks.size());
        for (InboundTrunk t : trunks) {
            try {
                out.add(new Compiled(t, AddressMatcher.parse(t.allowedSources())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trunk " + t.name() + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    public boolean isEmpty() {
        return trunks.isEmpty();
    }

    /** The first trunk whose allowed sources contain {@code source}, or null. */
    public InboundTrunk classify(InetAddress source) {
        for (Compiled c : trunks) {
            if (c.sources().matches(source)) return c.trunk();
        }
        return null;
    }

    /** Takes one call slot of the trunk; false when its maxCalls are in progress (≤ 0: no limit). */
    public boolean tryAcquire(InboundTrunk trunk) {
        AtomicInteger n = active.computeIfAbsent(trunk.name(), k -> new AtomicInteger());
        if (n.incrementAndGet() > trunk.maxCalls() && trunk.maxCalls() > 0) {
            n.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release(String trunkName) {
        AtomicInteger n = active.get(trunkName);
        if (n != null) n.decrementAndGet();
    }

    /** Calls in progress through the trunk. */
    public int activeCalls(String trunkName) {
        AtomicInteger n = active.get(trunkName);
        return n == null ? 0 : n.get();
    }
}
