package org.passerelle.sip.trunk;

import java.time.Duration;
import java.util.List;
import org.passerelle.sip.sdp.SrtpMode;

/**
 * Where calls go out: a provider's proxy or a PBX.
 *
 * @param name          used in logs and the dial-out API
 * @param proxy         host[:port] INVITEs and REGISTERs are sent to
 * @param transport     "udp", "tcp" or "tls"
 * @param auth          credentials for 401/407 challenges, or null
 * @param register      REGISTER to the proxy and keep the registration fresh
 * @param registerExpiry requested registration lifetime
 * @param callerId      the From user for dial-out (e.g. +33142000000), or null for the room's
 * @param prefixes      number prefixes (E.164) this trunk serves for dial-out; empty: any
 * @param numberFormat  how numbers are written towards the provider: "e164" (+33...) or
 *                      "national" (01...)
 * @param srtp          SDES-SRTP on our calls out (RFC 4568): OFF (RTP/AVP), MANDATORY (RTP/SAVP
 *                      with a=crypto; an answer without a key of ours ends the call) or OPTIONAL
 *                      (the same offer; a plain RTP/AVP answer is taken as plain RTP, and a 488 gets
 *                      one new INVITE offering RTP/AVP); anything but OFF needs transport tls
 *                      (RFC 4568 §8.3)
 */
public record OutboundTrunk(String name, String proxy, String transport, Credentials auth, boolean register,
                            Duration registerExpiry, String callerId, List<String> prefixes, String numberFormat,
                            SrtpMode srtp) {
    public OutboundTrunk {
        prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
        srtp = srtp == null ? SrtpMode.OFF : srtp;
    }

    /** Without SRTP. */
    public OutboundTrunk(String name, String proxy, String transport, Credentials auth, boolean register,
                         Duration registerExpiry, String callerId, List<String> prefixes, String numberFormat) {
        this(name, proxy, transport, auth, register, registerExpiry, callerId, prefixes, numberFormat,
                SrtpMode.OFF);
    }
}
