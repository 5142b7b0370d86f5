package org.passerelle.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.passerelle.webrtc.DataChannel;

/** Two data channel transports joined directly, with a fake clock and scheduler. */
class SctpTransportTest {
    private static final long MS = 1_000_000L;

    private long now = 5_000 * MS;
    private final List<long[]> dueAt = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();
    private final ArrayDeque<Object[]> wire = new ArrayDeque<>();
    /** Packets from a are dropped while true. */
    private boolean muteA;

    private final SctpTransport.Scheduler scheduler = (task, delay) -> {
        long[] at = {now + delay};
        dueAt.add(at);
        tasks.add(task);
        return () -> at[0] = Long.MAX_VALUE;
    };

    /** What one side's listener saw. */
    static final class Recorder implements SctpTransport.Events {
        final List<DataChannel> opened = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        final List<DataChannel> closed = new ArrayList<>();

        @Override public void onChannel(DataChannel channel) { opened.add(channel); }
        @Override public void onMessage(DataChannel channel, byte[] message, boolean binary) {
            messages.add(channel.label() + (binary ? " bin:" + Arrays.toString(message) : " text:" + new String(message, StandardCharsets.UTF_8)));
        }
        @Override public void onChannelClosed(DataChannel channel) { closed.add(channel); }
    }

    private final Recorder ra = new Recorder(), rb = new Recorder();
    private SctpTransport a, b;

    private void make(SctpAssociation.Config ca, SctpAssociation.Config cb) {
        SctpTransport[] peer = new SctpTransport[2];
        a = new SctpTransport(ca, (p, off, len) -> {
            if (!muteA) wire.add(new Object[] {1, Arrays.copyOfRange(p, off, off + len)});
        }, ra, () -> now, scheduler, new Random(1), "a");
        b = new SctpTransport(cb, (p, off, len) -> wire.add(new Object[] {0, Arrays.copyOfRange(p, off, off + len)}),
                rb, () -> now, scheduler, new Random(2), "b");
        peer[0] = a;
        peer[1] = b;
        this.peers = peer;
    }

    private SctpTransport[] peers;

    private boolean run(BooleanSupplier done, long maxNanos) {
        long end = now + maxNanos;
        while (!done.getAsBoolean()) {
            Object[] p = wire.poll();
            if (p != null) {
                now += MS / 10;
                byte[] packet = (byte[]) p[1];
                peers[(Integer) p[0]].receive(packet, 0, packet.length);
                continue;
            }
            int next = -1;
            for (int i = 0; i < dueAt.size(); i++) {
                if (dueAt.get(i)[0] != Long.MAX_VALUE && (next < 0 || dueAt.get(i)[0] < dueAt.get(next)[0])) next = i;
            }
            if (next < 0 || dueAt.get(next)[0] > end) return false;
            now = Math.max(now, dueAt.get(next)[0]);
            dueAt.get(next)[0] = Long.MAX_VALUE;
            tasks.get(next).run();
        }
        return true;
    }

    private void connect() {
        a.start(true);
        b.start(false);
        assertTrue(run(() -> a.state() == SctpAssociation.State.ESTABLISHED
                && b.state() == SctpAssociation.State.ESTABLISHED, 5_000 * MS));
    }

    @Test
    void dcepOpenCarriesLabelAndReliabilityAndIsAcknowledged() {
        make(SctpAssociation.Config.defaults(), SctpAssociation.Config.defaults());
        DataChannel early = a.createChannel("_reliable", true, -1);
        assertEquals(DataChannel.State.CONNECTING, early.state());
        assertFalse(early.send(new byte[] {1}, true), "not open yet");
        connect();
        assertEquals(List.of(early), ra.opened);
        assertEquals(0, early.streamId(), "DTLS client: even");
        DataChannel lossy = a.createChannel("_lossy", false, 3);
        assertEquals(2, lossy.streamId());
        DataChannel fromB = b.createChannel("from-b", true, -1);
        assertEquals(1, fromB.streamId(), "DTLS server: odd");
        assertTrue(run(() -> rb.opened.size() == 3 && ra.opened.size() == 3, 1_000 * MS));
        DataChannel reliableAtB = rb.opened.stream().filter(c -> c.label().equals("_reliable")).findFirst().orElseThrow();
        DataChannel lossyAtB = rb.opened.stream().filter(c -> c.label().equals("_lossy")).findFirst().orElseThrow();
        assertTrue(reliableAtB.ordered());
        assertEquals(-1, reliableAtB.maxRetransmits());
        assertFalse(lossyAtB.ordered());
        assertEquals(3, lossyAtB.maxRetransmits());
        assertEquals(2, lossyAtB.streamId());
        assertEquals("from-b", ra.opened.get(2).label());

        assertTrue(early.send("hi".getBytes(StandardCharsets.UTF_8), false));
        assertTrue(lossy.send(new byte[] {9}, true));
        assertTrue(early.send(new byte[0], true));
        assertTrue(reliableAtB.send(new byte[0], false));
        assertTrue(run(() -> rb.messages.size() == 3 && ra.messages.size() == 1, 1_000 * MS));
        assertTrue(rb.messages.containsAll(List.of("_reliable text:hi", "_lossy bin:[9]", "_reliable bin:[]")), rb.messages.toString());
        assertEquals(List.of("_reliable text:"), ra.messages);
    }

