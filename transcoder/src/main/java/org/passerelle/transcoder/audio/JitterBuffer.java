package org.passerelle.transcoder.audio;

import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * Adaptive jitter buffer for one received RTP audio stream.
 *
 * <h2>Use</h2>
 * The receiver sets {@link RtpPacket#arrivalNanos()} (same clock as this buffer) and calls
 * {@link #put}; the buffer then owns the packet and releases it when it is late, duplicate,
 * off-timeline, flushed or pushed out by a flood. The consumer, driven by the media clock, calls
 * {@link #poll()} whenever it needs audio for the tick starting now:
 * <ul>
 *   <li>{@link Outcome#PACKET}: call {@link #take()} and decode the packet (ownership passes to
 *       the caller, who releases it). Packets come out in timestamp order.</li>
 *   <li>{@link Outcome#CONCEAL}: a frame is missing (lost or not there in time, or the buffer is
 *       stretching to grow its delay): conceal {@link #lastDurationUnits()} timestamp units
 *       (decoder PLC).</li>
 *   <li>{@link Outcome#EMPTY}: nothing buffered: before the first packet, or an underrun
 *       (silence suppression or lost tail). Play silence or fading PLC for one frame.</li>
 *   <li>{@link Outcome#WAIT}: the audio already handed out still covers this tick (e.g. after a
 *       60 ms packet with a 20 ms clock), or the next packet's playout time has not come.</li>
 * </ul>
 * A consumer with a 20 ms clock and 10 ms packets polls again after a 10 ms PACKET; it stops at
 * WAIT or when it holds enough audio for its tick.
 *
 * <h2>Timing model</h2>
 * Everything is derived from RTP timestamps (RFC 3550 §5.1), not an assumed 20 ms ptime: the
 * frame length is learned from consecutive packets. A packet with timestamp {@code ts} plays at
 * {@code base + ts/clockRate + offset}; it is due once its playout time falls within the coming
 * tick. Its transit ({@code arrival - ts/clockRate}) compared with the fastest recent transit is
 * how late the network made it; the target delay is
 * {@code tick + max(peak lateness, 3 × jitter)} clamped to [min, max], where the peak grows at
 * once and decays with a 5 s time constant, and jitter is the RFC 3550 §A.8 interarrival jitter
 * estimate. The actual delay follows the target, judged at the consumer's ticks: a frame is safe
 * to play once {@code target - tick} (the jitter margin) has passed since the fastest transit
 * would have brought it, and what matters is only whether that is so by the tick that plays it.
 * Its <em>slack</em> is how long after that safe time the tick plays it. The delay grows at once,
 * by one concealed frame per poll, when the frame due now would play more than
 * {@value #GROW_TOLERANCE_MS} ms before its safe time (the target rose, or so did the fastest
 * transit); it shrinks, by dropping at most one buffered frame per {@value #SHRINK_INTERVAL_MS}
 * ms, when every frame played in such a window had a slack of a whole frame plus
 * {@value #SHRINK_GUARD_MS} ms (one tick earlier would still have been safe; a missing frame in
 * the window forbids it). So each frame plays at the first tick after its safe time, whatever the
 * phase of the ticks against the arrivals: the delay from the fastest arrival stays within
 * [margin − tolerance, margin + tick + guard), not within a band of the continuous delay a tick
 * and a half wide. The delay is reset to the target at a talkspurt start (marker bit, RFC 3551
 * §4.1) when the buffer is empty. A consumer that falls more than {@value #STALL_TICKS} tick
 * behind the timeline (it started after the stream or stalled) is resynchronised at once: the
 * stale frames are dropped rather than kept as delay for good.
 *
 * <h2>Robustness</h2>
 * Sequence numbers and timestamps are extended across wrap-around (RFC 3550 §A.1). Duplicates
 * are detected with a 64-packet window. A packet whose transit differs from the stream's by more
 * than {@value #RESYNC_MS} ms is off-timeline (sender restarted, big timestamp jump): it resyncs
 * the buffer at once when it carries the marker bit, else after {@value #RESYNC_PACKETS}
 * consecutive such packets; until then they are dropped as too far ahead (or late). A new SSRC
 * resyncs at once. The buffer holds at most {@code capacity} packets; a flood releases the
 * oldest.
 *
 * <p>Allocation-free after construction. {@code put} (network thread) and {@code poll/take}
 * (media clock) synchronise on this buffer only, a lock private to one stream.
 */
public final class JitterBuffer {
    static final int SHRINK_INTERVAL_MS = 500;
    /**
     * The consumer's ticks are not exact (a media-clock lane ticks its rooms one after the other)
     * and the fastest transit is re-estimated every 5 s: a frame may play this much before its
     * safe time without a stretch, so that such wobbles do not stretch at once.
     */
    static final int GROW_TOLERANCE_MS = 2;
    /**
     * Slack kept beyond a whole frame when shrinking: with {@link #GROW_TOLERANCE_MS}, a band of
     * 7 ms beyond the tick within which the delay is left alone, so that a decaying target does
     * not shrink and the next spike stretch again, back and forth.
     */
    static final int SHRINK_GUARD_MS = 5;
    /** The consumer is this many ticks behind the timeline: it stalled or started late. */
    static final int STALL_TICKS = 1;
    static final int RESYNC_MS = 1000;
    static final int RESYNC_PACKETS = 3;
    private static final double PEAK_DECAY_NANOS = 5e9;
    private static final int MAX_DROPOUT = 3000;   // RFC 3550 §A.1
    private static final int MAX_FRAME_MS = 120;

    /** What the consumer should do for the coming tick. */
    public enum Outcome { PACKET, CONCEAL, EMPTY, WAIT }

    private enum State { IDLE, PLAYING }

    /**
     * @param clockRate RTP timestamp clock (8000 for PCMU/G.722, 48000 for Opus)
     * @param minDelayMs lower bound of the target delay, at least the tick
     * @param maxDelayMs upper bound of the target delay
     * @param capacity packets held at most
     * @param tickMs period of the consumer's media clock
     */
    public record Config(int clockRate, int minDelayMs, int maxDelayMs, int capacity, int tickMs) {
        public Config {
            if (clockRate <= 0 || tickMs <= 0 || minDelayMs < tickMs || maxDelayMs < minDelayMs
                    || maxDelayMs >= RESYNC_MS || capacity < 2) {
                throw new IllegalArgumentException("bad jitter buffer config " + this);
            }
        }

        /** 20 ms to 200 ms, 64 packets, 20 ms clock. */
        public static Config defaults(int clockRate) {
            return new Config(clockRate, 20, 200, 64, 20);
        }
    }

    /** Counters since construction, for logs and metrics. */
    public record Stats(long received, long lost, long concealed, long late, long duplicate, long reordered,
                        long tooFarAhead, long overflow, long resyncs, long stretched, long shrunk,
                        long underruns, int targetDelayMs, int currentDelayMs, double jitterMs) {
    }

    private final NanoClock clock;
    private final Config config;
    private final int rate;
    private final long minDelayNanos;
    private final long maxDelayNanos;
    private final long tickNanos;

    // Buffered packets, sorted by extended timestamp then sequence; the head is index 0.
    private final RtpPacket[] slots;
    private final long[] slotTs;
    private final long[] slotSeq;
    private int count;
    private RtpPacket ready;

    private State state = State.IDLE;
    private boolean hasStream;
    private long ssrc;
    private long highestSeq;      // extended
    private long highestSeqTs;    // extended timestamp of the highest-sequence packet
    private long seqWindow;       // bit i: highestSeq - i was received
    private long baseTs;          // extended timestamp mapped to baseNanos
    private long baseNanos;
    private long frameUnits;
    private long lastDurationUnits;

    private long nextTs;          // extended timestamp of the next frame to play
    private boolean nextIsGuess;  // nextTs came from a guessed duration of the last packet
    private long lastPlayedSeq;   // extended sequence of the last packet handed out
    private long playoutOffset;   // playout(ts) = baseNanos + tsNanos(ts) + playoutOffset
    private long slackWindowStart; // start of the current window of slack observations
    private long minSlack = Long.MAX_VALUE; // least slack of the frames played in that window

    private boolean hasTransit;
    private long prevTransit;
    private double jitterNanos;   // RFC 3550 §A.8, kept in nanoseconds
    private long curMinTransit;
    private long prevMinTransit;
    private long windowStart;
    private double peakSpread;
    private long peakAt;

    private int candSeq = -1;
    private long candTransit;
    private int candCount;

    private long lostConfirmed;   // sequence numbers shifted out of the window unreceived
    private long received, concealed, late, duplicate, reordered, tooFarAhead, overflow, resyncs;
    private long stretched, shrunk, underruns;

    public JitterBuffer(NanoClock clock, Config config) {
        this.clock = clock;
        this.config = config;
        this.rate = config.clockRate();
        this.minDelayNanos = config.minDelayMs() * 1_000_000L;
        this.maxDelayNanos = config.maxDelayMs() * 1_000_000L;
        this.tickNanos = config.tickMs() * 1_000_000L;
        this.slots = new RtpPacket[config.capacity()];
        this.slotTs = new long[config.capacity()];
        this.slotSeq = new long[config.capacity()];
        this.frameUnits = (long) rate * 20 / 1000;
        this.lastDurationUnits = frameUnits;
    }

    public JitterBuffer(NanoClock clock, int clockRate) {
        this(clock, Config.defaults(clockRate));
    }

    public Config config() { return config; }

    /** Takes ownership of {@code p}. */
    public synchronized void put(RtpPacket p) {
        received++;
        if (!p.isValid()) {
            p.release();
            return;
        }
        long arrival = p.arrivalNanos();
        if (!hasStream || p.ssrc() != ssrc) {
            if (hasStream) resyncs++;
            startStream(p);
            insert(p, highestSeq, highestSeqTs);
            return;
        }
        int seq = p.sequence();
        long extTs = highestSeqTs + (int) (p.timestamp() - (highestSeqTs & 0xffffffffL));
        long transit = arrival - baseNanos - tsNanos(extTs);
        long minTransit = minTransit();
        if (Math.abs(transit - minTransit) > RESYNC_MS * 1_000_000L) {
            offTimeline(p, seq, transit, transit < minTransit);
            return;
        }
        candCount = 0;

        int seqDelta = (short) (seq - (int) (highestSeq & 0xffff));
        long extSeq;
        if (Math.abs(seqDelta) > MAX_DROPOUT) {
            // Sequence jumped but timing is consistent: a restarted sender (RFC 3550 §A.1).
            extSeq = ((highestSeq >> 16) + 1 << 16) + seq;
            lostConfirmed += 64 - Long.bitCount(seqWindow);
            seqWindow = ~0L;
            highestSeq = extSeq - 1;
            lastPlayedSeq = extSeq - 1;
        } else {
            extSeq = highestSeq + seqDelta;
        }
        long behind = highestSeq - extSeq;
        if (behind >= 64) {
            late++;
            p.release();
            return;
        }
        if (behind >= 0 && (seqWindow & (1L << behind)) != 0) {
            duplicate++;
            p.release();
            return;
        }
        observe(extSeq, extTs, transit, arrival);

        if (p.marker() && count == 0 && ready == null) {
            // Talkspurt start with nothing queued: apply the target delay afresh (RFC 3551 §4.1).
            anchor(extTs);
        }
        if (state == State.PLAYING && nextIsGuess && extSeq == lastPlayedSeq + 1 && extTs < nextTs) {
            nextTs = extTs; // the last packet was shorter than guessed: nothing is missing
        }
        if (state == State.PLAYING && extTs < nextTs) {
            late++;
            p.release();
            return;
        }
        if (state == State.IDLE) anchor(extTs);
        insert(p, extSeq, extTs);
    }

    /** Decides what the consumer plays for the tick starting now; see the class comment. */
    public synchronized Outcome poll() {
        if (ready != null) return Outcome.PACKET;
        if (state == State.IDLE) return Outcome.EMPTY;
        long now = clock.nanoTime();
        // A regular consumer keeps playout(nextTs) within a tick of now: every poll moves the
        // timeline on by one frame whether it plays, conceals or underruns. A timeline lagging
        // further means the consumer did not poll for a while (started after the stream, or a
        // stalled clock): the frames since sit in the buffer as extra delay that nothing else
        // would ever remove (one frame out per tick keeps the backlog). Resynchronise at once.
        if (now - playout(nextTs) > STALL_TICKS * tickNanos) catchUp(now);
        if (state == State.IDLE) return Outcome.EMPTY;
        if (nextIsGuess && count > 0 && slotSeq[0] == lastPlayedSeq + 1) {
            nextTs = slotTs[0]; // consecutive: the last packet was longer or shorter than guessed
            nextIsGuess = false;
        }
        if (playout(nextTs) - now > tickNanos) return Outcome.WAIT;

        // Tick-aware delay control. Only whether a frame is there by the tick that plays it
        // matters, so the delay is judged by the slack of this tick: how long after the frame's
        // safe time (fastest transit + jitter margin) it plays now. The continuous playout
        // offset alone cannot tell, within a tick, where the consumer's ticks fall.
        long margin = targetDelayNanos() - tickNanos;
        long frameNanos = unitsToNanos(frameUnits);
        if (slack(nextTs, margin, now) < -GROW_TOLERANCE_MS * 1_000_000L) {
            // Grow at once: this tick would play the frame before its safe time (by more than
            // the tolerance). Hold the timeline back one frame and let the decoder conceal it.
            playoutOffset += frameNanos;
            stretched++;
            lastDurationUnits = frameUnits;
            restartSlackWindow(now);
            return Outcome.CONCEAL;
        }
        while (count > 0 && slotTs[0] < nextTs + frameUnits / 2) {
            long dur = durationOfHead();
            minSlack = Math.min(minSlack, slack(slotTs[0], margin, now));
            if (now - slackWindowStart >= SHRINK_INTERVAL_MS * 1_000_000L) {
                // Shrink slowly: when every frame of the window played at least a whole frame
                // (plus a guard) after its safe time, one tick earlier would still have been
                // safe: skip one frame that is already buffered.
                boolean shrink = count >= 2 && minSlack >= unitsToNanos(dur) + SHRINK_GUARD_MS * 1_000_000L;
                restartSlackWindow(now);
                if (shrink) {
                    RtpPacket drop = removeHead();
                    drop.release();
                    shrunk++;
                    playoutOffset -= unitsToNanos(dur);
                    nextTs = slotTs[0];
                    lastPlayedSeq = slotSeq[0] - 1;
                    continue;
                }
            }
            long ts = slotTs[0];
            nextIsGuess = !(count >= 2 && slotSeq[1] == slotSeq[0] + 1);
            lastPlayedSeq = slotSeq[0];
            ready = removeHead();
            nextTs = ts + dur;
            lastDurationUnits = dur;
            return Outcome.PACKET;
        }
        // A frame missing when due: this window must not be used to shrink.
        minSlack = Long.MIN_VALUE;
        if (count > 0) {
            long gap = Math.min(frameUnits, slotTs[0] - nextTs);
            nextTs += gap;
            nextIsGuess = false;
            lastDurationUnits = gap;
            concealed++;
            return Outcome.CONCEAL;
        }
        nextTs += frameUnits;
        nextIsGuess = false;
        lastDurationUnits = frameUnits;
        underruns++;
        return Outcome.EMPTY;
    }

    /** The packet announced by {@link Outcome#PACKET}; the caller now owns it. */
    public synchronized RtpPacket take() {
        RtpPacket p = ready;
        if (p == null) throw new IllegalStateException("poll() did not return PACKET");
        ready = null;
        return p;
    }

    /** Timestamp units covered by the last PACKET, CONCEAL or EMPTY outcome. */
    public synchronized long lastDurationUnits() { return lastDurationUnits; }

    /** Releases everything held and forgets the stream (counters are kept). */
    public synchronized void clear() {
        while (count > 0) removeHead().release();
        if (ready != null) {
            ready.release();
            ready = null;
        }
        state = State.IDLE;
        hasStream = false;
        hasTransit = false;
        candCount = 0;
    }

    public synchronized int size() { return count + (ready != null ? 1 : 0); }
    public synchronized long received() { return received; }
    /**
     * Packets never received: expected minus received sequence numbers, RFC 3550 §6.4.1 (a
     * packet that arrives late still counts as received).
     */
    public synchronized long lost() { return lostConfirmed + 64 - Long.bitCount(seqWindow); }
    /** Frames concealed because their packet was missing when due while later ones were there. */
    public synchronized long concealed() { return concealed; }
    /** Packets that arrived after their playout time, released. */
    public synchronized long late() { return late; }
    public synchronized long duplicate() { return duplicate; }
    /** Packets that arrived after one with a higher sequence number. */
    public synchronized long reordered() { return reordered; }
    /** Off-timeline packets ahead of the stream, released (unless they started a resync). */
    public synchronized long tooFarAhead() { return tooFarAhead; }
    /** Packets released because the buffer was full. */
    public synchronized long overflow() { return overflow; }
    public synchronized long resyncs() { return resyncs; }
    /** Frames concealed to grow the delay. */
    public synchronized long stretched() { return stretched; }
    /** Packets skipped to shrink the delay. */
    public synchronized long shrunk() { return shrunk; }
    public synchronized long underruns() { return underruns; }
    /** Learned packet duration in timestamp units. */
    public synchronized long frameUnits() { return frameUnits; }
    public synchronized int targetDelayMs() { return (int) Math.round(targetDelayNanos() / 1e6); }
    /** Delay applied now to the fastest packets (0 before the first packet). */
    public synchronized int currentDelayMs() {
        return state == State.IDLE ? 0 : (int) Math.round(currentDelayNanos() / 1e6);
    }
    public synchronized double jitterMs() { return jitterNanos / 1e6; }
    /** Interarrival jitter in timestamp units, as RTCP receiver reports carry it (RFC 3550 §6.4.1). */
    public synchronized long jitterUnits() { return Math.round(jitterNanos * rate / 1e9); }

    public synchronized Stats stats() {
        return new Stats(received, lost(), concealed, late, duplicate, reordered, tooFarAhead, overflow, resyncs,
                stretched, shrunk, underruns, targetDelayMs(), currentDelayMs(), jitterMs());
    }

    // ---- internals ----

    private void startStream(RtpPacket p) {
        while (count > 0) removeHead().release();
        ssrc = p.ssrc();
        highestSeq = p.sequence();
        highestSeqTs = p.timestamp();
        if (hasStream) lostConfirmed += 64 - Long.bitCount(seqWindow);
        seqWindow = ~0L; // sequence numbers before the stream count as received
        lastPlayedSeq = highestSeq - 1;
        nextIsGuess = false;
        baseTs = highestSeqTs;
        baseNanos = p.arrivalNanos();
        hasTransit = true;
        prevTransit = 0;
        jitterNanos = 0;
        curMinTransit = 0;
        prevMinTransit = 0;
        windowStart = baseNanos;
        peakAt = baseNanos;
        candCount = 0;
        hasStream = true;
        anchor(highestSeqTs);
    }

    private void anchor(long extTs) {
        nextTs = extTs;
        nextIsGuess = false;
        playoutOffset = minTransit() + targetDelayNanos();
        state = State.PLAYING;
        restartSlackWindow(clock.nanoTime());
    }

    private void offTimeline(RtpPacket p, int seq, long transit, boolean ahead) {
        boolean follows = candCount > 0 && ((seq - candSeq) & 0xffff) == 1
                && Math.abs(transit - candTransit) < RESYNC_MS * 1_000_000L / 2;
        candCount = follows ? candCount + 1 : 1;
        candSeq = seq;
        candTransit = transit;
        if (p.marker() || candCount >= RESYNC_PACKETS) {
            resyncs++;
            startStream(p);
            insert(p, highestSeq, highestSeqTs);
            return;
        }
        if (ahead) tooFarAhead++;
        else late++;
        p.release();
    }

    /** Statistics of an accepted packet: RFC 3550 §A.8 jitter, transit floor, frame length. */
    private void observe(long extSeq, long extTs, long transit, long arrival) {
        if (hasTransit) {
            long d = Math.abs(transit - prevTransit);
            jitterNanos += (d - jitterNanos) / 16.0;
        }
        prevTransit = transit;
        hasTransit = true;

        if (arrival - windowStart > 5_000_000_000L) {
            prevMinTransit = curMinTransit;
            curMinTransit = transit;
            windowStart = arrival;
        } else if (transit < curMinTransit) {
            curMinTransit = transit;
        }
        double spread = transit - minTransit();
        peakSpread *= Math.exp(-(arrival - peakAt) / PEAK_DECAY_NANOS);
        peakAt = arrival;
        if (spread > peakSpread) peakSpread = spread;

        if (extSeq > highestSeq) {
            long shift = extSeq - highestSeq;
            if (shift == 1) {
                long d = extTs - highestSeqTs;
                if (d > 0 && d <= (long) rate * MAX_FRAME_MS / 1000) frameUnits = d;
            }
            if (shift >= 64) {
                lostConfirmed += 64 - Long.bitCount(seqWindow) + shift - 64;
                seqWindow = 1;
            } else {
                lostConfirmed += shift - Long.bitCount(seqWindow >>> (64 - shift));
                seqWindow = (seqWindow << shift) | 1;
            }
            highestSeq = extSeq;
            highestSeqTs = extTs;
        } else {
            reordered++;
            seqWindow |= 1L << (highestSeq - extSeq);
        }
    }

    private long minTransit() {
        return Math.min(curMinTransit, prevMinTransit);
    }

    private long targetDelayNanos() {
        double t = tickNanos + Math.max(peakSpread, 3 * jitterNanos);
        return Math.max(minDelayNanos, Math.min(maxDelayNanos, (long) t));
    }

    /**
     * How long after its safe time a frame plays if it plays now: the safe time is its send time
     * (from the timestamp) plus the fastest transit plus the jitter margin. Negative: too early.
     */
    private long slack(long extTs, long margin, long now) {
        return now - (baseNanos + tsNanos(extTs) + minTransit() + margin);
    }

    private void restartSlackWindow(long now) {
        slackWindowStart = now;
        minSlack = Long.MAX_VALUE;
    }

    private long currentDelayNanos() {
        return playoutOffset - minTransit();
    }

    private long playout(long extTs) {
        return baseNanos + tsNanos(extTs) + playoutOffset;
    }

    private long tsNanos(long extTs) {
        return unitsToNanos(extTs - baseTs);
    }

    private long unitsToNanos(long units) {
        return units * 1_000_000L / rate * 1000L;
    }

    /** Duration of the head packet: up to the next buffered one when consecutive, else learned. */
    private long durationOfHead() {
        if (count >= 2 && slotSeq[1] == slotSeq[0] + 1) {
            long d = slotTs[1] - slotTs[0];
            if (d > 0 && d <= (long) rate * MAX_FRAME_MS / 1000) return d;
        }
        return frameUnits;
    }

    /** Behind (consumer stalled or started late, clock jump): drop what is stale and start again. */
    private void catchUp(long now) {
        playoutOffset = minTransit() + targetDelayNanos();
        restartSlackWindow(now);
        // Keep only what is due from now on (a regular consumer plays a frame in the tick
        // before its playout time), so the delay is the target again, not target + lag.
        // The newest packet is kept even if overdue: it is the best place to resume from.
        while (count > 1 && playout(slotTs[0]) <= now) {
            removeHead().release();
            late++;
        }
        if (count > 0) {
            nextTs = slotTs[0];
            // An overdue head plays in this tick: count the extra delay, so shrinking sees it.
            long behind = now + tickNanos - playout(nextTs);
            if (behind > tickNanos) playoutOffset += behind - tickNanos;
        } else {
            state = State.IDLE;
        }
    }

    private void insert(RtpPacket p, long extSeq, long extTs) {
        if (count == slots.length) {
            overflow++;
            if (extTs < slotTs[0] || (extTs == slotTs[0] && extSeq < slotSeq[0])) {
                p.release();
                return;
            }
            removeHead().release();
        }
        int i = count;
        while (i > 0 && (slotTs[i - 1] > extTs || (slotTs[i - 1] == extTs && slotSeq[i - 1] > extSeq))) {
            slots[i] = slots[i - 1];
            slotTs[i] = slotTs[i - 1];
            slotSeq[i] = slotSeq[i - 1];
            i--;
        }
        slots[i] = p;
        slotTs[i] = extTs;
        slotSeq[i] = extSeq;
        count++;
    }

    private RtpPacket removeHead() {
        RtpPacket p = slots[0];
        count--;
        System.arraycopy(slots, 1, slots, 0, count);
        System.arraycopy(slotTs, 1, slotTs, 0, count);
        System.arraycopy(slotSeq, 1, slotSeq, 0, count);
        slots[count] = null;
        return p;
    }
}
