package org.passerelle.gateway.media;

import org.passerelle.gateway.room.Participant;
import org.passerelle.sip.SipLeg;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.audio.DecodedFrames;
import org.passerelle.transcoder.audio.JitterBuffer;
import org.passerelle.transcoder.audio.SwitchingResampler;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.AudioCodecs;
import org.passerelle.transcoder.codec.AudioEncoder;
import org.passerelle.transcoder.dtmf.DtmfToneGenerator;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import java.util.function.Supplier;
import org.passerelle.webrtc.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge between one participant's RTP stream (a SIP leg or a WebRTC session) and its room.
 * Inbound: RTP → jitter buffer → decode → resample to the room's mixing rate for the mixer.
 * Outbound: the mix of the others → resample to the codec's rate → encode → RTP. The participant
 * needs its codec's rate ({@link #neededRate}), so in a room of its own codec's rate (G.711
 * phones at 8 kHz, browsers at 48 kHz) nothing is resampled; when the room's rate changes, the
 * resamplers of the new rate take over (one per rate, made on first use). Every buffer is
 * allocated here, once; the per-tick path allocates nothing.
 *
 * <p>Threads: {@link #onRtp} runs on the network loop and only touches the jitter buffer (which
 * has its own lock); {@link #readFrame} and {@link #writeFrame} run on the media clock. Closing
 * takes the same per-participant lock as the media methods, so the native Opus state is never
 * freed under a tick in flight.
 */
public final class AudioParticipant implements Participant, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AudioParticipant.class);
    /** Room frames are 20 ms; so are the frames we send. */
    private static final int PTIME_MS = 20;

    private final String id;
    private final Supplier<String> displayName;
    private final Kind kind;
    private volatile boolean muted;
    private final AudioPort port;
    private final AudioCodec codec;
    /** What the far end sends, decoded at the codec's rate. */
    private final DecodedFrames received;
    private final AudioEncoder encoder;
    /** Codec rate → room rate, and back. */
    private final SwitchingResampler toRoom;
    private final SwitchingResampler fromRoom;
    private final int frameSamples;
    private final int rtpUnitsPerFrame;
    /** The 20 ms the last {@link #readFrame} took, at the codec's rate. */
    private final short[] codecFrame;
    private final short[] outFrame;
    private volatile boolean held;
    private boolean closed;
    /** In-band DTMF towards this participant at the codec's rate, made on first use (few phones lack RFC 4733). */
    private DtmfToneGenerator dtmfTone;

    /**
     * @param id          participant id (the call id for phones)
     * @param displayName what others see; asked each time, as it may change
     * @param port        where the audio goes out
     * @param clock       the clock the port stamps packet arrivals with
     */
    public AudioParticipant(String id, Supplier<String> displayName, AudioPort port, NanoClock clock) {
        this(id, displayName, Kind.PHONE, port, clock);
    }

    /** As above, for a participant of the given kind (a browser, a phone). */
    public AudioParticipant(String id, Supplier<String> displayName, Kind kind, AudioPort port, NanoClock clock) {
        this.id = id;
        this.displayName = displayName;
        this.kind = kind;
        this.port = port;
        this.codec = port.codec();
        this.received = new DecodedFrames(new JitterBuffer(clock, JitterBuffer.Config.defaults(codec.rtpClockRate())),
                AudioCodecs.decoder(codec), codec.sampleRate());
        this.encoder = AudioCodecs.encoder(codec);
        this.toRoom = SwitchingResampler.from(codec.sampleRate());
        this.fromRoom = SwitchingResampler.to(codec.sampleRate());
        this.frameSamples = codec.samplesPerFrame(PTIME_MS);
        this.rtpUnitsPerFrame = codec.rtpUnitsPerFrame(PTIME_MS);
        this.codecFrame = new short[frameSamples];
        this.outFrame = new short[frameSamples];
    }

    /** A phone in a room: shown by its caller ID (display name, else number). */
    public static AudioParticipant forSipLeg(SipLeg leg) {
        AudioPort port = new AudioPort() {
            @Override public AudioCodec codec() { return leg.codec(); }
            @Override public RtpPacketPool packetPool() { return leg.packetPool(); }
            @Override public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
                leg.sendAudio(packet, payloadLength, rtpDuration);
            }
        };
        return new AudioParticipant(leg.callId(), () -> {
            String name = leg.fromDisplayName();
            return name != null && !name.isBlank() ? name : leg.fromUser();
        }, port, NanoClock.SYSTEM);
    }

    /** A browser in a room: its WebRTC session carries Opus both ways. */
    public static AudioParticipant forWebRtcSession(String id, String displayName, WebRtcSession session) {
        AudioPort port = new AudioPort() {
            @Override public AudioCodec codec() { return session.codec(); }
            @Override public RtpPacketPool packetPool() { return session.packetPool(); }
            @Override public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
                session.sendAudio(packet, payloadLength, rtpDuration);
            }
        };
        return new AudioParticipant(id, () -> displayName, Kind.BROWSER, port, NanoClock.SYSTEM);
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean muted() {
        return muted;
    }

    /**
     * Records that the participant muted or unmuted its microphone; the audio itself is not
     * touched (a muted browser sends silence or nothing). Tell the room to inform the others.
     */
    public void setMuted(boolean muted) {
        this.muted = muted;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return displayName.get();
    }

    public AudioCodec codec() {
        return codec;
    }

    /** The codec's rate: mixing lower would lose what the codec carries, higher adds nothing. */
    @Override
    public int neededRate() {
        return codec.sampleRate();
    }

    /**
     * The 20 ms of audio the last {@link #readFrame} that returned true took from this
     * participant, at the codec's rate ({@code codec().samplesPerFrame(20)} samples): what it said,
     * whatever the room's rate (the LiveKit connector publishes it as it is). Media thread only;
     * read it, never write it; valid until the next {@code readFrame}.
     */
    public short[] lastFrame() {
        return codecFrame;
    }

    /**
     * Hands a received packet to {@code p}, or releases it when there is no participant yet (media
     * before the call joined anything).
     */
    public static void deliver(AudioParticipant p, RtpPacket packet) {
        if (p != null) {
            p.onRtp(packet);
        } else {
            packet.release();
        }
    }

    /** A received RTP packet (network thread); ownership passes to the jitter buffer. */
    public void onRtp(RtpPacket packet) {
        if (held) {
            packet.release();
            return;
        }
        received.put(packet);
    }

    /** The far end put the call on hold or resumed it (no audio either way meanwhile). */
    public void setHeld(boolean held) {
        this.held = held;
        if (held) received.discardReceived();
    }

    @Override
    public synchronized boolean readFrame(short[] frame, int rate) {
        if (closed || held) return false;
        if (!received.take(codecFrame, frameSamples)) return false;
        toRoom.process(rate, codecFrame, 0, frameSamples, frame, 0);
        return true;
    }

    /**
     * Plays a DTMF key to this participant as tones added to what it hears (for a phone that did
     * not negotiate RFC 4733 telephone-events).
     */
    public synchronized void playDtmf(char key, int durationMs) {
        if (closed) return;
        if (dtmfTone == null) dtmfTone = new DtmfToneGenerator(codec.sampleRate());
        dtmfTone.start(key, durationMs);
    }

    @Override
    public synchronized void writeFrame(short[] mix, int rate) {
        if (closed || held) return;
        int n = fromRoom.process(rate, mix, 0, Participant.frameSamples(rate), outFrame, 0);
        if (n != frameSamples) return; // whole 20 ms frames convert exactly: never in practice
        // Added after the resampler, at the codec's rate: the mix (maybe shared) is never written.
        if (dtmfTone != null && dtmfTone.active()) dtmfTone.mixInto(outFrame, 0, frameSamples);
        RtpPacket packet = port.packetPool().acquire();
        int len = encoder.encode(outFrame, 0, frameSamples, packet.buffer(), RtpPacket.FIXED_HEADER);
        port.sendAudio(packet, len, rtpUnitsPerFrame);
    }

    @Override
    public synchronized void close() {
        close(true);
    }

    /** Closes; {@code report} false leaves out the stream's statistics (the start-up warm-up's). */
    synchronized void close(boolean report) {
        if (closed) return;
        closed = true;
        // Once per participant: how its inbound stream fared (delay, loss, concealment).
        if (report) log.info("audio in: {}", received.stats());
        received.close();
        encoder.close();
    }
}
