package org.passerelle.gateway.livekit;

import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.audio.JitterBuffer;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.OpusDecoder;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * One audio track of a LiveKit participant, as the local mixer sees it: RTP (Opus, from the
 * listener's subscriber connection) → jitter buffer → decoder → 20 ms frames at 48 kHz (Opus's
 * rate is the room's: no resampling). It only speaks: the mix written to it is dropped (the room
 * hears the callers through their own published tracks). Decoded once per room, shared by every
 * caller of the room through the mixer.
 *
 * <p>Threads: {@link #onRtp} on the network loop (the jitter buffer has its own lock);
 * {@link #readFrame} on the media clock; {@link #close} takes the same lock as readFrame so the
 * native decoder is never freed under a tick. Nothing is allocated per packet or per tick.
 */
public final class RemoteAudioTrack implements Participant, AutoCloseable {
    /** Largest packet Opus can produce: 120 ms at 48 kHz. */
    private static final int MAX_DECODED = 5760;

    private final String trackSid;
    private final long ssrc;
    private volatile String participantIdentity;
    private volatile String displayName;
    private volatile boolean muted;
    private final JitterBuffer jitter;
    private final OpusDecoder decoder = new OpusDecoder();
    private final short[] pending = new short[MAX_DECODED + 2 * FRAME_SAMPLES];
    private int pendingLength;
    private boolean closed;

    RemoteAudioTrack(String trackSid, long ssrc, String participantIdentity, String displayName, NanoClock clock) {
        this.trackSid = trackSid;
        this.ssrc = ssrc;
        this.participantIdentity = participantIdentity;
        this.displayName = displayName;
        this.jitter = new JitterBuffer(clock, JitterBuffer.Config.defaults(AudioCodec.OPUS.rtpClockRate()));
    }

    /** The LiveKit track sid (TR_...). */
    public String trackSid() {
        return trackSid;
    }

    /** The RTP SSRC the server sends this track with. */
    public long ssrc() {
        return ssrc;
    }

    /** The LiveKit identity of the participant the track belongs to. */
    public String participantIdentity() {
        return participantIdentity;
    }

    @Override
    public String id() {
        return trackSid;
    }

    @Override
    public String displayName() {
        return displayName;
    }

    @Override
    public Kind kind() {
        return Kind.BROWSER;
    }

    @Override
    public boolean muted() {
        return muted;
    }

    void update(String identity, String name, boolean muted) {
        this.participantIdentity = identity;
        this.displayName = name;
        this.muted = muted;
    }

    /** A packet of this track; ownership passes here. */
    void onRtp(RtpPacket packet) {
        jitter.put(packet);
    }

    @Override
    public synchronized boolean readFrame(short[] frame) {
        if (closed) return false;
        for (int round = 0; round < 16 && pendingLength < FRAME_SAMPLES; round++) {
            switch (jitter.poll()) {
                case PACKET -> {
                    RtpPacket p = jitter.take();
                    int n = decoder.decode(p.buffer(), p.payloadOffset(), p.payloadLength(), pending, pendingLength);
                    p.release();
                    if (n < 0) n = decoder.conceal(pending, pendingLength, FRAME_SAMPLES);
                    pendingLength += Math.max(0, n);
                }
                case CONCEAL -> {
                    long units = jitter.lastDurationUnits();
                    int samples = (int) Math.min(MAX_DECODED, units > 0 ? units : FRAME_SAMPLES);
                    samples -= samples % 120; // Opus PLC works in 2.5 ms steps
                    if (samples <= 0) samples = FRAME_SAMPLES;
                    pendingLength += Math.max(0, decoder.conceal(pending, pendingLength, samples));
                }
                case EMPTY, WAIT -> round = 16;
            }
        }
        if (pendingLength == 0) return false;
        if (pendingLength < FRAME_SAMPLES) {
            java.util.Arrays.fill(pending, pendingLength, FRAME_SAMPLES, (short) 0);
            pendingLength = FRAME_SAMPLES;
        }
        System.arraycopy(pending, 0, frame, 0, FRAME_SAMPLES);
        pendingLength -= FRAME_SAMPLES;
        System.arraycopy(pending, FRAME_SAMPLES, pending, 0, pendingLength);
        return true;
    }

    /** A remote track hears nothing from the local mix. */
    @Override
    public void writeFrame(short[] mix) {}

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        jitter.clear();
        decoder.close();
    }
}
