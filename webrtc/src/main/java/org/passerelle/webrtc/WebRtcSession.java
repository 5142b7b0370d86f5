package org.passerelle.webrtc;

import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * One WebRTC peer connection: ICE (ice4j), DTLS-SRTP (Bouncy Castle, jitsi-srtp), BUNDLE and
 * rtcp-mux, RTCP reports. It sends one Opus audio track and receives one or several (an SFU offers
 * one audio m-line per remote track; {@link Listener#onRtp(RtpPacket, RemoteTrack)} tells them
 * apart). It can answer a browser's offer (the gateway as server, embedded rooms), answer an SFU's
 * offers receive-only and renegotiate (LiveKit's subscriber connection), or make the offer itself
 * (LiveKit's publisher connection).
 *
 * <p>THIS FILE IS THE CONTRACT; {@link PeerConnection} implements it. Signatures may gain
 * methods but these stay. Log lines carry the MDC "call" value current when the session is made.
 */
public interface WebRtcSession extends AutoCloseable {

    /** Events of one session. */
    interface Listener {
        /** ICE and DTLS are up: media can flow. */
        default void onConnected() {}

        /**
         * One decrypted audio RTP packet (Opus) from the peer; ownership passes to the listener,
         * which must release it. Called on a network thread.
         */
        void onRtp(RtpPacket packet);

        /**
         * The same packet with the remote track it belongs to, found by its SSRC in the remote
         * description (several m-lines, e.g. an SFU's subscriber offer); {@code track} is null for
         * an SSRC the description does not announce. The default forwards to {@link #onRtp(RtpPacket)}.
         */
        default void onRtp(RtpPacket packet, RemoteTrack track) {
            onRtp(packet);
        }

        /** The remote tracks after an offer/answer exchange changed them; on the negotiating thread. */
        default void onRemoteTracks(java.util.List<RemoteTrack> tracks) {}

        /** The connection failed (ICE, DTLS, consent lost) or closed; called once. */
        void onClosed(String reason);

        /**
         * A data channel is OPEN: ours once its DCEP DATA_CHANNEL_OPEN is sent, the peer's when its
         * DATA_CHANNEL_OPEN arrived (we ACK it; RFC 8832 §5).
         */
        default void onDataChannel(DataChannel channel) {}

        /** One message of a data channel; on a network thread; {@code message} is the listener's. */
        default void onDataMessage(DataChannel channel, byte[] message, boolean binary) {}

        /** A data channel closed (stream reset by either side, RFC 8831 §6.7, or the association ended). */
        default void onDataChannelClosed(DataChannel channel) {}
    }

    /**
     * Readies the SRTP crypto in the background, once per process (jitsi-srtp loads its OpenSSL
     * binding and AES providers on first use: 0.3 s to 2 s on a busy machine); worth calling at
     * startup so that the first call does not wait for it. {@code DtlsCertificate.get()} and the
     * first session start it too.
     */
    static void prepare() {
        org.passerelle.webrtc.srtp.SrtpWarmUp.startOnce();
    }

    /** Answers a remote offer (the browser's). The answer is ready at once: {@link #localDescription()}. */
    static WebRtcSession answer(WebRtcConfig config, String offerSdp, Listener listener) throws WebRtcException {
        return PeerConnection.answer(config, offerSdp, listener, NanoClock.SYSTEM);
    }

    /**
     * Answers an SFU's offer on a connection we only receive on (LiveKit's subscriber connection):
     * every audio m-line is answered recvonly, {@link #sendAudio} drops; re-offers go to
     * {@link #applyRemoteOffer}. An offer with data channels only (LiveKit's first) is answered
     * too: its m-line is taken to bring ICE and DTLS up, SCTP is not spoken.
     */
    static WebRtcSession answerReceiveOnly(WebRtcConfig config, String offerSdp, Listener listener) throws WebRtcException {
        return PeerConnection.answer(config, offerSdp, true, listener, NanoClock.SYSTEM);
    }

    /**
     * As {@link #answerReceiveOnly(WebRtcConfig, String, Listener)}; with {@code dataChannels} SCTP is
     * spoken on the offered data m-line and the SFU's channels arrive through
     * {@link Listener#onDataChannel} (LiveKit opens {@code _reliable}/{@code _lossy} on the subscriber
     * connection and sends downstream data there when the subscriber is its primary connection).
     */
    static WebRtcSession answerReceiveOnly(WebRtcConfig config, String offerSdp, Listener listener, boolean dataChannels)
            throws WebRtcException {
        return PeerConnection.answer(config, offerSdp, true, dataChannels, listener, NanoClock.SYSTEM);
    }

    /** Makes an offer (client role, towards an SFU); apply the answer with {@link #applyAnswer}. */
    static WebRtcSession offer(WebRtcConfig config, Listener listener) throws WebRtcException {
        return PeerConnection.offer(config, listener, NanoClock.SYSTEM);
    }

    /**
     * As {@link #offer(WebRtcConfig, Listener)}; with {@code dataChannels} the offer also carries
     * {@code m=application 9 UDP/DTLS/SCTP webrtc-datachannel} in the BUNDLE group (RFC 8841), so
     * that {@link #createDataChannel} works (LiveKit's publisher connection).
     */
    static WebRtcSession offer(WebRtcConfig config, Listener listener, boolean dataChannels) throws WebRtcException {
        return PeerConnection.offer(config, listener, dataChannels, NanoClock.SYSTEM);
    }

    /**
     * A data channel of ours (RFC 8831): allowed once the session has an SCTP m-line negotiated or
     * offered; CONNECTING until the association is up, then DCEP DATA_CHANNEL_OPEN is sent
     * (stream id even as DTLS client, odd as server, RFC 8832 §6) and it is OPEN.
     *
     * @param maxRetransmits -1 for a reliable channel, else how often a message may be resent
     * @throws WebRtcException when the session has no SCTP
     */
    default DataChannel createDataChannel(String label, boolean ordered, int maxRetransmits) throws WebRtcException {
        throw new UnsupportedOperationException("data channels are not supported by " + getClass().getSimpleName());
    }

    /** Our SDP: the answer, or the offer in client role. Holds our ICE candidates (no trickle). */
    String localDescription();

    /** Client role: the remote answer, to our first offer or to {@link #createOffer()}. */
    void applyAnswer(String answerSdp) throws WebRtcException;

    /** A trickled remote candidate ("candidate:..." line without "a="); null or empty ends. */
    void addRemoteCandidate(String candidate, String sdpMid) throws WebRtcException;

    /**
     * Renegotiation (RFC 8829 §5.3.2): answers the remote's new offer on this established session,
     * over the same ICE/DTLS/SRTP transport, and returns our answer. Mids keep their m-lines, new
     * m-lines are taken, removed ones (port 0) rejected; the remote tracks are updated. An ICE
     * restart (new ufrag) or a new fingerprint is refused.
     */
    default String applyRemoteOffer(String offerSdp) throws WebRtcException {
        throw new WebRtcException("renegotiation is not supported by " + getClass().getSimpleName());
    }

    /**
     * Client role: a new offer on the established session (same transport, same mids, new tracks
     * appended); apply the answer with {@link #applyAnswer}.
     */
    default String createOffer() throws WebRtcException {
        throw new WebRtcException("renegotiation is not supported by " + getClass().getSimpleName());
    }

    /** The remote audio tracks of the current description. */
    default java.util.List<RemoteTrack> remoteTracks() {
        return java.util.List.of();
    }

    /** Our ICE candidates for trickle signalling (they are in our description too). */
    default java.util.List<TrickleCandidate> localCandidates() {
        return java.util.List.of();
    }

    /** The msid track id of the audio track we send (LiveKit's AddTrackRequest cid), or null. */
    default String localTrackId() {
        return null;
    }

    /** Always {@link AudioCodec#OPUS} for now. */
    AudioCodec codec();

    /** A pool to take outgoing packets from. */
    RtpPacketPool packetPool();

    /**
     * Sends one audio frame: the payload is at {@link RtpPacket#FIXED_HEADER}; the session writes
     * the header (payload type, sequence, timestamp advancing by {@code rtpDuration}, SSRC),
     * encrypts and sends, and takes ownership. Dropped before the connection is up.
     */
    void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration);

    /** True once ICE and DTLS completed and until closed. */
    boolean isConnected();

    @Override
    void close();
}
