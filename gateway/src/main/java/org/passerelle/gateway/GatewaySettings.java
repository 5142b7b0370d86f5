package org.passerelle.gateway;

import java.time.Duration;
import java.util.List;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.transcoder.codec.AudioCodec;

/**
 * How to start one gateway: the config file's settings with the command line's overrides applied.
 *
 * @param bindAddress   address for SIP, RTP and HTTP
 * @param sipPort       SIP port (UDP and TCP)
 * @param httpPort      HTTP port (0 picks a free one)
 * @param publicAddress address for Contact and SDP behind NAT, or null
 * @param rtpTimeout    no RTP for this long ends a call
 * @param rtpPortMin    first RTP port
 * @param rtpPortMax    last RTP port
 * @param codecs        audio codecs in preference order
 */
public record GatewaySettings(String bindAddress, int sipPort, int httpPort, String publicAddress,
                              Duration rtpTimeout, int rtpPortMin, int rtpPortMax, List<AudioCodec> codecs) {

    public static GatewaySettings defaults() {
        return from(GatewayConfig.defaults());
    }

    public static GatewaySettings from(GatewayConfig c) {
        return new GatewaySettings(c.bind(), c.sipPort(), c.httpPort(), c.publicAddress(), c.rtpTimeout(),
                c.rtpPortMin(), c.rtpPortMax(), c.codecs());
    }

    public GatewaySettings withBind(String address, int sip, int http) {
        return new GatewaySettings(address, sip, http, publicAddress, rtpTimeout, rtpPortMin, rtpPortMax, codecs);
    }

    public GatewaySettings withRtpTimeout(Duration timeout) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, timeout, rtpPortMin, rtpPortMax,
                codecs);
    }

    public GatewaySettings withRtpPorts(int min, int max) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, rtpTimeout, min, max, codecs);
    }
}
