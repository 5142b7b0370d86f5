package org.passerelle.gateway.media;

import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * Where a participant's audio goes out: a SIP leg or a WebRTC session. Received packets come in
 * through {@link AudioParticipant#onRtp}.
 */
public interface AudioPort {
    /** The negotiated codec of the stream. */
    AudioCodec codec();

    /** A pool to take outgoing packets from. */
    RtpPacketPool packetPool();

    /**
     * Sends one frame whose payload is at {@link RtpPacket#FIXED_HEADER}; the port writes the
     * header and takes ownership.
     */
    void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration);
}
