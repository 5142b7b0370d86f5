package org.passerelle.gateway;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to start one gateway: the command line's view, before the config file is read.
 *
 * @param bindAddress address for SIP, RTP and HTTP
 * @param sipPort     SIP port (UDP and TCP); 0 is not allowed for SIP
 * @param httpPort    HTTP port
 * @param configFile  YAML config, or null for the embedded defaults
 * @param rtpTimeout  no RTP for this long ends a call
 * @param rtpPortMin  first RTP port
 * @param rtpPortMax  last RTP port
 */
public record GatewaySettings(String bindAddress, int sipPort, int httpPort, Path configFile,
                              Duration rtpTimeout, int rtpPortMin, int rtpPortMax) {

    public static GatewaySettings defaults() {
        return new GatewaySettings("0.0.0.0", 5060, 8080, null, Duration.ofSeconds(30), 20000, 30000);
    }

    public GatewaySettings withBind(String address, int sip, int http) {
        return new GatewaySettings(address, sip, http, configFile, rtpTimeout, rtpPortMin, rtpPortMax);
    }

    public GatewaySettings withRtpTimeout(Duration timeout) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, configFile, timeout, rtpPortMin, rtpPortMax);
    }

    public GatewaySettings withRtpPorts(int min, int max) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, configFile, rtpTimeout, min, max);
    }
}
