package org.passerelle.gateway.browser;

import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSession;

/** Answers a browser's offer with a new WebRTC session; a fake in unit tests. */
@FunctionalInterface
public interface WebRtcSessionFactory {
    WebRtcSession answer(String offerSdp, WebRtcSession.Listener listener) throws WebRtcException;

    /** The real thing: {@link WebRtcSession#answer} with the gateway's WebRTC settings. */
    static WebRtcSessionFactory of(WebRtcConfig config) {
        return (offer, listener) -> WebRtcSession.answer(config, offer, listener);
    }
}
