package org.passerelle.webrtc;

import org.passerelle.transcoder.rtp.RtpPacket;

/** What arrived on the ICE path, by its first bytes (RFC 7983 §7, RFC 5761 §4 for rtcp-mux). */
enum PacketKind {
    STUN, DTLS, RTP, RTCP, OTHER;

    static PacketKind of(byte[] b, int off, int len) {
        if (len < 1) return OTHER;
        int first = b[off] & 0xff;
        if (first <= 3) return STUN;
        if (first >= 20 && first <= 63) return DTLS;
        if (first >= 128 && first <= 191) {
            if (len < 2) return OTHER;
            return RtpPacket.isMultiplexedRtcp(b, off) ? RTCP : RTP;
        }
        return OTHER;
    }
}
