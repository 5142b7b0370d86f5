package org.passerelle.webrtc.sctp;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The sending half of an association: messages cut into DATA chunks with TSNs, what is in flight,
 * SACK processing with gap blocks and fast retransmit (RFC 9260 §6.2.1, §7.2.4), T3-rtx expiry
 * (§6.3.3), congestion and receiver windows (§6.1, §7.2), and abandoning chunks of partially
 * reliable messages with the FORWARD-TSN point it allows (RFC 3758 §3.5). Bounded in bytes.
 */
final class SendQueue {
    static final class Chunk {
        final long tsn;
        final int stream, ssn, ppid, flags, off, len, maxRetransmits;
        final byte[] data;
        final long messageId;
        int sends, misses;
        long sentAt;
        boolean inFlight, acked, abandoned, retransmit;

        Chunk(long tsn, int stream, int ssn, int ppid, int flags, byte[] data, int off, int len,
              long messageId, int maxRetransmits) {
            this.tsn = tsn; this.stream = stream; this.ssn = ssn; this.ppid = ppid; this.flags = flags;
            this.data = data; this.off = off; this.len = len; this.messageId = messageId;
            this.maxRetransmits = maxRetransmits;
        }

        boolean unordered() { return (flags & ChunkType.FLAG_UNORDERED) != 0; }
    }

    /** What one SACK did. */
    record SackResult(boolean advanced, long rttNanos, boolean fastRetransmit) {}

    private final int mtu;
    private final int payloadMax;
    private final int bufferLimit;
    /** Chunks from cumAck + 1 on, in TSN order. */
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    /** Chunks never sent, in TSN order. */
    private final ArrayDeque<Chunk> unsent = new ArrayDeque<>();
    /** Chunks marked for retransmission, lowest TSN first (stale entries are skipped). */
    private final PriorityQueue<Chunk> retransmits = new PriorityQueue<>(Comparator.comparingLong(c -> c.tsn));
    private final Map<Integer, Integer> nextSsn = new HashMap<>();
    private long nextTsn;
    private long cumAck;
    private long messageIds;
    private int buffered;
    private int flight;
    private long peerRwnd;
    private long cwnd, ssthresh, partialBytesAcked;
    private boolean fastRecovery;
    private long recoveryPoint;
    /** RFC 3758 §3.5: the advanced peer ack point. */
    private long advancedAckPoint;

    SendQueue(int mtu, int bufferLimit) {
        this.mtu = mtu;
        this.payloadMax = mtu - SctpPacket.HEADER - 16;
        this.bufferLimit = bufferLimit;
    }

    /** Once the peer's window is known (INIT / INIT ACK). */
    void init(long initialTsn, long peerWindow) {
        nextTsn = initialTsn;
        cumAck = initialTsn - 1;
        advancedAckPoint = cumAck;
        peerRwnd = peerWindow;
        // RFC 9260 §7.2.1
        cwnd = Math.min(4L * mtu, Math.max(2L * mtu, 4380));
        ssthresh = peerWindow;
    }

    int buffered() { return buffered; }

    int flight() { return flight; }

    long cwnd() { return cwnd; }

    long cumAck() { return cumAck; }

    long lastAssignedTsn() { return nextTsn - 1; }

    boolean isEmpty() { return chunks.isEmpty(); }

    boolean hasInFlight() { return flight > 0; }

    /** Chunks queued at most, whatever their size. */
    static final int MAX_CHUNKS = 16384;

