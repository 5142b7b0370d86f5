package org.passerelle.sip;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * The SIP side of one call: its dialog and its RTP stream. Signalling methods may be called from
 * any thread; they run on {@link #executor()}, the call's serial executor, where listener
 * callbacks (all but {@link Listener#onRtp}) are also delivered.
 */
public interface SipLeg {

    /** Why the SIP leg ended; one per call. */
    enum EndReason {
        /** The phone sent BYE. */
        REMOTE_BYE,
        /** The phone cancelled before answer. */
        CANCELLED,
        /** We hung up (BYE sent). */
        LOCAL_HANGUP,
        /** We rejected the INVITE with a final error response. */
        REJECTED,
        /** No RTP for the configured time while not on hold. */
        RTP_TIMEOUT,
        /** Our 200 OK was never acknowledged (RFC 3261 §13.3.1.4). */
        ACK_TIMEOUT,
        /** Transport failure or gateway shutdown. */
        ERROR
    }

    /** Events of one leg. */
    interface Listener {
        /** ACK received: the call is up and the codec is known. */
        default void onEstablished() {}

        /**
         * One audio RTP packet of the negotiated codec, from the Netty event loop. Ownership passes
         * to the listener, which must release it.
         */
        void onRtp(RtpPacket packet);

        /** A DTMF digit finished (RFC 4733 end of event; later SIP INFO too). */
        default void onDtmf(char digit, int durationMs) {}

        /** The phone put the call on hold (true) or resumed it (false) by re-INVITE. */
        default void onHoldChanged(boolean held) {}

        /** The leg is over; called once. */
        void onEnded(EndReason reason);
    }

    String callId();

    /** User part of the Request-URI (e.g. "demo" of sip:demo@host). */
    String requestUser();

    /** User part of the From URI (caller number). */
    String fromUser();

    /** Display name of the From header, or null. */
    String fromDisplayName();

    /** Where the INVITE came from. */
    InetSocketAddress remoteSignallingAddress();

    /** The inbound trunk the call came through (after IP and digest checks), or null. */
    default String trunk() {
        return null;
    }

    /** A SIP header of the INVITE (e.g. "X-Room"), or null. */
    default String header(String name) {
        return null;
    }

    /** The call's serial executor. */
    Executor executor();

    void setListener(Listener listener);

    /** Sends 180 Ringing. */
    void ringing();

    /**
     * Sends 183 Session Progress with our SDP answer and starts sending audio to the phone before
     * any answer (RFC 3960 early media): what the caller hears before a final error. False, and
     * nothing sent, when the INVITE had no SDP offer (a late offer cannot have early media).
     */
    default boolean earlyMedia() {
        return false;
    }

    /** Sends 200 OK with our SDP (answer, or offer for a late-offer INVITE). */
    void answer();

    /** Sends a final error response (e.g. 404, 486, 503); the leg then ends with REJECTED. */
    void reject(int statusCode, String reason);

    /** Sends BYE (or a final error before answer); the leg then ends with LOCAL_HANGUP. */
    void hangup();

    /** The negotiated audio codec; before negotiation completes, the best one offered. */
    AudioCodec codec();

    /** Packetization time we send with, in ms (20 unless the offer asks for another ptime). */
    int ptimeMs();

    /** True while the phone has the call on hold. */
    boolean onHold();

    /** A pool to take outgoing packets from. */
    RtpPacketPool packetPool();

    /**
     * Sends one audio frame. The caller wrote the payload at {@link RtpPacket#FIXED_HEADER} and
     * gives its length and the frame's duration in RTP timestamp units; the leg writes the header
     * (payload type, sequence, timestamp, SSRC) and takes ownership. Dropped while on hold or
     * before the phone's address is known.
     */
    void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration);

    /**
     * Plays a DTMF digit to the phone as RFC 4733 events.
     *
     * @return false, and nothing sent, when the phone did not negotiate telephone-event: play it in-band
     */
    boolean sendDtmf(char digit, int durationMs);
}
