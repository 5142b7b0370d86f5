package org.passerelle.sip.sdp;

import java.net.InetSocketAddress;
import java.util.List;
import org.passerelle.transcoder.codec.AudioCodec;

/**
 * The outcome of one offer/answer exchange for the audio stream.
 *
 * @param codec                     the audio codec both sides use
 * @param payloadType               its payload type (the offerer's number, RFC 3264 §6.1)
 * @param telephoneEventPayloadType RFC 4733 payload type, or -1 when not negotiated
 * @param telephoneEventRate        its clock rate, or 0
 * @param ptimeMs                   packetization time we send with
 * @param remoteRtp                 where the peer wants RTP, or null when it gave none (port 0 or
 *                                  c=0.0.0.0)
 * @param remoteDirection           the direction the peer wrote
 * @param held                      true when the peer put us on hold (sendonly, inactive, or the
 *                                  RFC 2543 form c=0.0.0.0, RFC 3264 §8.4)
 * @param offeredLines              every m= line of the offer, to mirror in the answer (empty when
 *                                  the plan comes from an answer to our offer)
 * @param audioLine                 index of the audio line we accepted in offeredLines
 * @param srtp                      SDES-SRTP keys when the line is RTP/SAVP (RFC 4568), null for
 *                                  plain RTP/AVP
 */
public record MediaPlan(AudioCodec codec, int payloadType, int telephoneEventPayloadType, int telephoneEventRate,
                        int ptimeMs, InetSocketAddress remoteRtp, MediaDirection remoteDirection, boolean held,
                        List<MediaLine> offeredLines, int audioLine, SdesKeys srtp) {

    public MediaPlan {
        offeredLines = List.copyOf(offeredLines);
    }

    /** Plain RTP/AVP. */
    public MediaPlan(AudioCodec codec, int payloadType, int telephoneEventPayloadType, int telephoneEventRate,
                     int ptimeMs, InetSocketAddress remoteRtp, MediaDirection remoteDirection, boolean held,
                     List<MediaLine> offeredLines, int audioLine) {
        this(codec, payloadType, telephoneEventPayloadType, telephoneEventRate, ptimeMs, remoteRtp, remoteDirection,
                held, offeredLines, audioLine, null);
    }

    /** Our direction: the answer to the peer's (RFC 3264 §6.1), receive-only when on hold. */
    public MediaDirection localDirection() {
        MediaDirection d = remoteDirection.answer();
        if (held && d == MediaDirection.SENDRECV) return MediaDirection.RECVONLY;
        return d;
    }

    /** True when we may send audio to the peer. */
    public boolean weSend() {
        return remoteRtp != null && localDirection().sends();
    }
}
