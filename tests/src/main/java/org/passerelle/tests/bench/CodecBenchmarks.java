package org.passerelle.tests.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.G711Decoder;
import org.passerelle.transcoder.codec.G711Encoder;
import org.passerelle.transcoder.codec.G722Decoder;
import org.passerelle.transcoder.codec.G722Encoder;
import org.passerelle.transcoder.codec.OpusDecoder;
import org.passerelle.transcoder.codec.OpusEncoder;

/**
 * One 20 ms frame through each codec, both ways: G.711 µ-law (160 samples at 8 kHz), G.722 (320
 * at 16 kHz), Opus (960 at 48 kHz: full band as for a browser's mix, and narrowband as a G.711
 * caller's track is coded). Time per frame; a call costs one encode and one decode per 20 ms.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmarks {
    private final G711Encoder pcmuEncoder = new G711Encoder(AudioCodec.PCMU);
    private final G711Decoder pcmuDecoder = new G711Decoder(AudioCodec.PCMU);
    private final G722Encoder g722Encoder = new G722Encoder();
    private final G722Decoder g722Decoder = new G722Decoder();
    private OpusEncoder opusEncoder;
    private OpusEncoder opusNarrowbandEncoder;
    private OpusDecoder opusDecoder;

    private final short[] pcm8 = TestSignal.tone(8000, 440, 8000, 160);
    private final short[] pcm16 = TestSignal.tone(16000, 440, 8000, 320);
    private final short[] pcm48 = TestSignal.tone(48000, 440, 8000, 960);
    private final short[] out = new short[5760];
    private final byte[] payload = new byte[1500];
    private byte[] pcmuFrame;
    private byte[] g722Frame;
    private byte[] opusFrame;
    private int opusLength;

    @Setup(Level.Trial)
    public void setUp() {
        opusEncoder = new OpusEncoder();
        opusNarrowbandEncoder = new OpusEncoder(OpusEncoder.Settings.voiceFrom(AudioCodec.PCMU));
        opusDecoder = new OpusDecoder();
        pcmuFrame = new byte[160];
        pcmuEncoder.encode(pcm8, 0, 160, pcmuFrame, 0);
        g722Frame = new byte[160];
        g722Encoder.encode(pcm16, 0, 320, g722Frame, 0);
        opusFrame = new byte[1500];
        // A few frames first, so the one kept is a steady-state packet rather than the first.
        for (int i = 0; i < 5; i++) opusLength = opusEncoder.encode(pcm48, 0, 960, opusFrame, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opusEncoder.close();
        opusNarrowbandEncoder.close();
        opusDecoder.close();
    }

    @Benchmark
    public int pcmuEncode() {
        return pcmuEncoder.encode(pcm8, 0, 160, payload, 0);
    }

    @Benchmark
    public short[] pcmuDecode() {
        pcmuDecoder.decode(pcmuFrame, 0, 160, out, 0);
        return out;
    }

    @Benchmark
    public int g722Encode() {
        return g722Encoder.encode(pcm16, 0, 320, payload, 0);
    }

    @Benchmark
    public short[] g722Decode() {
        g722Decoder.decode(g722Frame, 0, 160, out, 0);
        return out;
    }

    @Benchmark
    public int opusEncode() {
        return opusEncoder.encode(pcm48, 0, 960, payload, 0);
    }

    @Benchmark
    public int opusEncodeNarrowband() {
        return opusNarrowbandEncoder.encode(pcm48, 0, 960, payload, 0);
    }

    @Benchmark
    public int opusDecode() {
        return opusDecoder.decode(opusFrame, 0, opusLength, out, 0);
    }
}
