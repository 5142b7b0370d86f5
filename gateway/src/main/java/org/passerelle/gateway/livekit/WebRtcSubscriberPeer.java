package org.passerelle.gateway.livekit;

import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSession;

/**
 * {@link SubscriberPeer} over our WebRTC stack: the first offer is answered receive-only (LiveKit
 * offers its subscriber m-lines as sendrecv, but the listener never sends); each re-offer (tracks
 * added or removed) is answered on the same connection.
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
            session = WebRtcSession.answerReceiveOnly(config, offerSdp, media);
            return session.localDescription();
        }
        return session.applyRemoteOffer(offerSdp);
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
