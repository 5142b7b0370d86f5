package org.passerelle.tests.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * RTP header parsing in place (RFC 3550 §5.1): validate and read every field a receiver uses,
 * for a plain 12-byte header and for one with a CSRC and a one-byte header extension (RFC 8285).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RtpParseBenchmarks {
    private final RtpPacket plain = RtpPacket.unpooled();
    private final RtpPacket extended = RtpPacket.unpooled();

    public RtpParseBenchmarks() {
        plain.writeHeader(0, true, 4242, 123456789L, 0xCAFEBABEL, 160);
        byte[] b = extended.buffer();
        extended.writeHeader(111, false, 4242, 123456789L, 0xCAFEBABEL, 0);
        b[0] = (byte) 0x91;                     // V=2, X=1, CC=1
        int off = 12;
        b[off++] = 0; b[off++] = 0; b[off++] = 0; b[off++] = 7;               // CSRC
        b[off++] = (byte) 0xBE; b[off++] = (byte) 0xDE; b[off++] = 0; b[off++] = 1; // extension, 1 word
        b[off++] = 0x10; b[off++] = (byte) 0x80; b[off++] = 0; b[off++] = 0;  // audio level
        extended.setLength(off + 80);
    }

    @Benchmark
    public void parsePlain(Blackhole bh) {
        parse(plain, bh);
    }

    @Benchmark
    public void parseWithExtension(Blackhole bh) {
        parse(extended, bh);
    }

    private static void parse(RtpPacket p, Blackhole bh) {
        bh.consume(p.isValid());
        bh.consume(p.payloadType());
        bh.consume(p.marker());
        bh.consume(p.sequence());
        bh.consume(p.timestamp());
        bh.consume(p.ssrc());
        bh.consume(p.payloadOffset());
        bh.consume(p.payloadLength());
    }
}
