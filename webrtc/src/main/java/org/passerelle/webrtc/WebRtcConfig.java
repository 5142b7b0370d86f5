package org.passerelle.webrtc;

import java.time.Duration;

/**
 * What the WebRTC side needs.
 *
 * @param bindAddress   address ICE host candidates are gathered on (0.0.0.0: every interface)
 * @param publicAddress address advertised instead of the host one behind 1:1 NAT, or null
 * @param portMin       first UDP port for ICE
 * @param portMax       last UDP port for ICE
 * @param connectTimeout ICE + DTLS must complete within this
 */
public record WebRtcConfig(String bindAddress, String publicAddress, int portMin, int portMax,
                           Duration connectTimeout) {

    public static WebRtcConfig defaults() {
        return new WebRtcConfig("0.0.0.0", null, 40000, 49999, Duration.ofSeconds(15));
    }

    public WebRtcConfig withBind(String address) {
        return new WebRtcConfig(address, publicAddress, portMin, portMax, connectTimeout);
    }

    public WebRtcConfig withPorts(int min, int max) {
        return new WebRtcConfig(bindAddress, publicAddress, min, max, connectTimeout);
    }

    public WebRtcConfig withPublicAddress(String address) {
        return new WebRtcConfig(bindAddress, address, portMin, portMax, connectTimeout);
    }
}
