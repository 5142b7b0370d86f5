package org.passerelle.webrtc.sctp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The receiving half of an association: which TSNs arrived (for SACK, RFC 9260 §6.2), DATA
 * fragments put back together (B/E bits, §6.9) and delivered in SSN order per stream or at once
 * when unordered (§6.6), FORWARD-TSN skipping (RFC 3758 §3.6), and incoming stream resets
 * (RFC 6525 §5.2.2). Every byte the peer makes us hold is bounded.
 */
final class ReceiveQueue {
    /** Where complete messages go. */
    interface Sink {
        void message(int stream, int ppid, byte[] data);
    }

    enum Result { ACCEPTED, DUPLICATE, NO_SPACE, INVALID_STREAM, TOO_BIG }

    private record Fragment(long tsn, int flags, int stream, int ssn, int ppid, byte[] data) {
        boolean begin() { return (flags & ChunkType.FLAG_BEGIN) != 0; }
        boolean end() { return (flags & ChunkType.FLAG_END) != 0; }
        boolean unordered() { return (flags & ChunkType.FLAG_UNORDERED) != 0; }
    }

    /** A complete ordered message waiting for its turn; data null for one dropped as too big. */
    private record Ready(int ppid, byte[] data) {}

    private static final class StreamIn {
        int nextSsn;
        final TreeMap<Integer, Ready> ready = new TreeMap<>();
    }

    private static final int MAX_GAP_BLOCKS = 64;
    /** Chunks and complete messages held at once: tiny chunks must not cost more than bytes say. */
    static final int MAX_HELD = 16384;
    /** How far above the cumulative TSN a chunk may be (far more than any window we advertise). */
    private static final long MAX_TSN_AHEAD = 65536;
    private static final int MAX_DUPLICATES = 16;

    private final int bufferLimit;
    private final int maxMessage;
    private final int inboundStreams;
    private final Sink sink;
    private long cumTsn;
    private final TreeMap<Long, Fragment> fragments = new TreeMap<>();
    /** TSNs above cumTsn that arrived. */
    private final TreeSet<Long> received = new TreeSet<>();
    private final Map<Integer, StreamIn> streams = new HashMap<>();
    private final List<Long> duplicates = new ArrayList<>();
    private int bufferedBytes;
    private int readyMessages;
    private long droppedTooBig;

    ReceiveQueue(int bufferLimit, int maxMessage, int inboundStreams, Sink sink) {
        this.bufferLimit = bufferLimit;
        this.maxMessage = maxMessage;
        this.inboundStreams = inboundStreams;
        this.sink = sink;
    }

    void init(long peerInitialTsn) {
        cumTsn = peerInitialTsn - 1;
    }

    long cumulativeTsn() { return cumTsn; }

    int bufferedBytes() { return bufferedBytes; }

    /** Our advertised receiver window (RFC 9260 §6.2.1). */
    long window() { return Math.max(0, bufferLimit - bufferedBytes); }

    boolean hasGaps() { return !received.isEmpty(); }

    long droppedTooBig() { return droppedTooBig; }

    /** One DATA chunk. */
    Result onData(long wireTsn, int flags, int stream, int ssn, int ppid, byte[] b, int off, int len) {
        long tsn = Tsn.unwrap(wireTsn, cumTsn);
        if (tsn <= cumTsn || received.contains(tsn)) {
            if (duplicates.size() < MAX_DUPLICATES) duplicates.add(tsn);
            return Result.DUPLICATE;
        }
        // far beyond any window we advertised: not acceptable (RFC 9260 §6.2, "drop and report")
        if (tsn - cumTsn > MAX_TSN_AHEAD) return Result.NO_SPACE;
        if (stream >= inboundStreams) {
            // RFC 9260 §6.5: Invalid Stream Identifier; the TSN is acknowledged and the data dropped
            markReceived(tsn);
            return Result.INVALID_STREAM;
        }
        // the next in-sequence chunk may use some slack so that a full buffer can always drain
        int limit = tsn == cumTsn + 1 ? bufferLimit + maxMessage : bufferLimit;
        if (bufferedBytes + len > limit) return Result.NO_SPACE;
        if (fragments.size() + readyMessages >= MAX_HELD && tsn != cumTsn + 1) return Result.NO_SPACE;
        byte[] data = new byte[len];
        System.arraycopy(b, off, data, 0, len);
        Fragment f = new Fragment(tsn, flags, stream, ssn, ppid, data);
        fragments.put(tsn, f);
        bufferedBytes += len;
        markReceived(tsn);
        return assemble(f) ? Result.ACCEPTED : Result.TOO_BIG;
    }

    private void markReceived(long tsn) {
        received.add(tsn);
        while (!received.isEmpty() && received.first() == cumTsn + 1) {
            cumTsn = received.pollFirst();
        }
    }

