package org.passerelle.gateway.media;

import org.passerelle.gateway.room.Participant;
import org.passerelle.gateway.room.Room;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.AudioCodecs;
import org.passerelle.transcoder.codec.AudioEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the media path once at start-up, before the first call: two participants per codec in a
 * private room, a second of 20 ms ticks through jitter buffer, decoder, resamplers, mixer and
 * encoder: the first half with a silent 48 kHz listener in the room (as a browser would be), so
 * the room mixes at 48 kHz and the codec's resamplers run, the second half at the codec's own rate. It loads and initialises what the first calls would otherwise wait for on their
 * signalling threads (codec classes and Opus natives, the resamplers' shared filter tables, the
 * Vector API, the jitter buffer and mixer), and lets the JIT see the per-frame code. Measured on
 * the load harness: the first calls' INVITE→200 waited 10–30 ms each on class loading and
 * initialisation without it. Nothing leaves the process; failures are logged and ignored (the
 * calls will then pay the cost themselves).
 */
public final class MediaWarmUp {
    private static final Logger log = LoggerFactory.getLogger(MediaWarmUp.class);
    /** One second of 20 ms frames per codec: enough for the interpreter's profiles, a few ms each. */
    static final int TICKS = 50;

    private MediaWarmUp() {}

    /** A port that only counts and releases what the room sends. */
    private static final class DiscardingPort implements AudioPort {
        private final AudioCodec codec;
        private final RtpPacketPool pool = new RtpPacketPool(8);
        int sent;

        DiscardingPort(AudioCodec codec) {
            this.codec = codec;
        }

        @Override public AudioCodec codec() { return codec; }
        @Override public RtpPacketPool packetPool() { return pool; }

        @Override
        public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
            sent++;
            packet.release();
        }
    }

    /**
     * Runs every codec's path; returns the number of packets the room sent back (two per tick
     * and codec when all went through), for the log and tests.
     */
    public static int run() {
        long start = System.nanoTime();
        int sent = 0;
        for (AudioCodec codec : AudioCodec.values()) {
            try {
                sent += run(codec);
            } catch (RuntimeException | LinkageError e) {
                log.info("media warm-up of {} skipped: {}", codec, e.toString());
            }
        }
        log.debug("media warm-up: {} packets in {} ms", sent, (System.nanoTime() - start) / 1_000_000);
        return sent;
    }

    /** Two participants of one codec talk for {@link #TICKS} frames; returns the packets sent to them. */
    static int run(AudioCodec codec) {
        long[] now = {1_000_000_000L};
        NanoClock clock = () -> now[0];
        DiscardingPort a = new DiscardingPort(codec);
        DiscardingPort b = new DiscardingPort(codec);
        Room room = Room.detached("warm-up");
        AudioParticipant pa = new AudioParticipant("warm-up-a", () -> "a", a, clock);
        AudioParticipant pb = new AudioParticipant("warm-up-b", () -> "b", b, clock);
        Participant listener48k = new Participant() {
            @Override public String id() { return "warm-up-48k"; }
            @Override public String displayName() { return "48k"; }
            @Override public int neededRate() { return MAX_RATE; }
            @Override public boolean readFrame(short[] frame, int rate) { return false; }
            @Override public void writeFrame(short[] mix, int rate) { }
        };
        try {
            room.addMember(pa);
            room.addMember(pb);
            room.addMember(listener48k);
            try (AudioEncoder phone = AudioCodecs.encoder(codec)) {
                RtpPacketPool phonePool = new RtpPacketPool(8);
                int samples = codec.samplesPerFrame(20);
                short[] pcm = new short[samples];
                for (int n = 0; n < TICKS; n++) {
                    for (int i = 0; i < samples; i++) {
                        pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * 440 * ((long) n * samples + i) / codec.sampleRate()));
                    }
                    for (AudioParticipant p : new AudioParticipant[] {pa, pb}) {
                        RtpPacket rtp = phonePool.acquire();
                        int len = phone.encode(pcm, 0, samples, rtp.buffer(), RtpPacket.FIXED_HEADER);
                        rtp.writeHeader(codec.staticPayloadType() < 0 ? 111 : codec.staticPayloadType(), n == 0, n & 0xffff,
                                (long) n * codec.rtpUnitsPerFrame(20), p == pa ? 1 : 2, len);
                        rtp.setArrivalNanos(now[0]);
                        p.onRtp(rtp);
                    }
                    room.tick();
                    now[0] += 20_000_000L;
                    if (n == TICKS / 2) room.removeMember(listener48k); // on at the codec's rate
                }
            }
            room.removeMember(pa);
            room.removeMember(pb);
        } finally {
            pa.close(false);
            pb.close(false);
        }
        return a.sent + b.sent;
    }
}
