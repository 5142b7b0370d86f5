package org.passerelle.sip;

import java.time.Duration;
import java.util.List;
import org.passerelle.sip.tls.SipTls;
import org.passerelle.transcoder.codec.AudioCodec;

/**
 * What the SIP side needs to run.
 *
 * @param bindAddress      address SIP and RTP listen on (e.g. 0.0.0.0 or 127.0.0.1)
 * @param port             SIP port, for both UDP and TCP
 * @param transports       subset of "udp", "tcp"
 * @param publicAddress    address written in Contact and SDP c= when behind NAT; null means
 *                         the bound address (or the local address that reaches the peer)
 * @param rtpPortMin       first RTP port (even)
 * @param rtpPortMax       last RTP port
 * @param rtpTimeout       no RTP for this long ends the call (not while on hold)
 * @param codecs           audio codecs offered/accepted, in preference order
 * @param maxMessageBytes  larger SIP messages are refused
 * @param maxCalls         concurrent calls (dialogs and pending INVITEs); beyond it 503
 * @param userAgent        Server/User-Agent header value
 * @param inboundTrunks    where calls may come from (IP allow-lists, digest auth)
 * @param outboundTrunks   where calls go out (and REGISTER when asked)
 * @param directCalls      accept INVITEs from sources that match no inbound trunk (phones
 *                         calling the gateway directly); with trunks configured, admins usually
 *                         turn this off, and such sources then get 403
 * @param tls              the TLS listening point (RFC 3261 §26.2), or null for none
 */
public record SipConfig(
        String bindAddress,
        int port,
        List<String> transports,
        String publicAddress,
        int rtpPortMin,
        int rtpPortMax,
        Duration rtpTimeout,
        List<AudioCodec> codecs,
        int maxMessageBytes,
        int maxCalls,
        String userAgent,
        java.util.List<org.passerelle.sip.trunk.InboundTrunk> inboundTrunks,
        java.util.List<org.passerelle.sip.trunk.OutboundTrunk> outboundTrunks,
        boolean directCalls,
        SipTls tls) {

    public SipConfig {
        inboundTrunks = inboundTrunks == null ? List.of() : List.copyOf(inboundTrunks);
        outboundTrunks = outboundTrunks == null ? List.of() : List.copyOf(outboundTrunks);
    }

    /** Without TLS. */
    public SipConfig(String bindAddress, int port, List<String> transports, String publicAddress, int rtpPortMin,
                     int rtpPortMax, Duration rtpTimeout, List<AudioCodec> codecs, int maxMessageBytes, int maxCalls,
                     String userAgent, List<org.passerelle.sip.trunk.InboundTrunk> inboundTrunks,
                     List<org.passerelle.sip.trunk.OutboundTrunk> outboundTrunks, boolean directCalls) {
        this(bindAddress, port, transports, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout, codecs, maxMessageBytes,
                maxCalls, userAgent, inboundTrunks, outboundTrunks, directCalls, null);
    }

    /** The same without trunks: every source may call (the embedded default). */
    public SipConfig(String bindAddress, int port, List<String> transports, String publicAddress, int rtpPortMin,
                     int rtpPortMax, Duration rtpTimeout, List<AudioCodec> codecs, int maxMessageBytes, int maxCalls,
                     String userAgent) {
        this(bindAddress, port, transports, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout, codecs,
                maxMessageBytes, maxCalls, userAgent, List.of(), List.of(), true);
    }

    public SipConfig withTrunks(List<org.passerelle.sip.trunk.InboundTrunk> inbound,
                                List<org.passerelle.sip.trunk.OutboundTrunk> outbound, boolean direct) {
        return new SipConfig(bindAddress, port, transports, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout,
                codecs, maxMessageBytes, maxCalls, userAgent, inbound, outbound, direct, tls);
    }

    /** With a TLS listening point (null: none). */
    public SipConfig withTls(SipTls t) {
        return new SipConfig(bindAddress, port, transports, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout,
                codecs, maxMessageBytes, maxCalls, userAgent, inboundTrunks, outboundTrunks, directCalls, t);
    }

    /** The port of a transport: the TLS one for "tls", else {@link #port()}. */
    public int port(String transport) {
        return tls != null && "tls".equalsIgnoreCase(transport) ? tls.port() : port;
    }

    public static SipConfig defaults() {
        return new SipConfig("0.0.0.0", 5060, List.of("udp", "tcp"), null, 20000, 30000,
                Duration.ofSeconds(30), List.of(AudioCodec.OPUS, AudioCodec.G722, AudioCodec.PCMU,
                AudioCodec.PCMA), 16 * 1024, 1000, "Passerelle");
    }

    public SipConfig withBind(String address, int sipPort) {
        return new SipConfig(address, sipPort, transports, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout,
                codecs, maxMessageBytes, maxCalls, userAgent, inboundTrunks, outboundTrunks, directCalls, tls);
    }

    public SipConfig withRtpTimeout(Duration timeout) {
        return new SipConfig(bindAddress, port, transports, publicAddress, rtpPortMin, rtpPortMax, timeout,
                codecs, maxMessageBytes, maxCalls, userAgent, inboundTrunks, outboundTrunks, directCalls, tls);
    }

    public SipConfig withCodecs(List<AudioCodec> preferred) {
        return new SipConfig(bindAddress, port, transports, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout,
                List.copyOf(preferred), maxMessageBytes, maxCalls, userAgent, inboundTrunks, outboundTrunks, directCalls, tls);
    }

    public SipConfig withPublicAddress(String address) {
        return new SipConfig(bindAddress, port, transports, address, rtpPortMin, rtpPortMax, rtpTimeout,
                codecs, maxMessageBytes, maxCalls, userAgent, inboundTrunks, outboundTrunks, directCalls, tls);
    }

    public SipConfig withRtpPorts(int min, int max) {
        return new SipConfig(bindAddress, port, transports, publicAddress, min, max, rtpTimeout,
                codecs, maxMessageBytes, maxCalls, userAgent, inboundTrunks, outboundTrunks, directCalls, tls);
    }
}
