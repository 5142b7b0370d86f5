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
 *   <li>{@code embedded}: what an embedded room does per PCMU call and 20 ms: jitter buffer put +
 *       poll, µ-law decode, 8→48 kHz, its share of the room's mix-minus, 48→8 kHz, µ-law encode.</li>
 *   <li>{@code pcmuOpus}: a PCMU⇄Opus call (as to a LiveKit room): µ-law decode, 8→48,
 *       Opus encode (narrowband, as the gateway codes a G.711 caller's track), Opus decode,
 *       48→8, µ-law encode.</li>
 * </ul>
 * No sockets, no threads, no signalling: what a perfect gateway could not avoid.
 */
final class CodecLimit {
    /** CPU seconds per call-minute of both variants. */
    record Result(double embedded, double pcmuOpus) {}

    private static final int FRAMES_PER_MINUTE = 3000;

    private CodecLimit() {}

    static Result measure(int callsPerRoom, double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Embedded e = new Embedded(callsPerRoom);
        PcmuOpus o = new PcmuOpus();
        // warm-up: let the JIT compile the paths
        long warm = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warm) {
            e.tick();
            o.frame();
        }
        double embedded = perCallMinute(mx, seconds, () -> e.tick(), callsPerRoom);
        double opus = perCallMinute(mx, seconds, o::frame, 1);
        o.close();
        return new Result(embedded, opus);
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

    /** One embedded room of PCMU calls, one tick at a time. */
    private static final class Embedded {
        private long now = 1_000_000_000L;
        private final int n;
        private final RtpPacketPool pool = new RtpPacketPool(256);
        private final JitterBuffer[] jitter;
        private final G711Decoder[] decoders;
        private final G711Encoder[] encoders;
        private final Resampler[] up;
        private final Resampler[] down;
        private final Mixer mixer = new Mixer(960);
        private final Mixer.Participant[] members;
        private final short[] pcm8 = new short[160];
        private final short[] out8 = new short[160];
        private final byte[] payload;
        private final byte[] sent = new byte[1500];
        private int seq;

        Embedded(int n) {
            this.n = n;
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
                up[i] = Resampler.create(8000, 48000);
                down[i] = Resampler.create(48000, 8000);
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
                if (jitter[i].poll() == JitterBuffer.Outcome.PACKET) {
                    RtpPacket q = jitter[i].take();
                    decoders[i].decode(q.buffer(), q.payloadOffset(), q.payloadLength(), pcm8, 0);
                    q.release();
                } else {
                    decoders[i].conceal(pcm8, 0, 160);
                }
                up[i].process(pcm8, 0, 160, members[i].input(), 0);
                members[i].markInput();
            }
            mixer.mix();
            for (int i = 0; i < n; i++) {
                down[i].process(members[i].output(), 0, 960, out8, 0);
                encoders[i].encode(out8, 0, 160, sent, RtpPacket.FIXED_HEADER);
            }
            seq++;
            now += 20_000_000L;
        }
    }

    /** One PCMU⇄Opus call, one 20 ms frame each way. */
    private static final class PcmuOpus {
        private final G711Decoder pcmuIn = new G711Decoder(AudioCodec.PCMU);
        private final G711Encoder pcmuOut = new G711Encoder(AudioCodec.PCMU);
        private final Resampler up = Resampler.create(8000, 48000);
        private final Resampler down = Resampler.create(48000, 8000);
        // As the gateway codes a G.711 caller's track: capped to the band G.711 carries.
        private final OpusEncoder opusOut = new OpusEncoder(OpusEncoder.Settings.voiceFrom(AudioCodec.PCMU));
        private final OpusDecoder opusIn = new OpusDecoder();
        private final byte[] payload = GeneratorAudio.pattern(false, 0);
        private final short[] pcm8 = new short[160];
        private final short[] pcm48 = new short[960];
        private final byte[] opus = new byte[1500];
        private final byte[] sent = new byte[1500];
        private int frame;

        void frame() {
            int f = frame++ % GeneratorAudio.FRAMES_PER_SECOND;
            pcmuIn.decode(payload, f * 160, 160, pcm8, 0);
            up.process(pcm8, 0, 160, pcm48, 0);
            int len = opusOut.encode(pcm48, 0, 960, opus, 0);
            // The room's audio coming back: decode it (here, the packet just made) and send it out.
            opusIn.decode(opus, 0, len, pcm48, 0);
            down.process(pcm48, 0, 960, pcm8, 0);
            pcmuOut.encode(pcm8, 0, 160, sent, 0);
        }

        void close() {
            opusOut.close();
            opusIn.close();
        }
    }
}
