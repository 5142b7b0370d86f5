package org.passerelle.gateway;

import java.time.Duration;
import java.util.List;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.gateway.config.Telephony;
import org.passerelle.gateway.room.RoomLimits;
import org.passerelle.sip.tls.SipTls;
import org.passerelle.transcoder.codec.AudioCodec;

/**
 * How to start one gateway: the config file's settings with the command line's overrides applied.
 *
 * @param bindAddress         address for SIP, RTP, HTTP and ICE
 * @param sipPort             SIP port (UDP and TCP)
 * @param httpPort            HTTP port (0 picks a free one)
 * @param publicAddress       address for Contact and SDP behind NAT, or null
 * @param rtpTimeout          no RTP for this long ends a call
 * @param rtpPortMin          first RTP port
 * @param rtpPortMax          last RTP port
 * @param codecs              audio codecs in preference order
 * @param browserTimeout      a browser silent this long on its WebSocket leaves its room
 * @param roomLimits          participants per room and rooms per gateway
 * @param webRtcPortMin       first UDP port for ICE
 * @param webRtcPortMax       last UDP port for ICE
 * @param webRtcPublicAddress address advertised in ICE candidates behind 1:1 NAT, or null (then
 *                            {@code publicAddress} is used)
 * @param telephony           trunks, dial plan, PIN directories, IVR (replaceable by a reload)
 * @param sipTls              the SIP over TLS listening point, or null for none
 */
public record GatewaySettings(String bindAddress, int sipPort, int httpPort, String publicAddress,
                              Duration rtpTimeout, int rtpPortMin, int rtpPortMax, List<AudioCodec> codecs,
                              Duration browserTimeout, RoomLimits roomLimits, int webRtcPortMin,
                              int webRtcPortMax, String webRtcPublicAddress, Telephony telephony,
                              SipTls sipTls) {

    public static GatewaySettings defaults() {
        return from(GatewayConfig.defaults());
    }

    public static GatewaySettings from(GatewayConfig c) {
        return new GatewaySettings(c.bind(), c.sipPort(), c.httpPort(), c.publicAddress(), c.rtpTimeout(),
                c.rtpPortMin(), c.rtpPortMax(), c.codecs(), c.browserTimeout(),
                new RoomLimits(c.maxParticipants(), c.maxRooms()), c.webRtcPortMin(), c.webRtcPortMax(),
                c.webRtcPublicAddress(), c.telephony(), c.sipTls());
    }

    public GatewaySettings withBind(String address, int sip, int http) {
        return new GatewaySettings(address, sip, http, publicAddress, rtpTimeout, rtpPortMin, rtpPortMax, codecs,
                browserTimeout, roomLimits, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, telephony, sipTls);
    }

    public GatewaySettings withRtpTimeout(Duration timeout) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, timeout, rtpPortMin, rtpPortMax,
                codecs, browserTimeout, roomLimits, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, telephony, sipTls);
    }

    public GatewaySettings withRtpPorts(int min, int max) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, rtpTimeout, min, max, codecs,
                browserTimeout, roomLimits, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, telephony, sipTls);
    }

    public GatewaySettings withWebRtcPorts(int min, int max) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, rtpTimeout, rtpPortMin, rtpPortMax,
                codecs, browserTimeout, roomLimits, min, max, webRtcPublicAddress, telephony, sipTls);
    }

    public GatewaySettings withRoomLimits(RoomLimits limits) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, rtpTimeout, rtpPortMin, rtpPortMax,
                codecs, browserTimeout, limits, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, telephony, sipTls);
    }

    public GatewaySettings withBrowserTimeout(Duration timeout) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, rtpTimeout, rtpPortMin, rtpPortMax,
                codecs, timeout, roomLimits, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, telephony, sipTls);
    }

    public GatewaySettings withSipTls(SipTls tls) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, rtpTimeout, rtpPortMin, rtpPortMax,
                codecs, browserTimeout, roomLimits, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, telephony, tls);
    }

    public GatewaySettings withTelephony(Telephony t) {
        return new GatewaySettings(bindAddress, sipPort, httpPort, publicAddress, rtpTimeout, rtpPortMin, rtpPortMax,
                codecs, browserTimeout, roomLimits, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, t, sipTls);
    }
}
