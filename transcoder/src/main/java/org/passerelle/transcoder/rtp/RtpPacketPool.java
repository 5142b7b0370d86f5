package org.passerelle.transcoder.rtp;

/**
 * A bounded pool of {@link RtpPacket}s. One pool per call leg keeps the lock private to that leg
 * (no lock shared by all calls). An empty pool allocates (counted as a miss); a full pool lets
 * the returned packet go to the garbage collector.
 */
public final class RtpPacketPool {
    private final RtpPacket[] free;
    private int size;
    private long misses;

    public RtpPacketPool(int capacity) {
        this.free = new RtpPacket[capacity];
    }

    public synchronized RtpPacket acquire() {
        if (size == 0) {
            misses++;
            return new RtpPacket(this);
        }
        RtpPacket p = free[--size];
        free[size] = null;
        p.setLength(0);
        p.setArrivalNanos(0);
        return p;
    }

    synchronized void release(RtpPacket p) {
        if (size < free.length) free[size++] = p;
    }

    /** Packets allocated because the pool was empty; flat in steady state. */
    public synchronized long misses() { return misses; }

    public synchronized int available() { return size; }
}
