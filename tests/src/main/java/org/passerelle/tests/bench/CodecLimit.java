package org.passerelle.tests.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.passerelle.transcoder.audio.JitterBuffer;
import org.passerelle.transcoder.audio.Mixer;
import org.passerelle.transcoder.audio.Resampler;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.G711Decoder;
import org.passerelle.transcoder.codec.G711Encoder;
import org.passerelle.transcoder.codec.OpusDecoder;
import org.passerelle.transcoder.codec.OpusEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * The codec limit: the CPU of just the per-call media work, measured in this process on one
 * thread (thread CPU time), for the audio the generator sends, as CPU seconds per call-minute.
 *
 * <ul>
 *   <li>{@code embedded}: what an embedded room of PCMU calls needs per call and 20 ms: jitter
 *       buffer put + poll, µ-law decode, its share of the room's mix-minus at 8 kHz (the rate a
 *       room of G.711 phones mixes at), µ-law encode.</li>
 *   <li>{@code pcmuOpus}: a PCMU⇄Opus call (as to a LiveKit room): µ-law decode, Opus encode
 *       from 8 kHz (narrowband, as the gateway codes a G.711 caller's track), Opus decode to 8 kHz,
 *       µ-law encode.</li>
 *   <li>the same two through 48 kHz ({@code embeddedVia48k}, {@code pcmuOpusVia48k}): 8→48 kHz
 *       before and 48→8 kHz after, Opus at 48 kHz. The wording ("Opus encode/decode and
 *       resampling"), and what the gateway did before its rooms mixed at their members' rate.</li>
 * </ul>
 * No sockets, no threads, no signalling: what a perfect gateway could not avoid.
 */
final class CodecLimit {
    /** CPU seconds per call-minute of each variant. */
    record Result(double embedded, double pcmuOpus, double embeddedVia48k, double pcmuOpusVia48k) {}

    private static final int FRAMES_PER_MINUTE = 3000;

    private CodecLimit() {}

    static Result measure(int callsPerRoom, double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Embedded e = new Embedded(callsPerRoom, 8000);
        Embedded e48 = new Embedded(callsPerRoom, 48000);
        PcmuOpus o = new PcmuOpus(8000);
        PcmuOpus o48 = new PcmuOpus(48000);
        // warm-up: let the JIT compile the paths
        long warm = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warm) {
            e.tick();
            e48.tick();
            o.frame();
            o48.frame();
        }
        Result r = new Result(perCallMinute(mx, seconds, e::tick, callsPerRoom), perCallMinute(mx, seconds, o::frame, 1),
                perCallMinute(mx, seconds, e48::tick, callsPerRoom), perCallMinute(mx, seconds, o48::frame, 1));
        o.close();
        o48.close();
        return r;
    }

    private static double perCallMinute(ThreadMXBean mx, double seconds, Runnable frame, int callsPerFrame) {
        long cpu0 = mx.getCurrentThreadCpuTime();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long frames = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 50; i++) frame.run();
            frames += 50;
        }
        double cpuNanosPerCallFrame = (double) (mx.getCurrentThreadCpuTime() - cpu0) / (frames * callsPerFrame);
        return cpuNanosPerCallFrame * FRAMES_PER_MINUTE / 1e9;
    }

    /** One embedded room of PCMU calls mixing at {@code roomRate}, one tick at a time. */
    private static final class Embedded {
        private long now = 1_000_000_000L;
        private final int n;
        private final int roomFrame;
        private final RtpPacketPool pool = new RtpPacketPool(256);
        private final JitterBuffer[] jitter;
        private final G711Decoder[] decoders;
        private final G711Encoder[] encoders;
        /** 8 kHz ↔ room rate; null in an 8 kHz room. */
        private final Resampler[] up;
        private final Resampler[] down;
        private final Mixer mixer = new Mixer(960);
        private final Mixer.Participant[] members;
        private final short[] pcm8 = new short[160];
        private final short[] out8 = new short[160];
        private final byte[] payload;
        private final byte[] sent = new byte[1500];
        private int seq;

        Embedded(int n, int roomRate) {
            this.n = n;
            this.roomFrame = roomRate / 50;
            jitter = new JitterBuffer[n];
            decoders = new G711Decoder[n];
            encoders = new G711Encoder[n];
            up = new Resampler[n];
            down = new Resampler[n];
            members = new Mixer.Participant[n];
            for (int i = 0; i < n; i++) {
                jitter[i] = new JitterBuffer(() -> now, 8000);
                decoders[i] = new G711Decoder(AudioCodec.PCMU);
                encoders[i] = new G711Encoder(AudioCodec.PCMU);
                if (roomRate != 8000) {
                    up[i] = Resampler.create(8000, roomRate);
                    down[i] = Resampler.create(roomRate, 8000);
                }
                members[i] = mixer.join();
            }
            payload = GeneratorAudio.pattern(false, 0);
        }

        void tick() {
            int frame = seq % GeneratorAudio.FRAMES_PER_SECOND;
            for (int i = 0; i < n; i++) {
                RtpPacket p = pool.acquire();
                p.writeHeader(0, seq == 0, seq & 0xffff, 160L * seq, 0x100 + i, 160);
                System.arraycopy(payload, frame * 160, p.buffer(), RtpPacket.FIXED_HEADER, 160);
                p.setArrivalNanos(now);
                jitter[i].put(p);
                short[] in = up[i] == null ? members[i].input() : pcm8;
                if (jitter[i].poll() == JitterBuffer.Outcome.PACKET) {
                    RtpPacket q = jitter[i].take();
                    decoders[i].decode(q.buffer(), q.payloadOffset(), q.payloadLength(), in, 0);
                    q.release();
                } else {
                    decoders[i].conceal(in, 0, 160);
                }
                if (up[i] != null) up[i].process(pcm8, 0, 160, members[i].input(), 0);
                members[i].markInput();
            }
            mixer.mix(roomFrame);
            for (int i = 0; i < n; i++) {
                short[] out = members[i].output();
                if (down[i] != null) {
                    down[i].process(out, 0, roomFrame, out8, 0);
                    out = out8;
                }
                encoders[i].encode(out, 0, 160, sent, RtpPacket.FIXED_HEADER);
            }
            seq++;
            now += 20_000_000L;
        }
    }

    /** One PCMU⇄Opus call, one 20 ms frame each way, with Opus at {@code opusRate}. */
    private static final class PcmuOpus {
        private final int opusFrame;
        private final G711Decoder pcmuIn = new G711Decoder(AudioCodec.PCMU);
        private final G711Encoder pcmuOut = new G711Encoder(AudioCodec.PCMU);
        /** 8 kHz ↔ Opus's rate; null when Opus works at 8 kHz. */
        private final Resampler up;
        private final Resampler down;
        // As the gateway codes a G.711 caller's track: capped to the band G.711 carries.
        private final OpusEncoder opusOut;
        private final OpusDecoder opusIn;
        private final byte[] payload = GeneratorAudio.pattern(false, 0);
        private final short[] pcm8 = new short[160];
        private final short[] pcm = new short[960];
        private final byte[] opus = new byte[1500];
        private final byte[] sent = new byte[1500];
        private int frame;

        PcmuOpus(int opusRate) {
            opusFrame = opusRate / 50;
            up = opusRate == 8000 ? null : Resampler.create(8000, opusRate);
            down = opusRate == 8000 ? null : Resampler.create(opusRate, 8000);
            opusOut = new OpusEncoder(OpusEncoder.Settings.voiceFrom(AudioCodec.PCMU), opusRate);
            opusIn = new OpusDecoder(opusRate);
        }

        void frame() {
            int f = frame++ % GeneratorAudio.FRAMES_PER_SECOND;
            short[] in = up == null ? pcm : pcm8;
            pcmuIn.decode(payload, f * 160, 160, in, 0);
            if (up != null) up.process(pcm8, 0, 160, pcm, 0);
            int len = opusOut.encode(pcm, 0, opusFrame, opus, 0);
            // The room's audio coming back: decode it (here, the packet just made) and send it out.
            opusIn.decode(opus, 0, len, pcm, 0);
            short[] out = pcm;
            if (down != null) {
                down.process(pcm, 0, opusFrame, pcm8, 0);
                out = pcm8;
            }
            pcmuOut.encode(out, 0, 160, sent, 0);
        }

        void close() {
            opusOut.close();
            opusIn.close();
        }
    }
}
