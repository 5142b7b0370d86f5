package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.audio.JitterBuffer.Outcome;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

class JitterBufferTest {
    private static final long MS = 1_000_000L;
    private static final long SSRC = 0x11223344L;

    private final RtpPacketPool pool = new RtpPacketPool(4096);
    private long now = 1_000_000_000L;
    private JitterBuffer jb = new JitterBuffer(() -> now, 8000);
    /** Decoded audio the consumer holds, in timestamp units, and the packet length its decoder sees. */
    private long have;
    private long packetUnits = 160;
    /** Sequence numbers delivered, -1 for CONCEAL, -2 for EMPTY; WAIT is not recorded. */
    private final List<Integer> played = new ArrayList<>();

    @AfterEach
    void everyPacketReleasedExactlyOnce() {
        jb.clear();
        // The pool starts empty, so every packet ever handed out was a miss; all are back, once.
        assertEquals(pool.misses(), pool.available(), "leaked or double-released packets");
    }

    private RtpPacket packet(int seq, long ts, boolean marker, long ssrc) {
        RtpPacket p = pool.acquire();
        p.writeHeader(0, marker, seq & 0xffff, ts & 0xffffffffL, ssrc, 160);
        p.buffer()[RtpPacket.FIXED_HEADER] = (byte) seq;
        p.setArrivalNanos(now);
        return p;
    }

    private void put(int seq, long ts) {
        jb.put(packet(seq, ts, false, SSRC));
    }

    /**
     * One 20 ms consumer tick, like a decoder feeding a PCM queue: polls only while it holds less
     * than 20 ms (160 units at 8 kHz) of decoded audio, then plays 20 ms.
     */
    private void tick() {
        while (have < 160) {
            Outcome o = jb.poll();
            if (o == Outcome.WAIT) break;
            if (o == Outcome.PACKET) {
                RtpPacket p = jb.take();
                played.add(p.sequence());
                p.release();
                have += packetUnits;
            } else {
                played.add(o == Outcome.CONCEAL ? -1 : -2);
                have += jb.lastDurationUnits();
            }
        }
        have = Math.max(0, have - 160);
    }

    private void advance(long ms) {
        now += ms * MS;
    }

