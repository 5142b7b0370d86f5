package org.passerelle.sip.rtp;

import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;
import org.passerelle.sip.sdp.SdesKeys;
import org.passerelle.sip.sdp.SrtpSuite;
import org.passerelle.transcoder.srtp.PacketBuffer;
import org.passerelle.transcoder.srtp.SrtpAes;

/**
 * SRTP and SRTCP (RFC 3711) for one phone leg keyed by SDES (RFC 4568), on jitsi-srtp. Our
 * sending contexts are derived once for our SSRC; the phone's on its first packet, again only
 * when its SSRC changes (a phone that restarts its stream). Transforms work in place on the
 * caller's array. Protect from one thread at a time; unprotect from the leg's event loop.
 */
final class SdesSrtp {
    private static final Logger JITSI_LOGGER = new LoggerImpl(SdesSrtp.class.getName());

    static {
        SrtpAes.provider(); // before any context is made
    }

    /** Room an SRTP packet needs beyond its RTP length (tag), SRTCP beyond RTCP (E flag + index, tag). */
    static final int MAX_OVERHEAD = 4 + SrtpSuite.SRTCP_TAG_LENGTH;

    private final SdesKeys keys;
    private final SrtpContextFactory receiveFactory;
    private final SrtpCryptoContext rtpOut;
    private final SrtcpCryptoContext rtcpOut;
    private int remoteSsrc;
    private SrtpCryptoContext rtpIn;
    private int rtcpRemoteSsrc;
    private SrtcpCryptoContext rtcpIn;

    SdesSrtp(SdesKeys keys, long localSsrc) throws GeneralSecurityException {
        this.keys = keys;
        SrtpPolicy rtp = policy(keys.suite().srtpTagLength());
        SrtpPolicy rtcp = policy(SrtpSuite.SRTCP_TAG_LENGTH);
        SrtpContextFactory send = new SrtpContextFactory(true, keys.local().masterKey(), keys.local().masterSalt(),
                rtp, rtcp, JITSI_LOGGER);
        receiveFactory = new SrtpContextFactory(false, keys.remote().masterKey(), keys.remote().masterSalt(),
                rtp, rtcp, JITSI_LOGGER);
        rtpOut = send.deriveContext((int) localSsrc, 0);
        rtcpOut = send.deriveControlContext((int) localSsrc);
    }

    /** AES-CM 128 with HMAC-SHA1 (160-bit key), the tag truncated as the suite says (RFC 3711 §4). */
    private static SrtpPolicy policy(int tagLength) {
        return new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, SrtpSuite.KEY_LENGTH, SrtpPolicy.HMACSHA1_AUTHENTICATION,
                20, tagLength, SrtpSuite.SALT_LENGTH);
    }

    SdesKeys keys() {
        return keys;
    }

    /** Encrypts and signs an RTP packet of our SSRC in place; the view gains the tag. */
    boolean protectRtp(PacketBuffer p) {
        try {
            return rtpOut.transformPacket(p) == SrtpErrorStatus.OK;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    boolean protectRtcp(PacketBuffer p) {
        try {
            return rtcpOut.transformPacket(p) == SrtpErrorStatus.OK;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Checks and decrypts an SRTP packet in place (replays and forgeries fail); false drops it. */
    boolean unprotectRtp(PacketBuffer p) {
        int tag = keys.suite().srtpTagLength();
        int mki = keys.remote().mkiLength();
        if (p.getLength() < 12 + mki + tag) return false;
        if (mki > 0) {
            // [header | payload | MKI | tag]: the MKI is not authenticated (RFC 3711 §3.1); with one
            // key it only has to go, so jitsi-srtp sees the packet without it.
            byte[] b = p.getBuffer();
            int tagAt = p.getOffset() + p.getLength() - tag;
            System.arraycopy(b, tagAt, b, tagAt - mki, tag);
            p.setLength(p.getLength() - mki);
        }
        int ssrc = readInt(p, 8);
        try {
            if (rtpIn != null && ssrc == remoteSsrc) return rtpIn.reverseTransformPacket(p, false) == SrtpErrorStatus.OK;
            // A new SSRC (first packet, or the phone restarted its stream) replaces the running
            // context only once one of its packets authenticates: a forged packet under another
            // SSRC must not reset the phone's replay window and rollover counter (RFC 3711 §3.3.2).
            SrtpCryptoContext candidate = receiveFactory.deriveContext(ssrc, 0);
            if (candidate.reverseTransformPacket(p, false) != SrtpErrorStatus.OK) return false;
            rtpIn = candidate;
            remoteSsrc = ssrc;
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    boolean unprotectRtcp(PacketBuffer p) {
        int mki = keys.remote().mkiLength();
        if (p.getLength() < 8 + 4 + mki + SrtpSuite.SRTCP_TAG_LENGTH) return false;
        if (mki > 0) {
            // [... | E+index | MKI | tag] (RFC 3711 §3.4): the MKI goes as in RTP.
            byte[] b = p.getBuffer();
            int tagAt = p.getOffset() + p.getLength() - SrtpSuite.SRTCP_TAG_LENGTH;
            System.arraycopy(b, tagAt, b, tagAt - mki, SrtpSuite.SRTCP_TAG_LENGTH);
            p.setLength(p.getLength() - mki);
        }
        int ssrc = readInt(p, 4);
        try {
            if (rtcpIn != null && ssrc == rtcpRemoteSsrc) return rtcpIn.reverseTransformPacket(p) == SrtpErrorStatus.OK;
            SrtcpCryptoContext candidate = receiveFactory.deriveControlContext(ssrc); // as for RTP above
            if (candidate.reverseTransformPacket(p) != SrtpErrorStatus.OK) return false;
            rtcpIn = candidate;
            rtcpRemoteSsrc = ssrc;
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static int readInt(PacketBuffer p, int at) {
        byte[] b = p.getBuffer();
        int o = p.getOffset() + at;
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }
}
