package org.passerelle.tests.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.passerelle.transcoder.audio.Mixer;

/**
 * One mix-minus tick of a room (960 samples, 20 ms at 48 kHz) with every participant talking:
 * time per tick for the whole room; divide by the participants for the cost per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MixerBenchmarks {
    @Param({"2", "10", "50"})
    public int participants;

    private Mixer mixer;
    private Mixer.Participant[] members;

    @Setup(Level.Trial)
    public void setUp() {
        mixer = new Mixer(960);
        members = new Mixer.Participant[participants];
        for (int i = 0; i < participants; i++) {
            members[i] = mixer.join();
            short[] tone = TestSignal.tone(48000, 300 + 50 * i, 2000, 960);
            System.arraycopy(tone, 0, members[i].input(), 0, 960);
        }
    }

    @Benchmark
    public Mixer mixTick() {
        for (Mixer.Participant p : members) p.markInput();
        mixer.mix();
        return mixer;
    }
}
