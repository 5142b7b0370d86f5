package org.passerelle.sip.rtp;

import org.passerelle.transcoder.NanoClock;

/**
 * Tells when no RTP has arrived for too long. Paused while the call is on hold (a held phone may
 * legitimately send nothing, RFC 3264 §8.4). Written by the event loop, read by a timer.
 */
public final class RtpActivityWatch {
    private final NanoClock clock;
    private final long timeoutNanos;
    private volatile long lastNanos;
    private volatile boolean paused = true;

    public RtpActivityWatch(NanoClock clock, long timeoutNanos) {
        if (timeoutNanos <= 0) throw new IllegalArgumentException("timeout " + timeoutNanos);
        this.clock = clock;
        this.timeoutNanos = timeoutNanos;
        this.lastNanos = clock.nanoTime();
    }

    /** A packet arrived at {@code nowNanos} (the clock's time, taken once by the receiver). */
    public void packetAt(long nowNanos) {
        lastNanos = nowNanos;
    }

    /** Starts or restarts watching from now (call established, or resumed from hold). */
    public void resume() {
        lastNanos = clock.nanoTime();
        paused = false;
    }

    /** Stops watching (on hold). */
    public void pause() {
        paused = true;
    }

    public boolean paused() {
        return paused;
    }

    /** True when watching and the last packet (or resume) is older than the timeout. */
    public boolean expired() {
        return !paused && clock.nanoTime() - lastNanos >= timeoutNanos;
    }
}
