package org.passerelle.sip.sdp;

/**
 * Where we receive RTP and how our SDP is identified.
 *
 * @param address        address written in o= and c= (IPv4 or IPv6 literal)
 * @param rtpPort        our RTP port
 * @param sessionId      o= sess-id, fixed for the dialog
 * @param sessionVersion o= sess-version, incremented when our SDP changes (RFC 3264 §8)
 */
public record LocalMedia(String address, int rtpPort, long sessionId, long sessionVersion) {
    public LocalMedia withVersion(long version) {
        return new LocalMedia(address, rtpPort, sessionId, version);
    }

    String addressType() {
        return address.indexOf(':') >= 0 ? "IP6" : "IP4";
    }
}
