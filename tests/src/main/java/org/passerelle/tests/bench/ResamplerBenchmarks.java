package org.passerelle.tests.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.passerelle.transcoder.audio.Resampler;

/**
 * One 20 ms frame through the resampler: 8 kHz to the room's 48 kHz, and back; also the other
 * decimators (48 to 16 kHz for G.722 callers, 16 to 8 kHz).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResamplerBenchmarks {
    private final Resampler up = Resampler.create(8000, 48000);
    private final Resampler down = Resampler.create(48000, 8000);
    private final Resampler down16 = Resampler.create(48000, 16000);
    private final Resampler down16to8 = Resampler.create(16000, 8000);
    private final short[] in8 = TestSignal.tone(8000, 440, 8000, 160);
    private final short[] in48 = TestSignal.tone(48000, 440, 8000, 960);
    private final short[] in16 = TestSignal.tone(16000, 440, 8000, 320);
    private final short[] out = new short[960];

    @Benchmark
    public short[] up8to48() {
        up.process(in8, 0, 160, out, 0);
        return out;
    }

    @Benchmark
    public short[] down48to8() {
        down.process(in48, 0, 960, out, 0);
        return out;
    }

    @Benchmark
    public short[] down48to16() {
        down16.process(in48, 0, 960, out, 0);
        return out;
    }

    @Benchmark
    public short[] down16to8() {
        down16to8.process(in16, 0, 320, out, 0);
        return out;
    }
}