    /** Puts the message holding {@code f} together when all its fragments are here; false when too big. */
    private boolean assemble(Fragment f) {
        Fragment first = f;
        long size = f.data().length;
        while (!first.begin()) {
            Fragment prev = fragments.get(first.tsn() - 1);
            if (prev == null || !sameMessage(prev, f) || prev.end()) return true;
            first = prev;
            size += prev.data().length;
        }
        Fragment last = f;
        while (!last.end()) {
            Fragment next = fragments.get(last.tsn() + 1);
            if (next == null || !sameMessage(next, f) || next.begin()) return true;
            last = next;
            size += next.data().length;
        }
        NavigableMap<Long, Fragment> parts = fragments.subMap(first.tsn(), true, last.tsn(), true);
        byte[] message = null;
        if (size <= maxMessage) {
            message = new byte[(int) size];
            int pos = 0;
            for (Fragment p : parts.values()) {
                System.arraycopy(p.data(), 0, message, pos, p.data().length);
                pos += p.data().length;
            }
        } else {
            droppedTooBig++;
        }
        parts.clear();
        bufferedBytes -= (int) size;
        if (first.unordered()) {
            if (message != null) sink.message(first.stream(), first.ppid(), message);
        } else {
            StreamIn s = streams.computeIfAbsent(first.stream(), k -> new StreamIn());
            if (Tsn.ssnAfter(s.nextSsn, first.ssn())) return message != null; // stale (after FORWARD-TSN)
            if (s.ready.put(first.ssn(), new Ready(first.ppid(), message)) == null) readyMessages++;
            if (message != null) bufferedBytes += message.length;
            deliver(first.stream(), s);
        }
        return message != null;
    }

    private static boolean sameMessage(Fragment a, Fragment b) {
        if (a.stream() != b.stream() || a.unordered() != b.unordered()) return false;
        return a.unordered() || a.ssn() == b.ssn();
    }

    private void deliver(int stream, StreamIn s) {
        Ready r;
        while ((r = s.ready.remove(s.nextSsn)) != null) {
            readyMessages--;
            s.nextSsn = (s.nextSsn + 1) & 0xffff;
            if (r.data() != null) {
                bufferedBytes -= r.data().length;
                sink.message(stream, r.ppid(), r.data());
            }
        }
    }

    /** FORWARD-TSN (RFC 3758 §3.6): skip to {@code wireNewCum}, and past the given SSNs per stream. */
    void onForwardTsn(long wireNewCum, int[] fwdStreams, int[] fwdSsns) {
        long newCum = Tsn.unwrap(wireNewCum, cumTsn);
        if (newCum > cumTsn) {
            NavigableMap<Long, Fragment> skipped = fragments.headMap(newCum, true);
            for (Fragment f : skipped.values()) bufferedBytes -= f.data().length;
            skipped.clear();
            received.headSet(newCum, true).clear();
            cumTsn = newCum;
            markReceivedAdvance();
        }
        for (int i = 0; i < fwdStreams.length; i++) {
            StreamIn s = streams.get(fwdStreams[i]);
            if (s == null) {
                if (fwdStreams[i] >= inboundStreams) continue;
                s = new StreamIn();
                streams.put(fwdStreams[i], s);
            }
            int next = (fwdSsns[i] + 1) & 0xffff;
            if (Tsn.ssnAfter(next, s.nextSsn)) {
                for (Iterator<Map.Entry<Integer, Ready>> it = s.ready.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Integer, Ready> e = it.next();
                    if (Tsn.ssnAfter(next, e.getKey())) {
                        if (e.getValue().data() != null) bufferedBytes -= e.getValue().data().length;
                        it.remove();
                        readyMessages--;
                    }
                }
                s.nextSsn = next;
            }
            deliver(fwdStreams[i], s);
        }
    }

    private void markReceivedAdvance() {
        while (!received.isEmpty() && received.first() <= cumTsn + 1) {
            long t = received.pollFirst();
            if (t == cumTsn + 1) cumTsn = t;
        }
    }

    /** RFC 6525 §5.2.2: the peer's outgoing streams restart at SSN 0. */
    void resetStreams(int[] ids) {
        for (int id : ids) {
            StreamIn s = streams.get(id);
            if (s == null) continue;
            s.nextSsn = 0;
            deliver(id, s);
        }
    }

    /**
     * Writes a SACK chunk (RFC 9260 §3.3.4) at {@code off}, gap blocks relative to the cumulative
     * TSN; clears the duplicate list. Returns the chunk length.
     */
    int writeSack(byte[] b, int off, int room) {
        int maxBlocks = Math.min(MAX_GAP_BLOCKS, (room - 16 - duplicates.size() * 4) / 4);
        int blocks = 0;
        int p = off + 16;
        long start = -1, end = -1;
        for (long t : received) {
            if (blocks >= maxBlocks) break;
            if (start < 0) { start = end = t; continue; }
            if (t == end + 1) { end = t; continue; }
            SctpPacket.put16(b, p, (int) (start - cumTsn));
            SctpPacket.put16(b, p + 2, (int) (end - cumTsn));
            p += 4;
            blocks++;
            start = end = t;
        }
        if (start >= 0 && blocks < maxBlocks) {
            SctpPacket.put16(b, p, (int) (start - cumTsn));
            SctpPacket.put16(b, p + 2, (int) (end - cumTsn));
            p += 4;
            blocks++;
        }
        int dups = Math.max(0, Math.min(duplicates.size(), (room - (p - off)) / 4));
        for (int i = 0; i < dups; i++) {
            SctpPacket.put32(b, p, Tsn.wire(duplicates.get(i)));
            p += 4;
        }
        duplicates.clear();
        b[off] = (byte) ChunkType.SACK;
        b[off + 1] = 0;
        SctpPacket.put16(b, off + 2, p - off);
        SctpPacket.put32(b, off + 4, Tsn.wire(cumTsn));
        SctpPacket.put32(b, off + 8, window());
        SctpPacket.put16(b, off + 12, blocks);
        SctpPacket.put16(b, off + 14, dups);
        return p - off;
    }
}
