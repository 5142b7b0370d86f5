package org.passerelle.webrtc.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.srtp.PacketBuffer;
import org.passerelle.webrtc.dtls.SrtpKeys;
import org.passerelle.webrtc.dtls.SrtpProfile;

class SrtpSessionTest {
    private static SrtpKeys keys(SrtpProfile p, boolean flip) {
        byte[] k1 = new byte[16], k2 = new byte[16];
        byte[] s1 = new byte[p == SrtpProfile.AEAD_AES_128_GCM ? 12 : 14], s2 = s1.clone();
        Arrays.fill(k1, (byte) 1);
        Arrays.fill(k2, (byte) 2);
        Arrays.fill(s1, (byte) 3);
        Arrays.fill(s2, (byte) 4);
        return flip ? new SrtpKeys(p, k2, s2, k1, s1) : new SrtpKeys(p, k1, s1, k2, s2);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpAndRtcpRoundTripAndTamperingIsRejected(SrtpProfile profile) throws Exception {
        try (SrtpSession alice = new SrtpSession(keys(profile, false), 0x11111111);
             SrtpSession bob = new SrtpSession(keys(profile, true), 0x22222222)) {
            RtpPacket p = RtpPacket.unpooled();
            byte[] payload = new byte[60];
            for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
            System.arraycopy(payload, 0, p.buffer(), RtpPacket.FIXED_HEADER, payload.length);
            p.writeHeader(111, true, 7, 960, 0x11111111L, payload.length);
            PacketBuffer b = new PacketBuffer().wrap(p.buffer(), 0, p.length());
            assertTrue(alice.protectRtp(b));
            assertEquals(p.length() + (profile == SrtpProfile.AEAD_AES_128_GCM ? 16 : 10), b.getLength());
            byte[] wire = Arrays.copyOf(p.buffer(), b.getLength());
            assertFalse(Arrays.equals(payload, Arrays.copyOfRange(wire, 12, 72)), "encrypted");

            assertTrue(bob.unprotectRtp(b));
            assertEquals(72, b.getLength());
            assertArrayEquals(payload, Arrays.copyOfRange(p.buffer(), 12, 72));

            wire[20] ^= 1;
            assertFalse(bob.unprotectRtp(new PacketBuffer().wrap(Arrays.copyOf(wire, 1500), 0, wire.length)),
                    "a flipped bit fails authentication");

            byte[] rtcp = new byte[1500];
            byte[] rr = {(byte) 0x80, (byte) 201, 0, 1, 0x11, 0x11, 0x11, 0x11};
            System.arraycopy(rr, 0, rtcp, 0, rr.length);
            PacketBuffer c = new PacketBuffer().wrap(rtcp, 0, rr.length);
            assertTrue(alice.protectRtcp(c));
            assertTrue(c.getLength() > rr.length);
            assertTrue(bob.unprotectRtcp(c));
            assertArrayEquals(rr, Arrays.copyOf(rtcp, c.getLength()));
        }
    }

    /**
     * jitsi-srtp, left to choose, benchmarks every AES provider on the first use of each cipher
     * mode (~0.7 s, holding a lock every session's key setup needs); with a provider named it
     * does not. The first sessions of this JVM for each profile log no benchmark.
     */
    @Test
    void noAesBenchmarkRunsWhenSessionsAreMade() throws Exception {
        java.util.logging.Logger aes = java.util.logging.Logger.getLogger("org.jitsi.srtp.crypto.Aes");
        java.util.logging.Level before = aes.getLevel();
        List<String> messages = new CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { messages.add(String.valueOf(r.getMessage())); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        aes.setLevel(java.util.logging.Level.ALL);
        aes.addHandler(handler);
        try {
            for (SrtpProfile p : SrtpProfile.values()) {
                try (SrtpSession s = new SrtpSession(keys(p, false), 0x11111111)) {
                    RtpPacket packet = RtpPacket.unpooled();
                    packet.writeHeader(111, false, 1, 960, 0x11111111L, 20);
                    assertTrue(s.protectRtp(new PacketBuffer().wrap(packet.buffer(), 0, packet.length())));
                }
            }
        } finally {
            aes.removeHandler(handler);
            aes.setLevel(before);
        }
        assertTrue(messages.stream().noneMatch(m -> m.contains("benchmark")), messages.toString());
        assertTrue(List.of("OpenSSL", "SunJCE").contains(SrtpSession.AES_PROVIDER));
    }

    @Test
    void theWarmUpReadiesEveryProfileOnce() throws Exception {
        SrtpWarmUp.startOnce();
        SrtpWarmUp.startOnce(); // a no-op: one warm-up per process
        assertTrue(SrtpWarmUp.await(20, TimeUnit.SECONDS), "the warm-up ended");
        assertTrue(SrtpWarmUp.succeeded(), "every profile protected a packet");
    }

    /** Prints what jitsi-srtp allocates per packet (a figure, not an assertion: it is the library's). */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void allocationPerPacketIsPrinted(SrtpProfile profile) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        try (SrtpSession alice = new SrtpSession(keys(profile, false), 0x11111111);
             SrtpSession bob = new SrtpSession(keys(profile, true), 0x22222222)) {
            RtpPacket p = RtpPacket.unpooled();
            PacketBuffer b = new PacketBuffer();
            long protect = 0, unprotect = 0;
            int n = 20000;
            for (int round = 0; round < 2; round++) {
                protect = unprotect = 0;
                for (int i = 0; i < n; i++) {
                    p.writeHeader(111, false, (round * n + i) & 0xffff, 960L * i, 0x11111111L, 100);
                    long t0 = mx.getCurrentThreadAllocatedBytes();
                    alice.protectRtp(b.wrap(p.buffer(), 0, p.length()));
                    long t1 = mx.getCurrentThreadAllocatedBytes();
                    assertTrue(bob.unprotectRtp(b));
                    long t2 = mx.getCurrentThreadAllocatedBytes();
                    protect += t1 - t0;
                    unprotect += t2 - t1;
                }
            }
            System.out.printf("%s: protect %d B, unprotect %d B per packet%n", profile, protect / n, unprotect / n);
        }
    }
}
