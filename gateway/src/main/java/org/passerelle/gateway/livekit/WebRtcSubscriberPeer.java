package org.passerelle.gateway.livekit;

import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSession;

/**
 * {@link SubscriberPeer} over our WebRTC stack as it is today: the first offer is answered by
 * {@link WebRtcSession#answer}; a re-offer needs renegotiation, which {@code PeerConnection}
 * does not have yet. Until then a re-offer fails with a clear message (the tracks of the first
 * offer keep flowing). TODO(renegotiation): call {@code session.applyRemoteOffer(offerSdp)} here.
 */
public final class WebRtcSubscriberPeer implements SubscriberPeer {
    private final WebRtcConfig config;
    private final WebRtcSession.Listener media;
    private WebRtcSession session;

    public WebRtcSubscriberPeer(WebRtcConfig config, WebRtcSession.Listener media) {
        this.config = config;
        this.media = media;
    }

    @Override
    public synchronized String answer(String offerSdp) throws WebRtcException {
        if (session == null) {
            session = WebRtcSession.answer(config, offerSdp, media);
            return session.localDescription();
        }
        throw new WebRtcException("LiveKit re-offered the subscriber connection; renegotiation is not available yet");
    }

    @Override
    public synchronized void addRemoteCandidate(String candidate, String sdpMid) throws WebRtcException {
        if (session != null) session.addRemoteCandidate(candidate, sdpMid);
    }

    @Override
    public synchronized void close() {
        if (session != null) session.close();
        session = null;
    }
}