    /** Queues one message; false when it does not fit the buffer. */
    boolean add(int stream, int ppid, byte[] data, boolean ordered, int maxRetransmits) {
        if (buffered + data.length > bufferLimit) return false;
        if (chunks.size() + data.length / payloadMax + 1 > MAX_CHUNKS) return false;
        int ssn = 0;
        if (ordered) {
            ssn = nextSsn.getOrDefault(stream, 0);
            nextSsn.put(stream, (ssn + 1) & 0xffff);
        }
        long id = messageIds++;
        int n = Math.max(1, (data.length + payloadMax - 1) / payloadMax);
        for (int i = 0; i < n; i++) {
            int off = i * payloadMax;
            int len = Math.min(payloadMax, data.length - off);
            int flags = (ordered ? 0 : ChunkType.FLAG_UNORDERED) | (i == 0 ? ChunkType.FLAG_BEGIN : 0)
                    | (i == n - 1 ? ChunkType.FLAG_END : 0);
            Chunk c = new Chunk(nextTsn++, stream, ssn, ppid, flags, data, off, len, id, maxRetransmits);
            chunks.add(c);
            unsent.add(c);
        }
        buffered += data.length;
        return true;
    }

    /** RFC 6525 §5.1.2: our outgoing stream starts again at SSN 0 after a successful reset. */
    void resetStream(int stream) {
        nextSsn.remove(stream);
    }

    /**
     * The next chunk to put on the wire: retransmissions first, then new ones, within the windows
     * ({@code first}: the first chunk of a flush may exceed cwnd, one packet at a time). Null: none.
     */
    Chunk next(boolean first) {
        Chunk c;
        while ((c = retransmits.peek()) != null && (c.abandoned || c.acked || c.inFlight || !c.retransmit)) {
            retransmits.poll();
        }
        if (c == null) {
            while ((c = unsent.peek()) != null && (c.abandoned || c.acked)) unsent.poll();
        }
        if (c == null) return null;
        if (!first) {
            if (flight + c.len > cwnd) return null;
            if (c.len > peerRwnd && flight > 0) return null;
        } else if (flight > 0 && c.len > peerRwnd && !c.retransmit) {
            return null; // zero window: probe only when nothing is in flight (§6.1 rule A)
        }
        return c;
    }

    void sent(Chunk c, long now) {
        if (retransmits.peek() == c) retransmits.poll();
        else if (unsent.peek() == c) unsent.poll();
        c.sends++;
        c.sentAt = now;
        c.inFlight = true;
        c.retransmit = false;
        c.misses = 0;
        flight += c.len;
        peerRwnd = Math.max(0, peerRwnd - c.len);
    }

    /** RFC 9260 §6.2.1 SACK processing. */
    SackResult onSack(long wireCum, long rwnd, int[] gapStarts, int[] gapEnds, long now) {
        long cum = Tsn.unwrap(wireCum, cumAck);
        if (cum < cumAck) return new SackResult(false, -1, false); // out of date (§6.2.1 D i)
        if (cum >= nextTsn) return new SackResult(false, -1, false); // acknowledges what we never sent: ignored
        long rtt = -1;
        long acked = 0;
        boolean advanced = cum > cumAck;
        while (!chunks.isEmpty() && chunks.peekFirst().tsn <= cum) {
            Chunk c = chunks.pollFirst();
            boolean wasAcked = c.acked;
            c.acked = true;
            if (c.inFlight && !wasAcked) {
                flight -= c.len;
                acked += c.len;
                // Karn: only chunks sent once give RTT samples (§6.3.1 C5)
                if (c.sends == 1) rtt = now - c.sentAt;
            }
            buffered -= c.len;
        }
        if (advanced) cumAck = cum;
        if (advancedAckPoint < cumAck) advancedAckPoint = cumAck;
        long highestGapAcked = cum;
        for (int i = 0; i < gapStarts.length; i++) {
            long from = cum + gapStarts[i], to = cum + gapEnds[i];
            if (to > highestGapAcked) highestGapAcked = to;
            for (Chunk c : chunks) {
                if (c.tsn > to) break;
                if (c.tsn >= from && !c.acked) {
                    c.acked = true;
                    if (c.inFlight) {
                        flight -= c.len;
                        acked += c.len;
                        c.inFlight = false;
                    }
                }
            }
        }
        // §7.2.4: miss indications for chunks below the highest acked one
        boolean fast = false;
        for (Chunk c : chunks) {
            if (c.tsn >= highestGapAcked) break;
            if (c.acked || !c.inFlight) continue;
            if (++c.misses == 3) {
                c.inFlight = false;
                flight -= c.len;
                if (!abandonIfSpent(c)) markRetransmit(c);
                fast = true;
            }
        }
        if (fast && !fastRecovery) {
            ssthresh = Math.max(cwnd / 2, 4L * mtu);
            cwnd = ssthresh;
            partialBytesAcked = 0;
            fastRecovery = true;
            recoveryPoint = nextTsn - 1;
        }
        if (fastRecovery && cumAck >= recoveryPoint) fastRecovery = false;
        if (advanced && !fastRecovery && acked > 0) {
            if (cwnd <= ssthresh) {
                cwnd += Math.min(acked, mtu); // slow start (§7.2.1)
            } else {
                partialBytesAcked += acked; // congestion avoidance (§7.2.2)
                if (partialBytesAcked >= cwnd) {
                    partialBytesAcked -= cwnd;
                    cwnd += mtu;
                }
            }
        }
        peerRwnd = Math.max(0, rwnd - flight);
        advanceAckPoint();
        return new SackResult(advanced, rtt, fast);
    }

