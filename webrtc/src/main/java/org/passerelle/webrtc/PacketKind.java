package org.passerelle.webrtc;

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
            int pt = b[off + 1] & 0xff; // RTCP packet types 192-223 sit where RTP has M + PT
            return pt >= 192 && pt <= 223 ? RTCP : RTP;
        }
        return OTHER;
    }
}
