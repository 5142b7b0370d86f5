package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RtcpReportsTest {
    private final byte[] out = new byte[1500];

    @Test
    void receiverReportWithSdesWhenWeSentNothing() {
        RtcpReports r = new RtcpReports(0xAABBCCDDL, "cname123", 48000);
        long t = 1_000_000_000L;
        // 10 packets, sequence 65530..65535 then 0..3 (a wrap), number 65533 lost
        int[] seqs = {65530, 65531, 65532, 65534, 65535, 0, 1, 2, 3};
        for (int s : seqs) r.onRtpReceived(0x01020304L, s, 960L * s, t += 20_000_000L);
        int len = r.write(out, 0, t);
        assertEquals(0x81, out[0] & 0xff, "V=2, one report block");
        assertEquals(RtcpReports.RR, out[1] & 0xff);
        assertEquals(7, ((out[2] & 0xff) << 8) | (out[3] & 0xff), "length in words minus one");
        assertEquals(0xAABBCCDDL, RtcpReports.readUint32(out, 4));
        assertEquals(0x01020304L, RtcpReports.readUint32(out, 8));
        assertEquals(1, RtcpReports.readUint32(out, 12) & 0xffffff, "cumulative lost");
        assertEquals(0x10000 + 3, RtcpReports.readUint32(out, 16), "extended highest sequence");
        // SDES follows at 32: header, SSRC, CNAME item, padding to 32 bits
        assertEquals(RtcpReports.SDES, out[33] & 0xff);
        assertEquals(1, out[40]);
        assertEquals(8, out[41]);
        assertEquals(0, len % 4);
        assertEquals(32 + 4 * (1 + (((out[34] & 0xff) << 8) | (out[35] & 0xff))), len);
    }

    @Test
    void senderReportAfterSending() {
        RtcpReports r = new RtcpReports(1, "c", 48000);
        for (int i = 0; i < 50; i++) r.onRtpSent(100, 960L * i, i * 20_000_000L);
        int len = r.write(out, 1_700_000_000_000L, 49 * 20_000_000L);
        assertEquals(0x80, out[0] & 0xff, "no report block: nothing received");
        assertEquals(RtcpReports.SR, out[1] & 0xff);
        assertEquals(1_700_000_000L + 2_208_988_800L, RtcpReports.readUint32(out, 8), "NTP seconds");
        assertEquals(960L * 49, RtcpReports.readUint32(out, 16));
        assertEquals(50, RtcpReports.readUint32(out, 20));
        assertEquals(5000, RtcpReports.readUint32(out, 24));
        assertEquals(RtcpReports.SDES, out[29] & 0xff);
        // nothing sent since: the next one is an RR
        r.write(out, 0, 0);
        assertEquals(RtcpReports.RR, out[1] & 0xff);
        assertEquals(0, len % 4);
    }

    @Test
    void oneReportBlockPerRemoteSource() {
        // an SFU's subscriber stream: two tracks' SSRCs interleaved must not reset each other
        RtcpReports r = new RtcpReports(0xAABBCCDDL, "cnameABC", 48000);
        long t = 0;
        for (int i = 0; i < 10; i++) {
            r.onRtpReceived(111, 1000 + i, 960L * i, t += 10_000_000L);
            r.onRtpReceived(222, 5000 + i, 960L * i, t += 10_000_000L);
        }
        r.write(out, 0, t);
        assertEquals(0x82, out[0] & 0xff, "V=2, two report blocks");
        assertEquals(111, RtcpReports.readUint32(out, 8));
        assertEquals(0, RtcpReports.readUint32(out, 12) & 0xffffff, "nothing lost on the first");
        assertEquals(1009, RtcpReports.readUint32(out, 16));
        assertEquals(222, RtcpReports.readUint32(out, 32));
        assertEquals(0, RtcpReports.readUint32(out, 36) & 0xffffff, "nothing lost on the second");
        assertEquals(5009, RtcpReports.readUint32(out, 40));
    }
}