    /** T3-rtx expired (§6.3.3): everything in flight is retransmitted (or abandoned), cwnd one MTU. */
    void onT3Expired() {
        ssthresh = Math.max(cwnd / 2, 4L * mtu);
        cwnd = mtu;
        partialBytesAcked = 0;
        fastRecovery = false;
        for (Chunk c : chunks) {
            if (!c.inFlight) continue;
            c.inFlight = false;
            if (!abandonIfSpent(c)) markRetransmit(c);
        }
        flight = 0;
        advanceAckPoint();
    }

    private void markRetransmit(Chunk c) {
        c.retransmit = true;
        retransmits.add(c);
    }

    /** RFC 3758 §3.5 A: a chunk that used its retransmissions is abandoned with its whole message. */
    private boolean abandonIfSpent(Chunk c) {
        if (c.maxRetransmits < 0 || c.sends <= c.maxRetransmits) return false;
        for (Chunk o : chunks) {
            if (o.messageId != c.messageId || o.abandoned) continue;
            o.abandoned = true;
            o.retransmit = false;
            if (o.inFlight) {
                o.inFlight = false;
                flight -= o.len;
            }
        }
        return true;
    }

    private void advanceAckPoint() {
        long point = cumAck;
        for (Chunk c : chunks) {
            if (c.tsn != point + 1 || !c.abandoned) break;
            point = c.tsn;
        }
        if (point > advancedAckPoint) advancedAckPoint = point;
    }

    /** True when a FORWARD-TSN should tell the peer to move past abandoned chunks (RFC 3758 §3.5 C). */
    boolean forwardTsnNeeded() {
        return advancedAckPoint > cumAck;
    }

    /** Writes a FORWARD-TSN chunk (RFC 3758 §3.2); returns its length. */
    int writeForwardTsn(byte[] b, int off, int room) {
        Map<Integer, Integer> lastSsn = new HashMap<>();
        for (Chunk c : chunks) {
            if (c.tsn > advancedAckPoint) break;
            if (!c.unordered()) lastSsn.put(c.stream, c.ssn);
        }
        int p = off + 8;
        for (Iterator<Map.Entry<Integer, Integer>> it = lastSsn.entrySet().iterator(); it.hasNext()
                && p + 4 <= off + room; ) {
            Map.Entry<Integer, Integer> e = it.next();
            SctpPacket.put16(b, p, e.getKey());
            SctpPacket.put16(b, p + 2, e.getValue());
            p += 4;
        }
        b[off] = (byte) ChunkType.FORWARD_TSN;
        b[off + 1] = 0;
        SctpPacket.put16(b, off + 2, p - off);
        SctpPacket.put32(b, off + 4, Tsn.wire(advancedAckPoint));
        return p - off;
    }
}
