package org.passerelle.gateway.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.audio.ToneAnalyzer;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.AudioCodecs;
import org.passerelle.transcoder.codec.AudioDecoder;
import org.passerelle.transcoder.codec.AudioEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * The bridge between an RTP stream and a room, driven tick by tick with a fake clock: the phone's
 * tone reaches the room at the room's rate (8, 16 or 48 kHz), the room's tone reaches the phone in
 * its codec, and the steady state allocates nothing per packet.
 */
class AudioParticipantTest {
    private long now = 1_000_000_000L;

    /** A port that decodes what is sent as the far end would. */
    private static final class FakeLeg implements AudioPort {
        final AudioCodec codec;
        final RtpPacketPool pool = new RtpPacketPool(64);
        final AudioDecoder phoneDecoder;
        final short[] heard = new short[96000];
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

    /** A phone sending 440 Hz into the participant, and a room at {@code roomRate} playing it 1000 Hz, tick by tick. */
    private final class Bench {
        final FakeLeg leg;
        final AudioParticipant participant;
        final AudioCodec codec;
        final int roomRate;
        final int roomSamples;
        private final RtpPacketPool phonePool = new RtpPacketPool(64);
        private final AudioEncoder phoneEncoder;
        private final int phoneFrame;
        private final short[] phonePcm;
        final short[] roomFrame = new short[Participant.MAX_FRAME_SAMPLES];
        private final short[] roomMix = new short[Participant.MAX_FRAME_SAMPLES];

        Bench(AudioCodec codec) {
            this(codec, 48000);
        }

        Bench(AudioCodec codec, int roomRate) {
            this.codec = codec;
            this.roomRate = roomRate;
            this.roomSamples = Participant.frameSamples(roomRate);
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
            boolean heard = participant.readFrame(roomFrame, roomRate);
            tone(roomMix, roomSamples, roomRate, 1000, (long) n * roomSamples);
            participant.writeFrame(roomMix, roomRate);
            now += 20_000_000L;
            return heard;
        }
    }

