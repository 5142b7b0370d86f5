package org.passerelle.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SctpAssociationTest {
    private static final SctpAssociation.Config CONFIG = SctpAssociation.Config.defaults();
    private static final long SECOND = 1_000_000_000L;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void oneSideInitiates() {
        SctpLink link = new SctpLink(1, CONFIG);
        assertTrue(link.connect());
        assertEquals(1, link.a.established);
        assertEquals(1, link.b.established);
        assertEquals(CONFIG.streams(), link.a.assoc.outboundStreams());
        assertTrue(link.a.assoc.send(0, 51, "hello".getBytes(StandardCharsets.UTF_8), true, -1, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == 1, SECOND));
        assertEquals("hello", new String(link.b.messages.get(0).data(), StandardCharsets.UTF_8));
        assertEquals(51, link.b.messages.get(0).ppid());
    }

    @Test
    void bothInitiateAtOnce() {
        SctpLink link = new SctpLink(2, CONFIG);
        link.a.assoc.connect(link.now);
        link.b.assoc.connect(link.now);
        assertTrue(link.runUntil(() -> link.a.assoc.isEstablished() && link.b.assoc.isEstablished(), 5 * SECOND));
        link.settle(SECOND);
        assertEquals(1, link.a.established);
        assertEquals(1, link.b.established);
        // both directions work on the one association the collision made
        assertTrue(link.a.assoc.send(1, 53, new byte[] {1}, true, -1, link.now));
        assertTrue(link.b.assoc.send(2, 53, new byte[] {2}, true, -1, link.now));
        assertTrue(link.runUntil(() -> link.a.messages.size() == 1 && link.b.messages.size() == 1, SECOND));
    }

    @Test
    void handshakeSurvivesLostInitAndCookie() {
        SctpLink link = new SctpLink(3, CONFIG);
        int[] dropped = {0};
        link.a.drop = p -> dropped[0]++ < 2; // the first INIT and the first COOKIE ECHO
        assertTrue(link.connect());
        assertTrue(dropped[0] >= 2, "INIT and COOKIE ECHO were each lost once");
    }

    @Test
    void lostCookieAckIsImpliedByThePeersData() {
        SctpLink link = new SctpLink(16, CONFIG);
        link.b.drop = p -> p.length > 12 && p[12] == ChunkType.COOKIE_ACK;
        link.a.assoc.connect(link.now);
        assertTrue(link.runUntil(() -> link.b.assoc.isEstablished(), SECOND));
        assertEquals(SctpAssociation.State.COOKIE_ECHOED, link.a.assoc.state());
        assertTrue(link.b.assoc.send(0, 51, new byte[] {5}, true, -1, link.now));
        assertTrue(link.runUntil(() -> link.a.messages.size() == 1, 10_000_000L), "at once, no retransmission");
        assertTrue(link.a.assoc.isEstablished());
    }

    @Test
    void manyTinyChunksAreBoundedByCountNotOnlyBytes() {
        SctpLink link = new SctpLink(17, CONFIG);
        assertTrue(link.connect());
        int accepted = 0;
        while (accepted < 100_000 && link.a.assoc.send(0, 53, new byte[] {1}, true, -1, link.now)) accepted++;
        assertEquals(SendQueue.MAX_CHUNKS, accepted, "one byte each: far below the byte limit");
        assertTrue(link.runUntil(() -> link.b.messages.size() == SendQueue.MAX_CHUNKS, 60 * SECOND),
                "delivered " + link.b.messages.size());
    }

    @Test
    void orderedReliableDeliveryUnderLossAndReordering() {
        SctpLink link = new SctpLink(4, CONFIG);
        assertTrue(link.connect());
        link.loss = 0.15;
        link.jitterNanos = 8_000_000L;
        int n = 400;
        int sent = 0;
        while (sent < n) {
            byte[] m = ("message " + sent).getBytes(StandardCharsets.UTF_8);
            if (link.a.assoc.send(3, 51, m, true, -1, link.now)) sent++;
            else link.runUntil(() -> false, 50_000_000L);
            if (sent % 20 == 0) link.runUntil(() -> false, 5_000_000L);
        }
        assertTrue(link.runUntil(() -> link.b.messages.size() == n, 120 * SECOND),
                "delivered " + link.b.messages.size());
        for (int i = 0; i < n; i++) {
            assertEquals("message " + i, new String(link.b.messages.get(i).data(), StandardCharsets.UTF_8));
        }
        assertTrue(link.lost > 0, "the link lost packets");
        assertTrue(link.a.assoc.t3Expiries() + link.a.assoc.fastRetransmits() > 0);
        assertEquals(null, link.a.closedReason);
    }

    @Test
    void largeMessageIsFragmentedAndReassembled() {
        SctpLink link = new SctpLink(5, CONFIG);
        assertTrue(link.connect());
        link.loss = 0.05;
        link.jitterNanos = 3_000_000L;
        byte[] big = bytes(100 * 1024, 7);
        assertTrue(link.a.assoc.send(1, 53, big, true, -1, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == 1, 60 * SECOND));
        assertArrayEquals(big, link.b.messages.get(0).data());
        assertTrue(link.a.packetsSent > 100 * 1024 / CONFIG.mtu(), "sent in many packets");
    }

    @Test
    void unorderedLossyChannelUsesForwardTsnAndNeverStalls() {
        SctpLink link = new SctpLink(6, CONFIG);
        assertTrue(link.connect());
        link.loss = 0.2;
        int n = 200;
        for (int i = 0; i < n; i++) {
            assertTrue(link.a.assoc.send(5, 53, new byte[] {(byte) i, 1, 2, 3}, false, 0, link.now));
            link.runUntil(() -> false, 20_000_000L);
        }
        link.loss = 0;
        long lastTsn = link.a.assoc.bufferedToSend();
        link.settle(10 * SECOND);
        int got = link.b.messages.size();
        assertTrue(got < n && got > n / 2, "some were lost for good, most arrived: " + got);
        // the receiver's cumulative TSN passed every abandoned chunk: nothing is left to send or wait for
        assertEquals(0, link.a.assoc.bufferedToSend(), "left " + lastTsn);
        assertTrue(link.a.assoc.send(5, 53, new byte[] {42}, false, 0, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == got + 1, SECOND));
        // and an ordered lossy stream does not stall its SSN order either
        link.loss = 0.3;
        for (int i = 0; i < 50; i++) {
            link.a.assoc.send(7, 53, new byte[] {(byte) i}, true, 0, link.now);
            link.runUntil(() -> false, 20_000_000L);
        }
        link.loss = 0;
        link.settle(10 * SECOND);
        int before = link.b.messages.size();
        assertTrue(link.a.assoc.send(7, 53, new byte[] {99}, true, 0, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == before + 1, SECOND), "ordered stream stalled");
        assertEquals(99, link.b.messages.get(before).data()[0]);
    }

    @Test
    void gapBlocksTriggerFastRetransmitBeforeTheTimer() {
        SctpLink link = new SctpLink(7, CONFIG);
        assertTrue(link.connect());
        boolean[] dropOne = {true};
        // drop the first DATA packet once
        link.a.drop = p -> {
            if (dropOne[0] && p.length > 12 && p[12] == ChunkType.DATA) { dropOne[0] = false; return true; }
            return false;
        };
        long start = link.now;
        for (int i = 0; i < 6; i++) assertTrue(link.a.assoc.send(1, 53, bytes(1000, i), true, -1, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == 6, 5 * SECOND));
        assertEquals(1, link.a.assoc.fastRetransmits());
        assertEquals(0, link.a.assoc.t3Expiries());
        assertTrue(link.now - start < CONFIG.rtoInitial(), "recovered before any T3: " + (link.now - start));
    }

    @Test
    void corruptChecksumIsDropped() {
        SctpLink link = new SctpLink(8, CONFIG);
        link.a.drop = p -> {
            if (p.length > 12 && p[12] == ChunkType.INIT) {
                byte[] bad = p.clone();
                bad[bad.length - 1] ^= 1;
                link.b.assoc.feed(bad, 0, bad.length, link.now);
            }
            return false;
        };
        assertTrue(link.connect());
        assertEquals(1, link.b.assoc.badPackets());
    }

    @Test
    void checksumMatchesRfc9260AppendixCrc32cAndGoesLittleEndian() {
        // CRC32c("123456789") = 0xE3069283 (RFC 3720 B.4 check value)
        byte[] p = new byte[12 + 9];
        System.arraycopy("123456789".getBytes(StandardCharsets.US_ASCII), 0, p, 12, 9);
        SctpPacket.seal(p, 0, p.length);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        byte[] zeroed = p.clone();
        zeroed[8] = zeroed[9] = zeroed[10] = zeroed[11] = 0;
        c.update(zeroed);
        long v = c.getValue();
        assertEquals((byte) v, p[8], "least significant byte first");
        assertEquals((byte) (v >>> 24), p[11]);
        assertTrue(SctpPacket.checksumOk(p, 0, p.length));
        p[15] ^= 0x40;
        assertFalse(SctpPacket.checksumOk(p, 0, p.length));
    }

    @Test
    void wrongVerificationTagIsDropped() {
        SctpLink link = new SctpLink(9, CONFIG);
        assertTrue(link.connect());
        link.a.drop = p -> {
            byte[] bad = p.clone();
            bad[4] ^= 1;
            SctpPacket.seal(bad, 0, bad.length);
            link.b.assoc.feed(bad, 0, bad.length, link.now);
            return false;
        };
        assertTrue(link.a.assoc.send(0, 51, new byte[] {1}, true, -1, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == 1, SECOND));
        assertTrue(link.b.assoc.badPackets() >= 1);
        assertEquals(1, link.b.messages.size());
    }

    @Test
    void streamResetIsAnsweredOnBothSides() {
        SctpLink link = new SctpLink(10, CONFIG);
        assertTrue(link.connect());
        assertTrue(link.a.assoc.send(4, 51, new byte[] {1}, true, -1, link.now));
        assertTrue(link.a.assoc.send(4, 51, new byte[] {2}, true, -1, link.now));
        link.a.assoc.resetStreams(new int[] {4}, link.now);
        assertTrue(link.runUntil(() -> !link.a.outgoingResets.isEmpty(), 2 * SECOND));
        assertArrayEquals(new int[] {4}, link.b.incomingResets.get(0));
        assertEquals(2, link.b.messages.size(), "data sent before the reset arrives first");
        // the stream starts again at SSN 0 on both sides
        assertTrue(link.a.assoc.send(4, 51, new byte[] {3}, true, -1, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == 3, SECOND));
    }

    @Test
    void limitsHugeMessageAndStreamsOutOfRange() {
        SctpAssociation.Config small = CONFIG.withMaxMessage(4096).withStreams(16);
        SctpLink link = new SctpLink(11, CONFIG, small);
        assertTrue(link.connect());
        assertEquals(16, link.a.assoc.outboundStreams(), "the peer announced 16 inbound streams");
        assertFalse(link.a.assoc.send(16, 53, new byte[] {1}, true, -1, link.now), "stream 16 does not exist");
        assertFalse(link.b.assoc.send(0, 53, new byte[5000], true, -1, link.now), "over our own max");
        // a peer that sends more than we accept: the message is dropped, the association goes on
        assertTrue(link.a.assoc.send(0, 53, new byte[10_000], true, -1, link.now));
        assertTrue(link.a.assoc.send(0, 53, new byte[] {7}, true, -1, link.now));
        assertTrue(link.runUntil(() -> link.b.messages.size() == 1, 5 * SECOND));
        assertEquals(1, link.b.assoc.droppedTooBig());
        assertEquals(7, link.b.messages.get(0).data()[0]);
        // a send buffer that is full refuses
        int accepted = 0;
        while (link.a.assoc.send(1, 53, new byte[60_000], true, -1, link.now) && accepted < 100) accepted++;
        assertTrue(accepted < 100 && accepted >= 10, "bounded at about 1 MiB: " + accepted);
    }

    @Test
    void abortClosesThePeer() {
        SctpLink link = new SctpLink(12, CONFIG);
        assertTrue(link.connect());
        link.a.assoc.abort("test");
        assertTrue(link.runUntil(() -> link.b.closedReason != null, SECOND));
        assertEquals("aborted by the peer", link.b.closedReason);
        assertEquals(SctpAssociation.State.CLOSED, link.b.assoc.state());
    }

    @Test
    void shutdownIsGraceful() {
        SctpLink link = new SctpLink(13, CONFIG);
        assertTrue(link.connect());
        assertTrue(link.a.assoc.send(0, 51, new byte[] {1}, true, -1, link.now));
        link.a.assoc.shutdown(link.now);
        assertTrue(link.runUntil(() -> link.a.closedReason != null && link.b.closedReason != null, 5 * SECOND));
        assertEquals(1, link.b.messages.size());
        assertEquals("shut down", link.a.closedReason);
        assertEquals("shut down by the peer", link.b.closedReason);
    }

    @Test
    void silentPeerEndsTheAssociation() {
        SctpLink link = new SctpLink(14, CONFIG);
        assertTrue(link.connect());
        link.loss = 1.0;
        assertTrue(link.a.assoc.send(0, 51, new byte[] {1}, true, -1, link.now));
        assertTrue(link.runUntil(() -> link.a.closedReason != null, 600 * SECOND));
        assertNotNull(link.a.closedReason);
    }

    @Test
    void malformedPacketsWithValidChecksumsNeverThrow() {
        SctpLink link = new SctpLink(18, CONFIG);
        assertTrue(link.connect());
        java.util.List<byte[]> seen = new java.util.ArrayList<>();
        link.a.drop = p -> { seen.add(p); return false; };
        link.b.drop = p -> { seen.add(p); return false; };
        assertTrue(link.a.assoc.send(3, 51, bytes(3000, 1), true, -1, link.now));
        link.a.assoc.resetStreams(new int[] {3}, link.now);
        assertTrue(link.b.assoc.send(2, 53, bytes(10, 2), false, 0, link.now));
        link.settle(2 * SECOND);
        assertTrue(seen.size() > 5);
        Random r = new Random(99);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = seen.get(r.nextInt(seen.size())).clone();
            int len = SctpPacket.HEADER + 4 + r.nextInt(Math.max(1, p.length - SctpPacket.HEADER - 3));
            p = java.util.Arrays.copyOf(p, len);
            for (int k = r.nextInt(4); k >= 0; k--) p[SctpPacket.HEADER + r.nextInt(len - SctpPacket.HEADER)] = (byte) r.nextInt();
            SctpPacket.seal(p, 0, p.length);
            SctpAssociation target = r.nextBoolean() ? link.a.assoc : link.b.assoc;
            target.feed(p, 0, p.length, link.now); // must not throw
        }
        // whatever survived, the associations still answer the API and time
        link.a.assoc.onTimer(link.now + SECOND);
        link.b.assoc.onTimer(link.now + SECOND);
    }

    @Test
    void heartbeatIsAnswered() {
        SctpLink link = new SctpLink(15, CONFIG);
        assertTrue(link.connect());
        byte[] hb = new byte[12 + 12];
        SctpPacket.writeHeader(hb, 0, 5000, 5000, link.b.assoc.myTag());
        hb[12] = ChunkType.HEARTBEAT;
        SctpPacket.put16(hb, 14, 12);
        SctpPacket.put16(hb, 16, ChunkType.P_HEARTBEAT_INFO);
        SctpPacket.put16(hb, 18, 8);
        SctpPacket.put32(hb, 20, 0xCAFEBABEL);
        SctpPacket.seal(hb, 0, hb.length);
        byte[][] answer = {null};
        link.b.drop = p -> { if (p[12] == ChunkType.HEARTBEAT_ACK) answer[0] = p; return false; };
        link.b.assoc.feed(hb, 0, hb.length, link.now);
        assertNotNull(answer[0]);
        assertEquals(0xCAFEBABEL, SctpPacket.u32(answer[0], 20));
    }
}
