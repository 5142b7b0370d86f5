package org.passerelle.gateway.livekit;

import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.audio.DecodedFrames;
import org.passerelle.transcoder.audio.JitterBuffer;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.OpusDecoder;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * One audio track of a LiveKit participant, as the local mixer sees it: RTP (Opus, from the
 * listener's subscriber connection) → jitter buffer → decoder → 20 ms frames at the local room's
 * mixing rate. Opus decodes straight at 8, 16 or 48 kHz, so the track takes any rate and never
 * raises the room's ({@link #neededRate}): a room of G.711 callers decodes it at 8 kHz with no
 * resampler. When the room's rate changes the decoder is made anew at the new rate (its state
 * starts clean and the few ms decoded at the old rate are dropped: an instant's reset). It only
 * speaks: the mix written to it is dropped (the room hears the callers through their own
 * published tracks). Decoded once per room, shared by every caller of the room through the mixer.
 *
 * <p>Threads: {@link #onRtp} on the network loop (the jitter buffer has its own lock);
 * {@link #readFrame} on the media clock; {@link #close} takes the same lock as readFrame so the
 * native decoder is never freed under a tick. Nothing is allocated per packet or per tick.
 */
public final class RemoteAudioTrack implements Participant, AutoCloseable {
    /** The RTP clock of Opus, whatever the decoded rate (RFC 7587 §4.1). */
    private static final int RTP_RATE = AudioCodec.OPUS.rtpClockRate();

    private final String trackSid;
    private final long ssrc;
    private volatile String participantIdentity;
    private volatile String displayName;
    private volatile boolean muted;
    /** Decoded at the room's rate, by a decoder made at the first readFrame at that rate (under this). */
    private final DecodedFrames frames;
    private boolean closed;

    RemoteAudioTrack(String trackSid, long ssrc, String participantIdentity, String displayName, NanoClock clock) {
        this.trackSid = trackSid;
        this.ssrc = ssrc;
        this.participantIdentity = participantIdentity;
        this.displayName = displayName;
        this.frames = new DecodedFrames(new JitterBuffer(clock, JitterBuffer.Config.defaults(RTP_RATE)));
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
        frames.put(packet);
    }

    /** Opus decodes at whatever rate the room mixes at. */
    @Override
    public int neededRate() {
        return ANY_RATE;
    }

    @Override
    public synchronized boolean readFrame(short[] frame, int rate) {
        if (closed) return false;
        // a new decoder only when the room's rate changes, never in the steady state
        if (rate != frames.rate()) frames.decodeWith(new OpusDecoder(rate), rate);
        return frames.take(frame, Participant.frameSamples(rate));
    }

    /** The rate the track is decoded at now (0 before its first frame). */
    synchronized int decodedRate() {
        return frames.rate();
    }

    /** A remote track hears nothing from the local mix. */
    @Override
    public void writeFrame(short[] mix, int rate) {}

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        frames.close();
    }
}
