package org.passerelle.webrtc.srtp;

import java.security.GeneralSecurityException;

import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;
import org.passerelle.transcoder.srtp.PacketBuffer;
import org.passerelle.transcoder.srtp.SrtpAes;
import org.passerelle.webrtc.dtls.SrtpKeys;

/**
 * SRTP and SRTCP (RFC 3711, RFC 7714 for GCM) for one session, keyed from DTLS-SRTP. One
 * sending context for our SSRC; receiving contexts made on the first packet of each remote
 * SSRC (a browser's audio uses one, an SFU one per track). Transforms work in place on the caller's buffer.
 * Protect methods are called from one thread each (media clock for RTP, timer for RTCP);
 * unprotect methods from the receive thread.
 */
public final class SrtpSession implements AutoCloseable {
    private static final Logger JITSI_LOGGER = new LoggerImpl(SrtpSession.class.getName());

    /** The AES implementation jitsi-srtp is told to use: "OpenSSL" or "SunJCE" ({@link SrtpAes}). */
    static final String AES_PROVIDER = SrtpAes.provider();
    /** An SFU sends one SSRC per subscribed track; tracks come and go, the oldest slot is reused. */
    private static final int MAX_REMOTE_SSRCS = 64;
    private static final int MAX_LOCAL_SSRCS = 8;

    private final SrtpContextFactory sendFactory;
    private final SrtpContextFactory receiveFactory;
    private final SrtpCryptoContext rtpOut;
    private final SrtcpCryptoContext rtcpOut;
    private final int[] remoteSsrcs = new int[MAX_REMOTE_SSRCS];
    private final SrtpCryptoContext[] rtpIn = new SrtpCryptoContext[MAX_REMOTE_SSRCS];
    private final SrtcpCryptoContext[] rtcpIn = new SrtcpCryptoContext[MAX_REMOTE_SSRCS];
    private int remoteCount;
    private int rtcpRemoteCount;
    private int rtpEvict, rtcpEvict;
    private final int localSsrc;
    private final int[] extraLocalSsrcs = new int[MAX_LOCAL_SSRCS];
    private final SrtpCryptoContext[] extraRtpOut = new SrtpCryptoContext[MAX_LOCAL_SSRCS];
    private int extraLocalCount;
    private final int[] rtcpRemoteSsrcs = new int[MAX_REMOTE_SSRCS];

    public SrtpSession(SrtpKeys keys, int localSsrc) throws GeneralSecurityException {
        SrtpPolicy policy = keys.profile().policy();
        sendFactory = new SrtpContextFactory(true, keys.localKey(), keys.localSalt(), policy, policy, JITSI_LOGGER);
        receiveFactory = new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(), policy, policy, JITSI_LOGGER);
        this.localSsrc = localSsrc;
        rtpOut = sendFactory.deriveContext(localSsrc, 0);
        rtcpOut = sendFactory.deriveControlContext(localSsrc);
    }

    /**
     * Encrypts an RTP packet in place; the buffer gains the tag. Packets of another SSRC than the
     * session's (a second track we send) get their own context; called from one thread at a time.
     */
    public boolean protectRtp(PacketBuffer p) {
        if (p.getLength() < 12) return false;
        int ssrc = ssrcAt(p, 8);
        SrtpCryptoContext ctx = ssrc == localSsrc ? rtpOut : extraSendContext(ssrc);
        if (ctx == null) return false;
        try {
            return ctx.transformPacket(p) == SrtpErrorStatus.OK;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Encrypts an RTCP compound packet in place; the buffer gains the index and tag. */
    public boolean protectRtcp(PacketBuffer p) {
        try {
            return rtcpOut.transformPacket(p) == SrtpErrorStatus.OK;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Authenticates and decrypts an SRTP packet in place; false drops it. */
    public boolean unprotectRtp(PacketBuffer p) {
        if (p.getLength() < 12) return false;
        byte[] b = p.getBuffer();
        int o = p.getOffset();
        int ssrc = ((b[o + 8] & 0xff) << 24) | ((b[o + 9] & 0xff) << 16) | ((b[o + 10] & 0xff) << 8) | (b[o + 11] & 0xff);
        SrtpCryptoContext ctx = rtpContext(ssrc);
        if (ctx == null) return false;
        try {
            return ctx.reverseTransformPacket(p, false) == SrtpErrorStatus.OK;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Authenticates and decrypts an SRTCP packet in place; false drops it. */
    public boolean unprotectRtcp(PacketBuffer p) {
        if (p.getLength() < 8) return false;
        byte[] b = p.getBuffer();
        int o = p.getOffset();
        int ssrc = ((b[o + 4] & 0xff) << 24) | ((b[o + 5] & 0xff) << 16) | ((b[o + 6] & 0xff) << 8) | (b[o + 7] & 0xff);
        SrtcpCryptoContext ctx = rtcpContext(ssrc);
        if (ctx == null) return false;
        try {
            return ctx.reverseTransformPacket(p) == SrtpErrorStatus.OK;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static int ssrcAt(PacketBuffer p, int at) {
        byte[] b = p.getBuffer();
        int o = p.getOffset() + at;
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    private SrtpCryptoContext extraSendContext(int ssrc) {
        for (int i = 0; i < extraLocalCount; i++) if (extraLocalSsrcs[i] == ssrc) return extraRtpOut[i];
        if (extraLocalCount == MAX_LOCAL_SSRCS) return null;
        try {
            SrtpCryptoContext c = sendFactory.deriveContext(ssrc, 0);
            extraLocalSsrcs[extraLocalCount] = ssrc;
            extraRtpOut[extraLocalCount++] = c;
            return c;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private SrtpCryptoContext rtpContext(int ssrc) {
        for (int i = 0; i < remoteCount; i++) if (remoteSsrcs[i] == ssrc) return rtpIn[i];
        try {
            SrtpCryptoContext c = receiveFactory.deriveContext(ssrc, 0);
            int slot = remoteCount < MAX_REMOTE_SSRCS ? remoteCount++ : rtpEvict++ % MAX_REMOTE_SSRCS;
            remoteSsrcs[slot] = ssrc;
            rtpIn[slot] = c;
            return c;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private SrtcpCryptoContext rtcpContext(int ssrc) {
        for (int i = 0; i < rtcpRemoteCount; i++) if (rtcpRemoteSsrcs[i] == ssrc) return rtcpIn[i];
        try {
            SrtcpCryptoContext c = receiveFactory.deriveControlContext(ssrc);
            int slot = rtcpRemoteCount < MAX_REMOTE_SSRCS ? rtcpRemoteCount++ : rtcpEvict++ % MAX_REMOTE_SSRCS;
            rtcpRemoteSsrcs[slot] = ssrc;
            rtcpIn[slot] = c;
            return c;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    @Override
    public void close() {
        sendFactory.close();
        receiveFactory.close();
    }
}