    @Test
    void closingResetsTheStreamAndBothSidesReportIt() {
        make(SctpAssociation.Config.defaults(), SctpAssociation.Config.defaults());
        connect();
        DataChannel ch = a.createChannel("x", true, -1);
        DataChannel keep = a.createChannel("keep", true, -1);
        assertTrue(run(() -> rb.opened.size() == 2, 1_000 * MS));
        DataChannel there = rb.opened.get(0);
        there.close();
        assertEquals(DataChannel.State.CLOSING, there.state());
        assertTrue(run(() -> ra.closed.size() == 1 && rb.closed.size() == 1, 2_000 * MS));
        assertEquals(List.of(ch), ra.closed);
        assertEquals(DataChannel.State.CLOSED, ch.state());
        assertFalse(ch.send(new byte[] {1}, true));
        // the stream id is free again and reused by a new channel, whose SSNs restart at 0
        DataChannel again = a.createChannel("again", true, -1);
        assertEquals(ch.streamId(), again.streamId());
        assertTrue(again.send("after".getBytes(StandardCharsets.UTF_8), false));
        assertTrue(keep.send("kept".getBytes(StandardCharsets.UTF_8), false));
        assertTrue(run(() -> rb.messages.size() == 2, 1_000 * MS));
        assertTrue(rb.messages.containsAll(List.of("again text:after", "keep text:kept")), rb.messages.toString());
    }

    @Test
    void theDtlsServerStartsTheAssociationWhenThePeerDoesNot() {
        make(SctpAssociation.Config.defaults(), SctpAssociation.Config.defaults());
        muteA = true; // a's INIT is lost, and a is "slow": b must start
        a.start(true);
        muteA = false;
        long t0 = now;
        b.start(false);
        assertTrue(run(() -> a.state() == SctpAssociation.State.ESTABLISHED
                && b.state() == SctpAssociation.State.ESTABLISHED, 5_000 * MS));
        assertTrue(now - t0 <= SctpTransport.SERVER_INIT_DELAY_NANOS + 50 * MS,
                "established by b's INIT (or a's first retransmission), not later: " + (now - t0) / MS + " ms");
    }

    @Test
    void channelsBeyondTheStreamsThePeerAllowsAreRefused() {
        make(SctpAssociation.Config.defaults(), SctpAssociation.Config.defaults().withStreams(4));
        connect();
        DataChannel c0 = a.createChannel("0", true, -1);
        DataChannel c2 = a.createChannel("2", true, -1);
        DataChannel c4 = a.createChannel("4", true, -1);
        assertEquals(DataChannel.State.OPEN, c0.state());
        assertEquals(DataChannel.State.OPEN, c2.state());
        assertEquals(DataChannel.State.CLOSED, c4.state(), "b accepts 4 streams: 0-3");
        assertEquals(List.of(c4), ra.closed);
        assertTrue(run(() -> rb.opened.size() == 2, 1_000 * MS));
    }

    @Test
    void closingTheTransportAbortsAndClosesEveryChannel() {
        make(SctpAssociation.Config.defaults(), SctpAssociation.Config.defaults());
        connect();
        DataChannel ch = a.createChannel("x", true, -1);
        assertTrue(run(() -> rb.opened.size() == 1, 1_000 * MS));
        a.close();
        assertEquals(List.of(ch), ra.closed);
        assertTrue(run(() -> rb.closed.size() == 1, 1_000 * MS), "ABORT closes the peer's channels");
        assertEquals(DataChannel.State.CLOSED, a.createChannel("late", true, -1).state());
    }

    @Test
    void aBigMessageCrossesIntact() {
        make(SctpAssociation.Config.defaults(), SctpAssociation.Config.defaults());
        connect();
        DataChannel ch = a.createChannel("big", true, -1);
        byte[] big = new byte[200_000];
        new Random(3).nextBytes(big);
        assertTrue(run(() -> rb.opened.size() == 1, 1_000 * MS));
        assertTrue(ch.send(big, true));
        assertTrue(run(() -> rb.messages.size() == 1, 10_000 * MS));
        assertEquals("big bin:" + Arrays.toString(big), rb.messages.get(0));
        assertFalse(ch.send(new byte[300_000], true), "over 256 KiB is refused");
        a.peerMaxMessageSize(1000); // RFC 8841 §6.1: the peer's a=max-message-size
        assertFalse(ch.send(new byte[1001], true));
        assertTrue(ch.send(new byte[1000], true));
    }
}
