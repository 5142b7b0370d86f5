package org.passerelle.transcoder.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

class DtmfTest {
    private static final int PT = 101;
    private long now;
    private final List<String> heard = new ArrayList<>();
    private final DtmfReceiver receiver =
            new DtmfReceiver(8000, () -> now, (key, ms, ts) -> heard.add(key + "/" + ms + "@" + ts));

    private void feed(long ts, int event, boolean end, int duration) {
        byte[] b = new byte[4];
        TelephoneEvent.write(b, 0, event, end, 10, duration);
        receiver.receive(ts, b, 0, 4);
        now += 20_000_000L;
    }

    // ---- sender ----

    @Test
    void senderProducesMarkerUpdatesAndThreeEnds() {
        DtmfSender s = new DtmfSender(PT, 8000);
        s.start('7', 100, 20, 123456, 12);
        assertEquals(7, s.packetCount());
        RtpPacket p = RtpPacket.unpooled();
        int[] durations = new int[7];
        for (int i = 0; i < 7; i++) {
            assertTrue(s.hasNext());
            s.next(p, 1000 + i, 0xCAFEL);
            assertTrue(p.isValid());
            assertEquals(PT, p.payloadType());
            assertEquals(i == 0, p.marker(), "marker only on the first packet");
            assertEquals(1000 + i, p.sequence());
            assertEquals(123456, p.timestamp());
            assertEquals(0xCAFEL, p.ssrc());
            assertEquals(4, p.payloadLength());
            int off = p.payloadOffset();
            assertEquals(7, TelephoneEvent.event(p.buffer(), off));
            assertEquals(12, TelephoneEvent.volume(p.buffer(), off));
            assertEquals(i >= 4, TelephoneEvent.end(p.buffer(), off));
            durations[i] = TelephoneEvent.duration(p.buffer(), off);
        }
        assertEquals(List.of(160, 320, 480, 640, 800, 800, 800), java.util.Arrays.stream(durations).boxed().toList());
        assertFalse(s.hasNext());
        assertThrows(IllegalStateException.class, () -> s.next(p, 0, 0));
    }

    @Test
    void durationNotAMultipleOfPtimeAndShorterThanPtime() {
        DtmfSender s = new DtmfSender(PT, 8000);
        s.start('#', 90, 20, 0);
        assertEquals(4 + 3, s.packetCount()); // 20, 40, 60, 80 ms then end at 90 ms
        byte[] b = new byte[4];
        int last = 0;
        while (s.hasNext()) {
            s.nextPayload(b, 0);
            last = TelephoneEvent.duration(b, 0);
        }
        assertEquals(720, last);

        s.start('1', 10, 20, 0);
        assertEquals(3, s.packetCount());
        assertTrue(s.nextPayload(b, 0), "a short event starts with its end packet, with marker");
        assertTrue(TelephoneEvent.end(b, 0));
        assertEquals(80, TelephoneEvent.duration(b, 0));
        assertFalse(s.nextPayload(b, 0));
    }

    @Test
    void senderRejectsBadInput() {
        DtmfSender s = new DtmfSender(PT, 8000);
        assertThrows(IllegalArgumentException.class, () -> s.start('x', 100, 20, 0));
        assertThrows(IllegalArgumentException.class, () -> s.start('1', 9000, 20, 0)); // > 0xFFFF units
        assertThrows(IllegalArgumentException.class, () -> s.start('1', 100, 0, 0));
        assertFalse(s.hasNext());
        assertEquals(0, s.remaining());
    }

    // ---- receiver ----

    @Test
    void reportsOnceDespiteRedundantEndPackets() {
        feed(1000, 5, false, 160);
        feed(1000, 5, false, 320);
        feed(1000, 5, true, 480);
        feed(1000, 5, true, 480);
        feed(1000, 5, true, 480);
        assertEquals(List.of("5/60@1000"), heard);
        assertEquals(2, receiver.ignored());
    }

    @Test
    void lostStartPacketsStillGiveTheDigit() {
        feed(2000, 11, false, 480); // first two updates lost, no marker seen
        feed(2000, 11, true, 800);
        assertEquals(List.of("#/100@2000"), heard);
    }