    /** Every codec in a room at every mixing rate. */
    static Stream<Arguments> codecsAndRoomRates() {
        List<Arguments> all = new ArrayList<>();
        for (AudioCodec c : AudioCodec.values()) {
            for (int rate : new int[] {8000, 16000, 48000}) all.add(Arguments.of(c, rate));
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("codecsAndRoomRates")
    void phoneToneReachesTheRoomAndRoomToneReachesThePhone(AudioCodec codec, int roomRate) {
        Bench bench = new Bench(codec, roomRate);
        short[] roomHeard = new short[roomRate];
        int roomHeardLength = 0;
        int roomFrames = 0;
        for (int tick = 0; tick < 100; tick++) {
            if (bench.tick(tick) && roomHeardLength + bench.roomSamples <= roomHeard.length) {
                System.arraycopy(bench.roomFrame, 0, roomHeard, roomHeardLength, bench.roomSamples);
                roomHeardLength += bench.roomSamples;
                roomFrames++;
            }
        }
        bench.participant.close();
        FakeLeg leg = bench.leg;

        assertEquals(100, leg.sent, "one packet per tick to the phone");
        assertEquals(codec.rtpUnitsPerFrame(20), leg.lastDuration);
        assertTrue(roomFrames >= 25, "the room got at least half a second, got " + roomFrames + " frames");
        int skip = roomRate / 5; // past the jitter buffer's start and the filters' delay
        assertEquals(440, dominant(roomHeard, skip, roomHeardLength - skip, roomRate), 5);
        // 8000-amplitude tones: the level survives the codec and the resamplers (within 1 dB)
        double sent = 8000.0 * 8000 / 2;
        assertEquals(0, ToneAnalyzer.toDb(ToneAnalyzer.meanPower(roomHeard, skip, roomHeardLength - skip), sent), 1.0,
                "level of the phone's tone in the room");
        int phoneSkip = codec.sampleRate() / 5;
        assertEquals(1000, dominant(leg.heard, phoneSkip, leg.heardLength - phoneSkip, codec.sampleRate()), 5);
        assertEquals(0, ToneAnalyzer.toDb(ToneAnalyzer.meanPower(leg.heard, phoneSkip, leg.heardLength - phoneSkip),
                sent), 1.0, "level of the room's tone at the phone");
    }

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void theLastFrameIsWhatThePhoneSaidAtItsCodecRateWhateverTheRoomRate(AudioCodec codec) {
        Bench bench = new Bench(codec, codec == AudioCodec.OPUS ? 8000 : 48000);
        int frame = codec.samplesPerFrame(20);
        assertEquals(frame, bench.participant.lastFrame().length);
        short[] said = new short[codec.sampleRate()];
        int saidLength = 0;
        for (int tick = 0; tick < 60; tick++) {
            if (bench.tick(tick) && saidLength + frame <= said.length) {
                System.arraycopy(bench.participant.lastFrame(), 0, said, saidLength, frame);
                saidLength += frame;
            }
        }
        bench.participant.close();
        int skip = codec.sampleRate() / 5;
        assertEquals(440, dominant(said, skip, saidLength - skip, codec.sampleRate()), 5);
    }

    @ParameterizedTest
    @EnumSource(value = AudioCodec.class, names = {"PCMU", "G722"})
    void aRoomRateChangeMidCallKeepsTheToneBothWays(AudioCodec codec) {
        // The room goes 8 → 48 → 16 → 8 kHz, 40 ticks each; the phone must hear the room's 1 kHz
        // and the room the phone's 440 Hz after every change (an instant's reset is allowed).
        int[] rates = {8000, 48000, 16000, 8000};
        FakeLeg leg = new FakeLeg(codec);
        AudioParticipant p = new AudioParticipant("call-1", () -> "Alice", leg, () -> now);
        AudioEncoder enc = AudioCodecs.encoder(codec);
        RtpPacketPool pool = new RtpPacketPool(64);
        int phoneFrame = codec.samplesPerFrame(20);
        short[] pcm = new short[phoneFrame];
        short[] roomFrame = new short[Participant.MAX_FRAME_SAMPLES];
        short[] mix = new short[Participant.MAX_FRAME_SAMPLES];
        int tick = 0;
        for (int rate : rates) {
            int n = Participant.frameSamples(rate);
            short[] roomHeard = new short[40 * n];
            int roomHeardLength = 0;
            int phoneStart = leg.heardLength;
            for (int i = 0; i < 40; i++, tick++) {
                tone(pcm, phoneFrame, codec.sampleRate(), 440, (long) tick * phoneFrame);
                RtpPacket rtp = pool.acquire();
                int len = enc.encode(pcm, 0, phoneFrame, rtp.buffer(), RtpPacket.FIXED_HEADER);
                rtp.writeHeader(0, tick == 0, tick & 0xffff, (long) tick * codec.rtpUnitsPerFrame(20), 42, len);
                rtp.setArrivalNanos(now);
                p.onRtp(rtp);
                if (p.readFrame(roomFrame, rate)) {
                    System.arraycopy(roomFrame, 0, roomHeard, roomHeardLength, n);
                    roomHeardLength += n;
                }
                tone(mix, n, rate, 1000, (long) tick * n);
                p.writeFrame(mix, rate);
                now += 20_000_000L;
            }
            int skip = 8 * n; // 160 ms: the jitter buffer's start, the filters' delay
            assertTrue(roomHeardLength > 2 * skip, "the room heard the phone at " + rate + " Hz");
            assertEquals(440, dominant(roomHeard, skip, roomHeardLength - skip, rate), 5, "room at " + rate + " Hz");
            assertEquals(0, ToneAnalyzer.toDb(ToneAnalyzer.meanPower(roomHeard, skip, roomHeardLength - skip),
                    8000.0 * 8000 / 2), 1.0, "level in the room at " + rate + " Hz");
            int phoneSkip = 8 * phoneFrame;
            int from = phoneStart + phoneSkip;
            assertEquals(1000, dominant(leg.heard, from, leg.heardLength - from, codec.sampleRate()), 5,
                    "phone, room at " + rate + " Hz");
            assertEquals(0, ToneAnalyzer.toDb(ToneAnalyzer.meanPower(leg.heard, from, leg.heardLength - from),
                    8000.0 * 8000 / 2), 1.0, "level at the phone, room at " + rate + " Hz");
        }
        assertEquals(tick, leg.sent, "one packet per tick to the phone, through every change");
        p.close();
        enc.close();
    }

    private static double dominant(short[] pcm, int off, int len, int rate) {
        return ToneAnalyzer.dominantFrequency(pcm, off, len, rate, 100, 3000, 5);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"PCMU, 8000", "PCMU, 16000", "PCMU, 48000", "OPUS, 48000"})
    void steadyStateAllocatesNothingPerPacket(AudioCodec codec, int roomRate) {
        Bench bench = new Bench(codec, roomRate);
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
        short[] mix = new short[Participant.MAX_FRAME_SAMPLES]; // silence from the room
        java.util.List<Character> keys = new java.util.ArrayList<>();
        org.passerelle.transcoder.dtmf.DtmfToneDetector detector =
                new org.passerelle.transcoder.dtmf.DtmfToneDetector(8000, (key, ms) -> keys.add(key));
        for (int tick = 0; tick < 10; tick++) p.writeFrame(mix, 8000);
        p.playDtmf('7', 160);
        for (int tick = 0; tick < 20; tick++) p.writeFrame(mix, 48000); // a browser joined meanwhile
        p.playDtmf('#', 160);
        for (int tick = 0; tick < 20; tick++) p.writeFrame(mix, 8000);
        p.close();
        detector.process(leg.heard, 0, leg.heardLength);
        assertEquals(java.util.List.of('7', '#'), keys, "the phone hears the keys as tones, once each");
        for (short s : mix) assertEquals(0, s, "the room's mix buffer is never written");
    }
}
