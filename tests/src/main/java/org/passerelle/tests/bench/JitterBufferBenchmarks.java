package org.passerelle.tests.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.passerelle.transcoder.audio.JitterBuffer;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * One 20 ms PCMU packet in and one frame out of the jitter buffer, on a fake clock that advances
 * 20 ms per operation (a steady stream with no jitter): put + poll + take + release.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JitterBufferBenchmarks {
    private final RtpPacketPool pool = new RtpPacketPool(128);
    private long now = 1_000_000_000L;
    private final JitterBuffer buffer = new JitterBuffer(() -> now, 8000);
    private int seq;
    private long ts;

    @Benchmark
    public JitterBuffer.Outcome putPoll() {
        RtpPacket p = pool.acquire();
        p.writeHeader(0, false, seq++ & 0xffff, ts, 0x1234L, 160);
        p.setArrivalNanos(now);
        buffer.put(p);
        ts += 160;
        JitterBuffer.Outcome o = buffer.poll();
        if (o == JitterBuffer.Outcome.PACKET) buffer.take().release();
        now += 20_000_000L;
        return o;
    }
}
