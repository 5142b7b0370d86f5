package org.passerelle.sip.outbound;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import javax.sip.InvalidArgumentException;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import org.passerelle.sip.SipConfig;
import org.passerelle.sip.rtp.RtpPortAllocator;
import org.passerelle.sip.sdp.SdpNegotiator;
import org.passerelle.transcoder.NanoClock;

/**
 * What the client side (registrations, dial-out) borrows from the running {@code SipServer}: its
 * JAIN-SIP provider and factories, RTP resources and clocks, and how to build our requests.
 *
 * @param rtpGroup    Netty loops for RTP, also the timer of ring timeouts and refreshes
 * @param callThreads backs each call's serial executor
 * @param wallClock   for the instants shown to admins (registration expiry, next retry)
 */
public record OutboundContext(SipConfig config, SipProvider provider, MessageFactory messages, HeaderFactory headers,
                              AddressFactory addresses, EventLoopGroup rtpGroup, Executor callThreads,
                              InetAddress rtpBindAddress, RtpPortAllocator rtpPorts, SdpNegotiator negotiator,
                              NanoClock clock, Clock wallClock) {

    /**
     * The address we write in Via, Contact and SDP for messages to {@code host}: the configured
     * public address behind NAT, else the bound address, else the local address the OS would use
     * to reach that host (no packet is sent to find it).
     */
    public String advertisedAddress(String host, int port) {
        if (config.publicAddress() != null && !config.publicAddress().isBlank()) return config.publicAddress();
        if (rtpBindAddress != null && !rtpBindAddress.isAnyLocalAddress()) return rtpBindAddress.getHostAddress();
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(host, port));
            InetAddress local = probe.getLocalAddress();
            if (local != null && !local.isAnyLocalAddress()) return local.getHostAddress();
        } catch (IOException | RuntimeException e) {
            // Unresolvable or unreachable: fall through.
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }

    /** sip:user@host:port;transport=tcp (no transport parameter for UDP, RFC 3261 §19.1.1). */
    public SipURI sipUri(String user, String hostPort, String transport) throws ParseException {
        SipURI uri = (SipURI) addresses.createURI("sip:" + (user == null ? "" : user + "@") + hostPort);
        if (!"udp".equals(transport)) uri.setTransportParam(transport);
        return uri;
    }

    /** Our Contact: sip:user@advertised:ourPort (RFC 3261 §8.1.1.8). */
    public ContactHeader contact(String user, String advertised, String transport) throws ParseException {
        String host = advertised.indexOf(':') >= 0 ? "[" + advertised + "]" : advertised;
        return headers.createContactHeader(addresses.createAddress(sipUri(user, host + ":" + config.port(transport), transport)));
    }

    /**
     * A new out-of-dialog request with the mandatory headers (RFC 3261 §8.1.1): our Via with the
     * advertised address (the stack adds the branch), Max-Forwards 70 and User-Agent.
     */
    public Request request(String method, URI requestUri, Address from, String fromTag, Address to, String callId,
                           long cseq, String transport, String advertised) throws ParseException {
        try {
            ViaHeader via = headers.createViaHeader(advertised, config.port(transport), transport, null);
            Request r = messages.createRequest(requestUri, method, headers.createCallIdHeader(callId),
                    headers.createCSeqHeader(cseq, method), headers.createFromHeader(from, fromTag),
                    headers.createToHeader(to, null), List.of(via), headers.createMaxForwardsHeader(70));
            r.setHeader(headers.createUserAgentHeader(List.of(config.userAgent())));
            return r;
        } catch (InvalidArgumentException e) {
            throw new ParseException(e.getMessage(), 0);
        }
    }
}