    @Test
    void lostEndPacketsAreCoveredByTheNextEventOrATimeout() {
        feed(3000, 1, false, 160);
        feed(3000, 1, false, 320);
        // All end packets lost; the next key arrives.
        feed(4000, 2, false, 160);
        assertEquals(List.of("1/40@3000"), heard);
        feed(4000, 2, false, 320);
        receiver.poll();
        assertEquals(1, heard.size(), "not before the timeout");
        now += DtmfReceiver.DEFAULT_TIMEOUT_MS * 1_000_000L;
        receiver.poll();
        assertEquals(List.of("1/40@3000", "2/40@4000"), heard);
        receiver.poll();
        feed(4000, 2, true, 400); // a very late end changes nothing
        assertEquals(2, heard.size());
    }

    @Test
    void sameKeyTwiceIsTwoDigitsAndOldEventsAreIgnored() {
        feed(5000, 9, true, 400);
        feed(6000, 9, true, 400);
        feed(5000, 9, true, 400); // reordered retransmission of the first
        assertEquals(List.of("9/50@5000", "9/50@6000"), heard);
        assertEquals(2, receiver.digits());
    }

    @Test
    void timestampWrapAroundIsNewer() {
        feed(0xFFFFFF00L, 3, true, 160);
        feed(0x00000010L, 4, true, 160);
        assertEquals(List.of("3/20@4294967040", "4/20@16"), heard);
    }

    @Test
    void ignoresMalformedAndNonDtmfEvents() {
        receiver.receive(1, new byte[3], 0, 3);
        feed(7000, 16, true, 160); // hook flash
        RtpPacket bad = RtpPacket.unpooled();
        bad.setLength(12);
        bad.buffer()[0] = (byte) 0x90; // extension bit without room for it
        receiver.receive(bad);
        assertTrue(heard.isEmpty());
        assertEquals(3, receiver.ignored());
    }

    // ---- round trip ----

    /** Sends keys through sender and receiver, dropping the packets whose index is in drop. */
    private void roundTrip(String keys, Set<Integer> drop, boolean pollAfterEach) {
        RtpPacketPool pool = new RtpPacketPool(8);
        DtmfSender s = new DtmfSender(PT, 8000);
        long ts = 1_000;
        int seq = 65530; // crosses the sequence wrap
        for (char k : keys.toCharArray()) {
            s.start(k, 120, 20, ts);
            int i = 0;
            while (s.hasNext()) {
                RtpPacket p = pool.acquire();
                s.next(p, seq++ & 0xffff, 42);
                if (!drop.contains(i++)) receiver.receive(p);
                p.release();
                now += 20_000_000L;
                receiver.poll();
            }
            ts += 8000; // next key one second later in stream time
            if (pollAfterEach) {
                now += 1_000_000_000L;
                receiver.poll();
            }
        }
        assertEquals(1, pool.misses(), "one pooled packet reused for the whole sequence");
    }

    @Test
    void roundTripWithEverythingDelivered() {
        roundTrip("1234567890*#ABCD", Set.of(), false);
        assertEquals("1234567890*#ABCD", keysHeard());
        assertTrue(heard.stream().allMatch(h -> h.contains("/120@")), heard.toString());
    }

    @Test
    void roundTripLosingTheFirstAndTwoEndPackets() {
        // 120 ms at 20 ms: updates 0-4, ends 5-7. Lose the marker packet and two of the ends.
        roundTrip("159#", Set.of(0, 5, 6), false);
        assertEquals("159#", keysHeard());
        assertTrue(heard.stream().allMatch(h -> h.contains("/120@")), heard.toString());
    }

    @Test
    void roundTripLosingAllEndPackets() {
        roundTrip("2468", Set.of(5, 6, 7), true);
        assertEquals("2468", keysHeard());
        // Without an end packet the last update (100 ms) is the best known duration.
        assertTrue(heard.stream().allMatch(h -> h.contains("/100@")), heard.toString());
    }

    private String keysHeard() {
        StringBuilder b = new StringBuilder();
        for (String h : heard) b.append(h.charAt(0));
        return b.toString();
    }

    @Test
    void sendingAndReceivingAllocateNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        DtmfSender s = new DtmfSender(PT, 8000);
        long[] count = new long[1];
        DtmfReceiver r = new DtmfReceiver(8000, () -> now, (k, ms, ts) -> count[0]++);
        RtpPacket p = RtpPacket.unpooled();
        for (int i = 0; i < 1000; i++) sendOne(s, r, p, i);
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 1000; i < 6000; i++) sendOne(s, r, p, i);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4096, "allocated " + allocated);
        assertEquals(6000, count[0]);
    }

    private void sendOne(DtmfSender s, DtmfReceiver r, RtpPacket p, int i) {
        s.start('5', 60, 20, i * 1000L);
        while (s.hasNext()) {
            s.next(p, i & 0xffff, 1);
            r.receive(p);
        }
    }
}
