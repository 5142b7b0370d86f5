package org.passerelle.sip.rtp;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passerelle.sip.sdp.SdesCrypto;
import org.passerelle.sip.sdp.SdesKeys;
import org.passerelle.sip.sdp.SrtpSuite;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.passerelle.transcoder.srtp.PacketBuffer;

/** An SDES-SRTP leg on loopback against a phone side that keys its own jitsi-srtp contexts the other way round. */
class SrtpRtpLegTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final int PHONE_SSRC = 0x5eed1234;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final BlockingQueue<RtpPacket> audio = new LinkedBlockingQueue<>();
    private RtpLeg leg;
    private DatagramSocket phone;

    @AfterEach
    void close() {
        if (leg != null) leg.close();
        if (phone != null) phone.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private SdesSrtp open(SrtpSuite suite) throws Exception {
        leg = RtpLeg.open(group, LO, new RtpPortAllocator(42000, 42999), now::get, Duration.ofSeconds(30),
                new RtpPacketPool(16), new RtpLeg.Receiver() {
                    @Override public void onAudio(RtpPacket packet) { audio.add(packet); }
                    @Override public void onTimeout() {}
                });
        phone = new DatagramSocket(new InetSocketAddress(LO, 0));
        phone.setSoTimeout(3000);
        SdesCrypto phoneKey = SdesCrypto.fresh(1, suite);
        SdesCrypto ourKey = phoneKey.answerWithFreshKey();
        leg.configureSrtp(new SdesKeys(phoneKey, ourKey));
        leg.configure(0, -1, new InetSocketAddress(LO, phone.getLocalPort()), true);
        return new SdesSrtp(new SdesKeys(ourKey, phoneKey), PHONE_SSRC);
    }

    /** An SRTP packet as the phone sends it: PCMU, payload bytes i+seq. */
    private byte[] phonePacket(SdesSrtp phoneSide, int seq) {
        RtpPacket p = RtpPacket.unpooled();
        for (int i = 0; i < 160; i++) p.buffer()[RtpPacket.FIXED_HEADER + i] = (byte) (i + seq);
        p.writeHeader(0, false, seq, 160L * seq, PHONE_SSRC, 160);
        byte[] out = new byte[RtpPacket.MAX_SIZE + SdesSrtp.MAX_OVERHEAD];
        System.arraycopy(p.buffer(), 0, out, 0, p.length());
        PacketBuffer v = new PacketBuffer().wrap(out, 0, p.length());
        assertTrue(phoneSide.protectRtp(v));
        return Arrays.copyOf(out, v.getLength());
    }

    private void toLeg(byte[] b) throws Exception {
        phone.send(new DatagramPacket(b, b.length, new InetSocketAddress(LO, leg.localPort())));
    }

    @ParameterizedTest
    @EnumSource(SrtpSuite.class)
    void bothWaysDecryptAndForgeriesAreDropped(SrtpSuite suite) throws Exception {
        SdesSrtp phoneSide = open(suite);
        byte[] first = phonePacket(phoneSide, 100);
        assertEquals(12 + 160 + suite.srtpTagLength(), first.length);
        toLeg(first);
        RtpPacket got = audio.poll(5, TimeUnit.SECONDS);
        assertNotNull(got, "an authentic packet reaches the receiver");
        assertEquals(172, got.length());
        assertEquals(100, got.sequence());
        assertEquals((byte) 100, got.buffer()[12]);
        assertEquals((byte) (159 + 100), got.buffer()[12 + 159]);
        got.release();

        // A replay, a forged payload and plain RTP are all dropped and counted.
        toLeg(first);
        byte[] forged = phonePacket(phoneSide, 101);
        forged[20] ^= 1;
        toLeg(forged);
        RtpPacket plain = RtpPacket.unpooled();
        plain.writeHeader(0, false, 102, 160L * 102, PHONE_SSRC, 160);
        toLeg(Arrays.copyOf(plain.buffer(), plain.length()));
        toLeg(phonePacket(phoneSide, 103));
        got = audio.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals(103, got.sequence(), "only the next authentic packet came through");
        got.release();
        assertEquals(3, leg.srtpFailures());
        assertEquals(2, leg.packetsReceived());

        // Ours: encrypted (the payload is not what we put in) and authentic for the phone.
        RtpPacket out = RtpPacket.unpooled();
        for (int i = 0; i < 160; i++) out.buffer()[RtpPacket.FIXED_HEADER + i] = (byte) 0x55;
        leg.sendAudio(out, 160, 160);
        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        phone.receive(in);
        assertEquals(12 + 160 + suite.srtpTagLength(), in.getLength());
        int same = 0;
        for (int i = 0; i < 160; i++) if (in.getData()[12 + i] == 0x55) same++;
        assertTrue(same < 10, "payload looks unencrypted");
        PacketBuffer v = new PacketBuffer().wrap(in.getData(), 0, in.getLength());
        assertTrue(phoneSide.unprotectRtp(v), "the phone authenticates our packet");
        assertEquals(172, v.getLength());
        for (int i = 0; i < 160; i++) assertEquals(0x55, in.getData()[12 + i]);
    }

    @Test
    void aForgedPacketUnderAnotherSsrcDoesNotResetThePhonesReplayWindow() throws Exception {
        SdesSrtp phoneSide = open(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        byte[] first = phonePacket(phoneSide, 200);
        toLeg(first);
        RtpPacket got = audio.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        got.release();

        // a stranger's packet under another SSRC: it fails authentication and changes nothing
        byte[] stranger = phonePacket(phoneSide, 201);
        stranger[8] ^= 0x7f;
        toLeg(stranger);
        // so the phone's replayed packet is still a replay, and its next packet still authentic
        toLeg(first);
        toLeg(phonePacket(phoneSide, 202));
        got = audio.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals(202, got.sequence(), "the replay was dropped, the next packet came through");
        got.release();
        assertNull(audio.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(2, leg.srtpFailures());
    }

    @Test
    void sameKeysAgainKeepTheContextsNewKeysReplaceThem() throws Exception {
        SdesSrtp phoneSide = open(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        byte[] seven = phonePacket(phoneSide, 7);
        toLeg(seven);
        assertNotNull(audio.poll(5, TimeUnit.SECONDS));
        // A re-INVITE with the same keys: the replay window survives, so packet 7 is still a replay.
        leg.configureSrtp(new SdesKeys(phoneSide.keys().local(), phoneSide.keys().remote()));
        toLeg(seven);
        toLeg(phonePacket(phoneSide, 8));
        RtpPacket got = audio.poll(5, TimeUnit.SECONDS);
        assertEquals(8, got.sequence());
        assertEquals(1, leg.srtpFailures());
        // Back to plain RTP (a re-INVITE with RTP/AVP): plain packets pass again.
        leg.configureSrtp(null);
        assertFalse(leg.secure());
        RtpPacket plain = RtpPacket.unpooled();
        plain.writeHeader(0, false, 9, 160L * 9, PHONE_SSRC, 160);
        toLeg(Arrays.copyOf(plain.buffer(), plain.length()));
        assertEquals(9, audio.poll(5, TimeUnit.SECONDS).sequence());
    }

    @Test
    void anMkiInThePhonesPacketsIsSkipped() throws Exception {
        leg = RtpLeg.open(group, LO, new RtpPortAllocator(42000, 42999), now::get, Duration.ofSeconds(30),
                new RtpPacketPool(16), new RtpLeg.Receiver() {
                    @Override public void onAudio(RtpPacket packet) { audio.add(packet); }
                    @Override public void onTimeout() {}
                });
        phone = new DatagramSocket(new InetSocketAddress(LO, 0));
        SdesCrypto plainPhoneKey = SdesCrypto.fresh(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        // The same key as the phone announces it: with a 2-byte MKI.
        SdesCrypto.Usable withMki = (SdesCrypto.Usable) SdesCrypto.parse(plainPhoneKey.attributeValue() + "|2^31|7:2");
        SdesCrypto ourKey = plainPhoneKey.answerWithFreshKey();
        leg.configureSrtp(new SdesKeys(withMki.crypto(), ourKey));
        leg.configure(0, -1, new InetSocketAddress(LO, phone.getLocalPort()), true);
        SdesSrtp phoneSide = new SdesSrtp(new SdesKeys(ourKey, plainPhoneKey), PHONE_SSRC);
        byte[] p = phonePacket(phoneSide, 50);
        // [header | payload | MKI 00 07 | tag] (RFC 3711 §3.1).
        byte[] mki = new byte[p.length + 2];
        int tagAt = p.length - 10;
        System.arraycopy(p, 0, mki, 0, tagAt);
        mki[tagAt] = 0;
        mki[tagAt + 1] = 7;
        System.arraycopy(p, tagAt, mki, tagAt + 2, 10);
        toLeg(mki);
        RtpPacket got = audio.poll(5, TimeUnit.SECONDS);
        assertNotNull(got, "a packet with its MKI is taken");
        assertEquals(50, got.sequence());
        assertEquals(172, got.length());
        assertEquals((byte) 50, got.buffer()[12]);
        // Without the MKI the tag is read in the wrong place: dropped.
        toLeg(phonePacket(phoneSide, 51));
        assertNull(audio.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(1, leg.srtpFailures());
    }

    @Test
    void protectRtcpRoundTrips() throws Exception {
        SdesKeys a = new SdesKeys(SdesCrypto.fresh(2, SrtpSuite.AES_CM_128_HMAC_SHA1_32),
                SdesCrypto.fresh(2, SrtpSuite.AES_CM_128_HMAC_SHA1_32));
        SdesSrtp us = new SdesSrtp(a, 0x1111);
        SdesSrtp them = new SdesSrtp(new SdesKeys(a.local(), a.remote()), 0x2222);
        // An RTCP receiver report with no blocks from SSRC 0x1111 (RFC 3550 §6.4.2).
        byte[] rr = new byte[64];
        rr[0] = (byte) 0x80; rr[1] = (byte) 201; rr[3] = 1;
        rr[4] = 0; rr[5] = 0; rr[6] = 0x11; rr[7] = 0x11;
        PacketBuffer v = new PacketBuffer().wrap(rr, 0, 8);
        assertTrue(us.protectRtcp(v));
        // E flag and index, then the 80-bit tag even with the _32 suite (RFC 4568 §6.2.2).
        assertEquals(8 + 4 + 10, v.getLength());
        assertTrue(them.unprotectRtcp(v));
        assertEquals(8, v.getLength());
        assertEquals((byte) 201, rr[1]);
    }
}
