package org.passerelle.sip.rtp;

/**
 * Hands out even RTP ports from a range (RFC 3550 §11: RTP on an even port, RTCP on the next odd
 * one). Round robin, so a freed port is reused only after the others, which keeps late packets of
 * an old call away from a new one; thread-safe.
 */
public final class RtpPortAllocator {
    private final int first;
    private final boolean[] used;
    private int next;
    private int inUse;

    /** @param min first port (rounded up to even), @param max last port (inclusive) */
    public RtpPortAllocator(int min, int max) {
        int lo = (min + 1) & ~1;
        if (lo < 1024 || max > 65535 || max < lo + 1) {
            throw new IllegalArgumentException("bad RTP port range " + min + "-" + max);
        }
        this.first = lo;
        // Each slot is an even port whose odd RTCP neighbour is also in range.
        this.used = new boolean[(max - lo + 1) / 2];
    }

    /** An even free port, or -1 when all are taken. */
    public synchronized int allocate() {
        for (int i = 0; i < used.length; i++) {
            int slot = (next + i) % used.length;
            if (!used[slot]) {
                used[slot] = true;
                inUse++;
                next = (slot + 1) % used.length;
                return first + 2 * slot;
            }
        }
        return -1;
    }

    public synchronized void release(int port) {
        int slot = (port - first) / 2;
        if (port % 2 != 0 || slot < 0 || slot >= used.length || !used[slot]) return;
        used[slot] = false;
        inUse--;
    }

    public synchronized int inUse() {
        return inUse;
    }

    public int capacity() {
        return used.length;
    }
}
