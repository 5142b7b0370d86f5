package org.passerelle.gateway.room;

import org.passerelle.gateway.media.AudioParticipant;
import org.passerelle.gateway.media.AudioPort;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.AudioCodecs;
import org.passerelle.transcoder.codec.AudioDecoder;
import org.passerelle.transcoder.codec.AudioEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * A phone (or a browser) in a room as the room sees it: a real {@link AudioParticipant} whose RTP
 * comes from a real encoder playing a tone, and whose outgoing RTP is decoded as the far end
 * would, into {@link #heard}, one frame per tick.
 */
final class TonePhone implements AudioPort, AutoCloseable {
    static final double AMPLITUDE = 8000;

    final AudioCodec codec;
    final AudioParticipant participant;
    private final RtpPacketPool pool = new RtpPacketPool(64);
    private final RtpPacketPool phonePool = new RtpPacketPool(64);
    private final AudioEncoder encoder;
    private final AudioDecoder decoder;
    private final int frame;
    private final short[] pcm;
    private final double toneHz;
    private final boolean recording;
    private int tick;
    /** What the phone heard, at its codec's rate; recording phones only. */
    final short[] heard;
    int heardLength;
    int received;

    /**
     * @param toneHz what it says (0: silence)
     * @param seconds how much of what it hears to keep (0: nothing, for allocation tests)
     */
    TonePhone(String id, AudioCodec codec, Participant.Kind kind, double toneHz, int seconds, NanoClock clock) {
        this.codec = codec;
        this.toneHz = toneHz;
        this.encoder = AudioCodecs.encoder(codec);
        this.decoder = AudioCodecs.decoder(codec);
        this.frame = codec.samplesPerFrame(20);
        this.pcm = new short[frame];
        this.recording = seconds > 0;
        this.heard = new short[Math.max(1, seconds * codec.sampleRate())];
        this.participant = new AudioParticipant(id, () -> id, kind, this, clock);
    }

    /** Sends this tick's 20 ms of tone (or silence) as one RTP packet, arriving at {@code nowNanos}. */
    void speak(long nowNanos) {
        for (int i = 0; i < frame; i++) {
            pcm[i] = toneHz == 0 ? 0
                    : (short) (AMPLITUDE * Math.sin(2 * Math.PI * toneHz * ((long) tick * frame + i) / codec.sampleRate()));
        }
        RtpPacket rtp = phonePool.acquire();
        int len = encoder.encode(pcm, 0, frame, rtp.buffer(), RtpPacket.FIXED_HEADER);
        int pt = codec.staticPayloadType() < 0 ? 111 : codec.staticPayloadType();
        rtp.writeHeader(pt, tick == 0, tick & 0xffff, (long) tick * codec.rtpUnitsPerFrame(20), 7, len);
        rtp.setArrivalNanos(nowNanos);
        participant.onRtp(rtp);
        tick++;
    }

    /** Samples heard per tick. */
    int frame() {
        return frame;
    }

    @Override public AudioCodec codec() { return codec; }
    @Override public RtpPacketPool packetPool() { return pool; }

    @Override
    public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
        received++;
        if (recording && heardLength + 5760 <= heard.length) {
            int n = decoder.decode(packet.buffer(), RtpPacket.FIXED_HEADER, payloadLength, heard, heardLength);
            heardLength += Math.max(0, n);
        }
        packet.release();
    }

    @Override
    public void close() {
        participant.close();
        encoder.close();
        decoder.close();
    }
}
