package org.passerelle.webrtc.sctp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Two associations joined by an in-memory link with a fake clock: packets take 1 ms plus a
 * seeded random jitter (which reorders them) and are lost with a seeded probability.
 */
final class SctpLink {
    /** One side: its association and what it delivered. */
    static final class Side implements SctpAssociation.Output {
        final String name;
        SctpAssociation assoc;
        SctpLink link;
        Side peer;
        final List<Message> messages = new ArrayList<>();
        final List<int[]> incomingResets = new ArrayList<>();
        final List<int[]> outgoingResets = new ArrayList<>();
        int established;
        String closedReason;
        int packetsSent;
        /** Drops matching outgoing packets (on top of random loss). */
        Predicate<byte[]> drop = p -> false;

        Side(String name) { this.name = name; }

        @Override public void sendPacket(byte[] b, int off, int len) {
            packetsSent++;
            byte[] copy = Arrays.copyOfRange(b, off, off + len);
            if (drop.test(copy)) return;
            link.transmit(this, copy);
        }
        @Override public void onEstablished() { established++; }
        @Override public void onMessage(int stream, int ppid, byte[] data) { messages.add(new Message(stream, ppid, data)); }
        @Override public void onIncomingStreamsReset(int[] streams) { incomingResets.add(streams); }
        @Override public void onOutgoingStreamsReset(int[] streams) { outgoingResets.add(streams); }
        @Override public void onClosed(String reason) { closedReason = reason; }
    }

    record Message(int stream, int ppid, byte[] data) {}

    private record InFlight(long at, long seq, Side to, byte[] packet) {}

    final Side a = new Side("a"), b = new Side("b");
    long now = 1_000_000_000L;
    double loss;
    long jitterNanos;
    private final Random random;
    private long seq;
    private final PriorityQueue<InFlight> wire = new PriorityQueue<>(
            (x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
    long delivered, lost;

    SctpLink(long seed, SctpAssociation.Config config) {
        this(seed, config, config);
    }

    SctpLink(long seed, SctpAssociation.Config ca, SctpAssociation.Config cb) {
        random = new Random(seed);
        a.assoc = new SctpAssociation(ca, a, new Random(seed + 1));
        b.assoc = new SctpAssociation(cb, b, new Random(seed + 2));
        a.link = b.link = this;
        a.peer = b;
        b.peer = a;
    }

    void transmit(Side from, byte[] packet) {
        if (loss > 0 && random.nextDouble() < loss) { lost++; return; }
        long delay = 1_000_000L + (jitterNanos > 0 ? (long) (random.nextDouble() * jitterNanos) : 0);
        wire.add(new InFlight(now + delay, seq++, from.peer, packet));
    }

    /** Runs events until {@code done} or {@code maxNanos} of simulated time passed; returns done. */
    boolean runUntil(BooleanSupplier done, long maxNanos) {
        long end = now + maxNanos;
        while (!done.getAsBoolean()) {
            long next = Math.min(a.assoc.nextTimeoutNanos(), b.assoc.nextTimeoutNanos());
            InFlight p = wire.peek();
            if (p != null && p.at <= next) {
                if (p.at > end) return false;
                wire.poll();
                now = Math.max(now, p.at);
                delivered++;
                p.to.assoc.feed(p.packet, 0, p.packet.length, now);
            } else if (next != Long.MAX_VALUE) {
                if (next > end) return false;
                now = Math.max(now, next);
                if (a.assoc.nextTimeoutNanos() <= now) a.assoc.onTimer(now);
                if (b.assoc.nextTimeoutNanos() <= now) b.assoc.onTimer(now);
            } else {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs until nothing is in flight and no timer is due within {@code maxNanos}. */
    void settle(long maxNanos) {
        runUntil(() -> false, maxNanos);
    }

    boolean connect() {
        a.assoc.connect(now);
        return runUntil(() -> a.assoc.isEstablished() && b.assoc.isEstablished(), 10_000_000_000L);
    }
}
