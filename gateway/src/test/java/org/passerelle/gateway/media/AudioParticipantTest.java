package org.passerelle.gateway.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.audio.ToneAnalyzer;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.AudioCodecs;
import org.passerelle.transcoder.codec.AudioDecoder;
import org.passerelle.transcoder.codec.AudioEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * The bridge between an RTP stream and a room, driven tick by tick with a fake clock: the phone's tone
 * reaches the room at 48 kHz, the room's tone reaches the phone in its codec, and the steady
 * state allocates nothing per packet.
 */
class AudioParticipantTest {
    private long now = 1_000_000_000L;

    /** A port that decodes what is sent as the far end would. */
    private static final class FakeLeg implements AudioPort {
        final AudioCodec codec;
        final RtpPacketPool pool = new RtpPacketPool(64);
        final AudioDecoder phoneDecoder;
        final short[] heard = new short[48000];
        int heardLength;
        int sent;
        long lastTimestamp = -1;
        int lastDuration;

        FakeLeg(AudioCodec codec) {
            this.codec = codec;
            this.phoneDecoder = AudioCodecs.decoder(codec);
        }

        @Override public AudioCodec codec() { return codec; }
        @Override public RtpPacketPool packetPool() { return pool; }

        @Override
        public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
            sent++;
            lastDuration = rtpDuration;
            if (heardLength + 960 <= heard.length) {
                int n = phoneDecoder.decode(packet.buffer(), RtpPacket.FIXED_HEADER, payloadLength, heard, heardLength);
                heardLength += Math.max(0, n);
            }
            packet.release();
        }
    }

    private static void tone(short[] pcm, int n, int rate, double hz, long startSample) {
        for (int i = 0; i < n; i++) {
            pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * (startSample + i) / rate));
        }
    }

    /** A phone sending 440 Hz into the participant, and a room playing it 1000 Hz, tick by tick. */
    private final class Bench {
        final FakeLeg leg;
        final AudioParticipant participant;
        final AudioCodec codec;
        private final RtpPacketPool phonePool = new RtpPacketPool(64);
        private final AudioEncoder phoneEncoder;
        private final int phoneFrame;
        private final short[] phonePcm;
        final short[] roomFrame = new short[Participant.FRAME_SAMPLES];
        private final short[] roomMix = new short[Participant.FRAME_SAMPLES];

        Bench(AudioCodec codec) {
            this.codec = codec;
            leg = new FakeLeg(codec);
            participant = new AudioParticipant("call-1", () -> "Alice", leg, () -> now);
            phoneEncoder = AudioCodecs.encoder(codec);
            phoneFrame = codec.samplesPerFrame(20);
            phonePcm = new short[phoneFrame];
        }

        /** One 20 ms tick; returns whether the room got audio from the phone in {@link #roomFrame}. */
        boolean tick(int n) {
            tone(phonePcm, phoneFrame, codec.sampleRate(), 440, (long) n * phoneFrame);
            RtpPacket rtp = phonePool.acquire();
            int len = phoneEncoder.encode(phonePcm, 0, phoneFrame, rtp.buffer(), RtpPacket.FIXED_HEADER);
            rtp.writeHeader(0, n == 0, n & 0xffff, (long) n * codec.rtpUnitsPerFrame(20), 42, len);
            rtp.setArrivalNanos(now);
            participant.onRtp(rtp);
            boolean heard = participant.readFrame(roomFrame);
            tone(roomMix, roomMix.length, 48000, 1000, (long) n * roomMix.length);
            participant.writeFrame(roomMix);
            now += 20_000_000L;
            return heard;
        }
    }

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void phoneToneReachesTheRoomAndRoomToneReachesThePhone(AudioCodec codec) {
        Bench bench = new Bench(codec);
        short[] roomHeard = new short[48000];
        int roomHeardLength = 0;
        for (int tick = 0; tick < 100; tick++) {
            if (bench.tick(tick) && roomHeardLength + bench.roomFrame.length <= roomHeard.length) {
                System.arraycopy(bench.roomFrame, 0, roomHeard, roomHeardLength, bench.roomFrame.length);
                roomHeardLength += bench.roomFrame.length;
            }
        }
        bench.participant.close();
        FakeLeg leg = bench.leg;

        assertEquals(100, leg.sent, "one packet per tick to the phone");
        assertEquals(codec.rtpUnitsPerFrame(20), leg.lastDuration);
        assertTrue(roomHeardLength >= 48000 / 2, "the room got at least half a second, got " + roomHeardLength);
        int skip = 9600; // past the jitter buffer's start and the filters' delay
        assertEquals(440, dominant(roomHeard, skip, roomHeardLength - skip, 48000), 5);
        int phoneSkip = codec.sampleRate() / 5;
        assertEquals(1000, dominant(leg.heard, phoneSkip, leg.heardLength - phoneSkip, codec.sampleRate()), 5);
    }

    private static double dominant(short[] pcm, int off, int len, int rate) {
        return ToneAnalyzer.dominantFrequency(pcm, off, len, rate, 100, 3000, 5);
    }

    @ParameterizedTest
    @EnumSource(value = AudioCodec.class, names = {"PCMU", "OPUS"})
    void steadyStateAllocatesNothingPerPacket(AudioCodec codec) {
        Bench bench = new Bench(codec);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        int warmup = 500;
        int measured = 5000;
        for (int tick = 0; tick < warmup; tick++) bench.tick(tick);
        // The resamplers' SIMD code boxes its vectors until the JIT has compiled it (later on a
        // busy machine): the steady state is the first window of 5000 ticks that allocates nothing.
        long allocated = Long.MAX_VALUE;
        int tick = warmup;
        for (int window = 0; window < 10 && allocated >= 16 * 1024; window++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int end = tick + measured; tick < end; tick++) bench.tick(tick);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        bench.participant.close();
        assertTrue(allocated < 16 * 1024, measured + " packets each way allocated " + allocated + " bytes");
    }

    @org.junit.jupiter.api.Test
    void dtmfPlayedInBandReachesThePhoneAsTheKeyAndLeavesTheSharedMixAlone() {
        FakeLeg leg = new FakeLeg(AudioCodec.PCMU);
        AudioParticipant p = new AudioParticipant("call-1", () -> "Alice", leg, () -> now);
        short[] mix = new short[Participant.FRAME_SAMPLES]; // silence from the room
        java.util.List<Character> keys = new java.util.ArrayList<>();
        org.passerelle.transcoder.dtmf.DtmfToneDetector detector =
                new org.passerelle.transcoder.dtmf.DtmfToneDetector(8000, (key, ms) -> keys.add(key));
        for (int tick = 0; tick < 10; tick++) p.writeFrame(mix); // the resampler's history fills
        p.playDtmf('7', 160);
        for (int tick = 0; tick < 20; tick++) p.writeFrame(mix);
        p.playDtmf('#', 160);
        for (int tick = 0; tick < 20; tick++) p.writeFrame(mix);
        p.close();
        detector.process(leg.heard, 0, leg.heardLength);
        assertEquals(java.util.List.of('7', '#'), keys, "the phone hears the keys as tones, once each");
        for (short s : mix) assertEquals(0, s, "the room's mix buffer is never written");
    }
}
