package org.passerelle.sip.outbound;

import java.util.concurrent.Executor;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * A call the gateway places through an outbound trunk (dial-out). Methods may be called from any
 * thread; signalling runs on {@link #executor()}, where listener callbacks (all but
 * {@link Listener#onRtp}) are delivered too.
 */
public interface OutboundCall {

    /** Events of one dial-out, in order: ringing / early media (optional), answered, ended. */
    interface Listener {
        /** 180 (or another provisional without SDP): the far end is alerting. Once. */
        default void onRinging() {}

        /** A provisional with SDP (183): media flows before the answer; codec() is known. Once. */
        default void onEarlyMedia() {}

        /** 200 OK, ACK sent: the call is up and codec() is final. */
        default void onAnswered() {}

        /** One audio RTP packet (Netty event loop thread); ownership passes to the listener. */
        void onRtp(RtpPacket packet);

        /** An RFC 4733 key press from the far end ended. */
        default void onDtmf(char digit, int durationMs) {}

        /** The call is over (or never happened); called once. */
        void onEnded(DialResult result);
    }

    String callId();

    /** The call's serial executor. */
    Executor executor();

    /** The negotiated audio codec; before an answer, our preferred one. */
    AudioCodec codec();

    /** Packetization time we send with, in ms. */
    int ptimeMs();

    /** A pool to take outgoing packets from. */
    RtpPacketPool packetPool();

    /**
     * Sends one audio frame whose payload is at {@link RtpPacket#FIXED_HEADER}; takes ownership.
     * Dropped until early media or the answer gives the far end's address.
     */
    void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration);

    /** Plays a key press as RFC 4733 events when negotiated; false when it cannot. */
    boolean sendDtmf(char digit, int durationMs);

    /** CANCEL before the answer, BYE after; the call then ends (LOCAL_HANGUP or CANCELLED). */
    void hangup();
}
