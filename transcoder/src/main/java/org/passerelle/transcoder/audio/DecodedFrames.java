package org.passerelle.transcoder.audio;

import java.util.Arrays;

import org.passerelle.transcoder.codec.AudioDecoder;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * A received audio stream as the media clock takes it: RTP → {@link JitterBuffer} → decode, or
 * conceal what is missing → decoded samples → one frame per tick, the tail of an underrun padded
 * with silence. Packets of any length (10 to 120 ms) come out as frames of the tick's length.
 *
 * <p>Threads: {@link #put} and {@link #discardReceived} from any thread (the jitter buffer has its
 * own lock); {@link #take}, {@link #decodeWith} and {@link #close} on the consumer's side only,
 * serialised by the owner. Nothing is allocated after construction.
 */
public final class DecodedFrames implements AutoCloseable {
    /** Largest packet a decoder can produce in one go: 120 ms at 48 kHz (Opus's maximum). */
    static final int MAX_DECODED = 5760;
    /** Largest frame taken: 20 ms at 48 kHz. */
    private static final int MAX_FRAME = 960;
    /** Bound on jitter-buffer outcomes handled per tick: a burst of tiny packets cannot hold the clock. */
    private static final int MAX_ROUNDS = 16;

    private final JitterBuffer jitter;
    private final int rtpClockRate;
    private AudioDecoder decoder;
    private int rate;
    private final short[] pending = new short[MAX_DECODED + 2 * MAX_FRAME];
    private int pendingLength;

    /** A stream whose decoder is given later ({@link #decodeWith}); {@link #take} has nothing until then. */
    public DecodedFrames(JitterBuffer jitter) {
        this.jitter = jitter;
        this.rtpClockRate = jitter.config().clockRate();
    }

    /** A stream decoded by {@code decoder} at {@code rate} Hz. */
    public DecodedFrames(JitterBuffer jitter, AudioDecoder decoder, int rate) {
        this(jitter);
        decodeWith(decoder, rate);
    }

    /**
     * Decodes from now on with {@code decoder} at {@code rate} Hz; the previous decoder is closed
     * and what it decoded but was not yet taken is dropped (it is at the old rate).
     */
    public void decodeWith(AudioDecoder decoder, int rate) {
        if (this.decoder != null) this.decoder.close();
        this.decoder = decoder;
        this.rate = rate;
        pendingLength = 0;
    }

    /** The rate the stream is decoded at (0 before a decoder is given). */
    public int rate() {
        return rate;
    }

    /** A received packet; ownership passes to the jitter buffer. */
    public void put(RtpPacket packet) {
        jitter.put(packet);
    }

    /** Drops what was received and not yet decoded (hold: nothing stale is played on resume). */
    public void discardReceived() {
        jitter.clear();
    }

    /** How the stream fared: delay, loss, concealment. */
    public JitterBuffer.Stats stats() {
        return jitter.stats();
    }

    /**
     * The next {@code frameSamples} samples (at {@link #rate()}) into {@code frame}: false when
     * there is no audio for this tick (before the first packet, in an underrun, or without a
     * decoder); a frame part-decoded is finished with silence rather than dropped.
     */
    public boolean take(short[] frame, int frameSamples) {
        if (decoder == null) return false;
        fill(frameSamples);
        if (pendingLength == 0) return false;
        if (pendingLength < frameSamples) {
            Arrays.fill(pending, pendingLength, frameSamples, (short) 0);
            pendingLength = frameSamples;
        }
        System.arraycopy(pending, 0, frame, 0, frameSamples);
        pendingLength -= frameSamples;
        System.arraycopy(pending, frameSamples, pending, 0, pendingLength);
        return true;
    }

    /** Pulls from the jitter buffer until a frame is decoded or it has nothing more for this tick. */
    private void fill(int frameSamples) {
        for (int round = 0; round < MAX_ROUNDS && pendingLength < frameSamples; round++) {
            switch (jitter.poll()) {
                case PACKET -> {
                    RtpPacket p = jitter.take();
                    int n = decoder.decode(p.buffer(), p.payloadOffset(), p.payloadLength(), pending, pendingLength);
                    p.release();
                    if (n < 0) n = decoder.conceal(pending, pendingLength, frameSamples); // corrupt payload
                    pendingLength += Math.max(0, n);
                }
                case CONCEAL -> pendingLength += Math.max(0,
                        decoder.conceal(pending, pendingLength, concealedSamples(frameSamples)));
                case EMPTY, WAIT -> {
                    return;
                }
            }
        }
    }

    /**
     * The missing packet's length at the decoded rate (the last packet's), in whole 2.5 ms steps:
     * libopus conceals only whole multiples of them, and every other codec's frames are such multiples.
     */
    private int concealedSamples(int frameSamples) {
        long units = jitter.lastDurationUnits();
        int samples = (int) Math.min(MAX_DECODED, units > 0 ? units * rate / rtpClockRate : frameSamples);
        samples -= samples % (rate / 400);
        return samples > 0 ? samples : frameSamples;
    }

    /** Releases what is buffered and closes the decoder. */
    @Override
    public void close() {
        jitter.clear();
        if (decoder != null) decoder.close();
        decoder = null;
    }
}
