package org.passerelle.tests.bench;

import java.security.GeneralSecurityException;
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
import org.openjdk.jmh.annotations.TearDown;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.webrtc.dtls.SrtpKeys;
import org.passerelle.webrtc.dtls.SrtpProfile;
import org.passerelle.transcoder.srtp.PacketBuffer;
import org.passerelle.webrtc.srtp.SrtpSession;

/**
 * SRTP of one Opus-sized packet (12-byte header + 80 bytes) through our {@link SrtpSession}, per
 * profile a browser may pick: protect alone, and protect then unprotect by the peer (a session
 * keyed the other way round). Sequence numbers advance so replay protection accepts each packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SrtpBenchmarks {
    private static final int PAYLOAD = 80;
    private static final long SSRC = 0x11223344L;

    @Param({"AEAD_AES_128_GCM", "AES128_CM_HMAC_SHA1_80"})
    public String profile;

    private SrtpSession sender;
    private SrtpSession receiver;
    private final RtpPacket packet = RtpPacket.unpooled();
    private final PacketBuffer view = new PacketBuffer();
    private int seq;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SrtpProfile p = SrtpProfile.valueOf(profile);
        byte[] keyA = bytes(16, 1), saltA = bytes(saltLength(p), 2);
        byte[] keyB = bytes(16, 3), saltB = bytes(saltLength(p), 4);
        sender = new SrtpSession(new SrtpKeys(p, keyA, saltA, keyB, saltB), (int) SSRC);
        receiver = new SrtpSession(new SrtpKeys(p, keyB, saltB, keyA, saltA), 0x55667788);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    private static int saltLength(SrtpProfile p) {
        return p == SrtpProfile.AEAD_AES_128_GCM ? 12 : 14;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed * 31 + i * 7);
        return b;
    }

    private PacketBuffer nextPacket() {
        packet.writeHeader(111, false, seq & 0xffff, 960L * seq, SSRC, PAYLOAD);
        seq++;
        return view.wrap(packet.buffer(), 0, packet.length());
    }

    @Benchmark
    public boolean protect() {
        return sender.protectRtp(nextPacket());
    }

    @Benchmark
    public boolean protectUnprotect() {
        PacketBuffer b = nextPacket();
        return sender.protectRtp(b) && receiver.unprotectRtp(b);
    }
}