    @Test
    void inOrderStreamPlaysEveryPacketOnce() {
        for (int i = 0; i < 50; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        assertEquals(50, played.size());
        for (int i = 0; i < 50; i++) assertEquals(i, played.get(i));
        assertEquals(0, jb.lost());
        assertEquals(0, jb.late());
        assertEquals(160, jb.frameUnits());
        assertEquals(20, jb.targetDelayMs());
        assertEquals(0.0, jb.jitterMs(), 1e-9);
        assertEquals(50, jb.received());
    }

    @Test
    void beforeTheFirstPacketThereIsNothing() {
        assertEquals(Outcome.EMPTY, jb.poll());
        assertThrows(IllegalStateException.class, jb::take);
        assertEquals(0, jb.currentDelayMs());
    }

    @Test
    void reorderedPacketsComeOutInTimestampOrder() {
        jb = new JitterBuffer(() -> now, new JitterBuffer.Config(8000, 60, 200, 64, 20));
        // Sent every 20 ms; seq 1, 4 and 8 are held 25 ms by the network and overtaken.
        List<long[]> net = new ArrayList<>();
        for (int i = 0; i < 12; i++) net.add(new long[] {now + i * 20 * MS + (i == 1 || i == 4 || i == 8 ? 25 * MS : 0), i});
        runNetwork(net, 20);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), played.subList(0, 12));
        assertEquals(3, jb.reordered());
        assertEquals(0, jb.lost());
        assertEquals(0, jb.late());
    }

    @Test
    void missingPacketIsConcealedOnce() {
        for (int i = 0; i < 10; i++) {
            if (i != 5) put(i, 160L * i);
            tick();
            advance(20);
        }
        for (int i = 0; i < 3; i++) {
            tick();
            advance(20);
        }
        // Seq 6 arrives just when 5 is due: an underrun, then 6 plays on time.
        assertEquals(List.of(0, 1, 2, 3, 4, -2, 6, 7, 8, 9, -2, -2, -2), played);
        assertEquals(1, jb.lost());
        assertEquals(4, jb.underruns());
    }

    @Test
    void missingPacketWithLaterOnesBufferedIsConcealed() {
        jb = new JitterBuffer(() -> now, new JitterBuffer.Config(8000, 60, 200, 64, 20));
        List<long[]> net = new ArrayList<>();
        for (int i = 0; i < 10; i++) if (i != 5) net.add(new long[] {now + i * 20 * MS, i});
        runNetwork(net, 12);
        assertEquals(List.of(0, 1, 2, 3, 4, -1, 6, 7, 8, 9), played.subList(0, 10));
        assertEquals(1, jb.concealed());
        assertEquals(1, jb.lost());
    }

    @Test
    void latePacketIsReleasedAndCounted() {
        for (int i = 0; i < 5; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        // Seq 5 is delayed by 100 ms: its slot is concealed, and when it comes it is too late.
        for (int i = 6; i < 12; i++) {
            put(i, 160L * i);
            if (i == 10) put(5, 160L * 5);
            tick();
            advance(20);
        }
        assertEquals(1, jb.late());
        assertEquals(0, jb.lost(), "a late packet still counts as received (RFC 3550)");
        assertFalse(played.subList(5, played.size()).contains(5));
        assertTrue(jb.targetDelayMs() > 40, "a 100 ms spike raises the target: " + jb.targetDelayMs());
    }

    @Test
    void duplicatesAreReleasedWhetherQueuedOrAlreadyPlayed() {
        put(0, 0);
        put(0, 0);          // duplicate while queued
        tick();
        advance(20);
        put(1, 160);
        tick();
        put(0, 0);          // duplicate of a played packet
        put(1, 160);
        advance(20);
        put(2, 320);
        tick();
        assertEquals(List.of(0, 1, 2), played);
        assertEquals(3, jb.duplicate());
        assertEquals(0, jb.late());
    }

    @Test
    void sequenceAndTimestampWrapAround() {
        int seq0 = 65530;
        long ts0 = 0xFFFFFFFFL - 800;
        for (int i = 0; i < 20; i++) {
            put(seq0 + i, ts0 + 160L * i);
            tick();
            advance(20);
        }
        assertEquals(20, played.size());
        for (int i = 0; i < 20; i++) assertEquals((seq0 + i) & 0xffff, played.get(i));
        assertEquals(0, jb.lost() + jb.late() + jb.duplicate() + jb.reordered() + jb.resyncs());
        assertEquals(160, jb.frameUnits());
    }

    @Test
    void sixtyMillisecondPacketsAreTimedByTheirTimestamps() {
        packetUnits = 480;
        for (int t = 0; t < 30; t++) {
            if (t % 3 == 0) put(t / 3, 480L * (t / 3));
            tick();
            advance(20);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), played);
        assertEquals(480, jb.frameUnits());
        assertEquals(0, jb.underruns());
    }

    @Test
    void tenMillisecondPacketsAreTakenTwoPerTick() {
        packetUnits = 80;
        for (int t = 0; t < 20; t++) {
            put(2 * t, 160L * t);
            advance(10);
            put(2 * t + 1, 160L * t + 80);
            tick();
            advance(10);
        }
        assertEquals(40, played.size());
        for (int i = 0; i < 40; i++) assertEquals(i, played.get(i));
        assertEquals(80, jb.frameUnits());
    }

    @Test
    void targetDelayGrowsFastWithJitterAndShrinksSlowly() {
        Random rnd = new Random(7);
        long sendStart = now;
        int seq = 0;
        // 10 s of packets delayed by 0..100 ms, consumer ticking every 20 ms.
        List<long[]> inFlight = new ArrayList<>();
        for (int t = 0; t < 500; t++) {
            inFlight.add(new long[] {sendStart + t * 20 * MS + rnd.nextInt(100) * MS, seq++});
        }
        runNetwork(inFlight, 500);
        int grown = jb.targetDelayMs();
        assertTrue(grown >= 100 && grown <= 200, "target " + grown);
        assertTrue(jb.jitterMs() > 10, "jitter " + jb.jitterMs());
        assertTrue(jb.stretched() >= 3, "delay was grown by concealment");
        long lateAfterGrowth = jb.late();
        assertTrue(lateAfterGrowth < 25, "late " + lateAfterGrowth);

        // 30 s more with no jitter: the target decays, the delay follows by skipping frames.
        inFlight.clear();
        long t0 = now;
        for (int t = 0; t < 1500; t++) inFlight.add(new long[] {t0 + t * 20 * MS, seq++});
        runNetworkFrom(inFlight, 1500, t0);
        assertTrue(jb.targetDelayMs() <= 30, "target " + jb.targetDelayMs());
        assertTrue(jb.currentDelayMs() <= 50, "delay " + jb.currentDelayMs());
        assertTrue(jb.shrunk() > 0);
        // At most the one frame made stale by the helper's pause between the phases (the
        // consumer does not tick while the last delayed packets of phase one are delivered).
        assertTrue(jb.late() - lateAfterGrowth <= 1, "late packets once jitter stopped: " + (jb.late() - lateAfterGrowth));
    }

    /** Delivers {arrivalNanos, seq} in arrival order while the consumer ticks every 20 ms. */
    private void runNetwork(List<long[]> packets, int ticks) {
        runNetworkFrom(packets, ticks, now);
    }

    private void runNetworkFrom(List<long[]> packets, int ticks, long t0) {
        packets.sort((a, b) -> Long.compare(a[0], b[0]));
        int next = 0;
        for (int t = 0; t < ticks; t++) {
            long tickEnd = t0 + (t + 1) * 20 * MS;
            while (next < packets.size() && packets.get(next)[0] < tickEnd) {
                long[] pk = packets.get(next++);
                now = Math.max(now, pk[0]);
                put((int) pk[1], 160L * pk[1]);
            }
            now = tickEnd;
            tick();
        }
        while (next < packets.size()) {
            long[] pk = packets.get(next++);
            now = Math.max(now, pk[0]);
            put((int) pk[1], 160L * pk[1]);
        }
    }

    @Test
    void floodIsBoundedAndReleasesTheOldest() {
        int capacity = jb.config().capacity();
        for (int i = 0; i < capacity + 36; i++) put(i, 160L * i); // consumer stalled, no time passes
        assertEquals(capacity, jb.size());
        assertEquals(36, jb.overflow());
        // Released packets went back to the pool and were reused: only capacity + 1 ever existed.
        assertEquals(capacity + 1, pool.misses());
        assertEquals(Outcome.CONCEAL, jb.poll()); // the head is gone: its frame is concealed
        for (int i = 0; i < 150; i++) {
            tick();
            advance(20);
        }
        // The oldest 36 are gone for good; what plays is the newest part of the flood, in order.
        List<Integer> got = played.stream().filter(q -> q >= 0).toList();
        assertTrue(got.get(0) >= 36 && got.get(got.size() - 1) == capacity + 35, "played " + got);
        for (int i = 1; i < got.size(); i++) assertTrue(got.get(i) > got.get(i - 1));
    }

    @Test
    void consumerStallIsCaughtUp() {
        for (int i = 0; i < 5; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        // The consumer stops for a second while packets keep coming.
        for (int i = 5; i < 55; i++) {
            put(i, 160L * i);
            advance(20);
        }
        played.clear();
        tick();
        // It resumes near the newest packet rather than a second behind.
        assertTrue(played.get(0) >= 50, "resumed at " + played);
        assertTrue(jb.late() > 40);
    }

    @Test
    void consumerStartingAfterTheStreamDoesNotKeepTheBacklogAsDelay() {
        // 160 ms of packets arrive before the consumer's first tick (a call whose RTP starts
        // before it joins its room), then packets and ticks alternate.
        for (int i = 0; i < 8; i++) {
            put(i, 160L * i);
            advance(20);
        }
        for (int i = 8; i < 60; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        // The packet that just arrived is played within the target delay (20 ms here), not
        // eight frames later: at the end, the last packet played is the newest or the one before.
        int last = played.get(played.size() - 1);
        assertEquals(59, last, "playing " + last + " while 59 has arrived: " + played);
        assertTrue(jb.late() >= 6, "the stale backlog was dropped: " + jb.late());
    }

    @Test
    void shortConsumerStallDoesNotAddPermanentDelay() {
        for (int i = 0; i < 10; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        // The media clock stalls 80 ms (four ticks) while packets keep coming, then ticks on.
        for (int i = 10; i < 14; i++) {
            put(i, 160L * i);
            advance(20);
        }
        for (int i = 14; i < 40; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        int last = played.get(played.size() - 1);
        assertEquals(39, last, "playing " + last + " while 39 has arrived: " + played);
    }

    @Test
    void ssrcChangeResyncsAtOnce() {
        for (int i = 0; i < 5; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        put(5, 800);
        // A new source with unrelated numbering arrives before seq 5 was played.
        for (int i = 0; i < 5; i++) {
            jb.put(packet(30000 + i, 123456789L + 160L * i, i == 0, 0x55L));
            tick();
            advance(20);
        }
        assertEquals(1, jb.resyncs());
        assertEquals(List.of(0, 1, 2, 3, 4, 30000, 30001, 30002, 30003, 30004), played);
    }

    @Test
    void timestampJumpWithMarkerResyncsAtOnce() {
        for (int i = 0; i < 5; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        for (int i = 5; i < 10; i++) {
            jb.put(packet(i, 5_000_000L + 160L * i, i == 5, SSRC));
            tick();
            advance(20);
        }
        assertEquals(1, jb.resyncs());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), played);
    }

    @Test
    void singleWildTimestampIsDroppedButAPersistentJumpResyncs() {
        for (int i = 0; i < 5; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        put(5, 9_000_000L);  // a lone corrupt timestamp
        tick();
        advance(20);
        for (int i = 6; i < 8; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        assertEquals(1, jb.tooFarAhead());
        assertEquals(0, jb.resyncs());
        // Now the sender jumps for good, without a marker: three packets confirm the new timeline.
        for (int i = 8; i < 16; i++) {
            put(i, 7_000_000L + 160L * i);
            tick();
            advance(20);
        }
        assertEquals(1, jb.resyncs());
        assertEquals(3, jb.tooFarAhead());
        assertTrue(played.containsAll(List.of(10, 11, 12, 13, 14, 15)));
        assertFalse(played.contains(5));
    }

    @Test
    void talkspurtStartReanchorsAfterSilence() {
        for (int i = 0; i < 5; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        // One second of silence suppression: timestamps advance with time (RFC 3551 §4.1).
        for (int i = 0; i < 50; i++) {
            tick();
            advance(20);
        }
        int before = played.size();
        for (int i = 5; i < 10; i++) {
            jb.put(packet(i, 160L * (i + 50), i == 5, SSRC));
            tick();
            advance(20);
        }
        assertEquals(List.of(5, 6, 7, 8, 9), played.subList(before, played.size()));
        assertEquals(0, jb.late());
        assertEquals(0, jb.lost());
        assertEquals(0, jb.resyncs());
    }

    @Test
    void interarrivalJitterFollowsRfc3550() {
        // Transit alternates 0 / +10 ms: |D| is 10 ms every packet, so J -> 10 ms (80 units).
        // After n packets J = 10 ms * (1 - (15/16)^(n-1)) exactly (RFC 3550 §A.8).
        int n = 40;
        for (int i = 0; i < n; i++) {
            long send = 1_000_000_000L + i * 20 * MS;
            now = send + (i % 2 == 1 ? 10 * MS : 0);
            put(i, 160L * i);
        }
        double expected = 10.0 * (1 - Math.pow(15.0 / 16, n - 1));
        assertEquals(expected, jb.jitterMs(), 1e-6);
        assertEquals(Math.round(expected * 8), jb.jitterUnits());
    }

    @Test
    void sequenceJumpWithConsistentTimingIsNotLoss() {
        for (int i = 0; i < 5; i++) {
            put(i, 160L * i);
            tick();
            advance(20);
        }
        for (int i = 5; i < 10; i++) {
            put(40000 + i, 160L * i); // sender restarted its sequence numbers, not its clock
            tick();
            advance(20);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 40005, 40006, 40007, 40008, 40009), played);
        assertEquals(0, jb.lost());
        assertEquals(0, jb.late() + jb.duplicate() + jb.resyncs());
    }

    @Test
    void malformedPacketIsReleased() {
        RtpPacket p = pool.acquire();
        p.setLength(5);
        jb.put(p);
        assertEquals(0, jb.size());
        assertEquals(1, jb.received());
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        int seq = 0;
        for (; seq < 2000; seq++) cycle(seq); // warm up (JIT, pool)
        long before = mx.getThreadAllocatedBytes(tid);
        for (; seq < 12000; seq++) cycle(seq);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 10000 packets");
    }

    private void cycle(int seq) {
        jb.put(packet(seq, 160L * seq, false, SSRC));
        if (jb.poll() == Outcome.PACKET) jb.take().release();
        now += 20 * MS;
    }
}
