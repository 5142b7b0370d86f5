package org.passerelle.gateway.livekit;

import org.passerelle.webrtc.WebRtcException;

/**
 * The listener's subscriber connection as {@link LiveKitRoomSession} needs it: LiveKit offers it
 * (and offers again each time tracks come or go), we answer. The first offer can be answered with
 * {@code WebRtcSession.answer}; the re-offers need {@code applyRemoteOffer(sdp)}, which the
 * WebRTC stack is gaining (multi-track answers and renegotiation): {@link WebRtcSubscriberPeer}
 * is where to wire it.
 */
public interface SubscriberPeer extends AutoCloseable {
    /** Applies a (re-)offer of the server and returns our answer SDP. */
    String answer(String offerSdp) throws WebRtcException;

    /** A trickled server candidate ("candidate:..."). */
    void addRemoteCandidate(String candidate, String sdpMid) throws WebRtcException;

    @Override
    void close();
}
