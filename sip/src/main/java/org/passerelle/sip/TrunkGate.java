package org.passerelle.sip;

import gov.nist.javax.sip.header.ParametersHeader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.ListIterator;
import javax.sip.RequestEvent;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.passerelle.sip.auth.AttemptLimiter;
import org.passerelle.sip.auth.DigestAlgorithm;
import org.passerelle.sip.auth.DigestAuthorization;
import org.passerelle.sip.auth.DigestChallenge;
import org.passerelle.sip.auth.DigestVerifier;
import org.passerelle.sip.auth.NonceIssuer;
import org.passerelle.sip.trunk.InboundTrunk;
import org.passerelle.sip.trunk.InboundTrunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may open a call: classifies a new INVITE by its source address into an inbound trunk,
 * checks the trunk's digest credentials and the per-source lockout, and answers what it refuses
 * itself, statelessly, so refused INVITEs cost no transaction state.
 */
final class TrunkGate {
    private static final Logger LOG = LoggerFactory.getLogger(TrunkGate.class);
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    static final String DEFAULT_REALM = "passerelle";

    /** The INVITE may go on, through {@code trunk} (null: a direct call). */
    record Admitted(InboundTrunk trunk) {}

    private final SipServer server;
    final InboundTrunks trunks;
    private volatile boolean directCalls;
    final DigestVerifier verifier;
    final AttemptLimiter failures;
    /**
     * The algorithms we challenge with, in order: SHA-256 then MD5 (RFC 8760 §2.4). Some UACs
     * (SIPp 3.6) read only the first challenge and know only MD5; tests narrow this for them.
     */
    volatile List<DigestAlgorithm> algorithms = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);

    /** The trunk's own list when it has one (names checked by the config), else the default order. */
    private List<DigestAlgorithm> algorithmsFor(InboundTrunk trunk) {
        List<String> names = trunk.auth().algorithms();
        if (names.isEmpty()) return algorithms;
        List<DigestAlgorithm> out = new java.util.ArrayList<>();
        for (String n : names) {
            for (DigestAlgorithm a : DigestAlgorithm.values()) if (a.token().equalsIgnoreCase(n)) out.add(a);
        }
        return out.isEmpty() ? algorithms : out;
    }

    TrunkGate(SipServer server, Clock clock) {
        this.server = server;
        this.trunks = new InboundTrunks(server.config.inboundTrunks());
        this.directCalls = server.config.directCalls();
        this.verifier = new DigestVerifier(new NonceIssuer(clock, NONCE_LIFETIME), clock);
        this.failures = new AttemptLimiter(clock);
    }

    void replace(List<InboundTrunk> inbound, boolean direct) {
        trunks.replace(inbound);
        directCalls = direct;
    }

    /** Admits the INVITE, or answers it (403, 401) and returns null. */
    Admitted check(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        InetSocketAddress from = source(request);
        InetAddress address = from == null ? null : from.getAddress();
        InboundTrunk trunk = address == null ? null : trunks.classify(address);
        if (trunk == null) {
            if (directCalls) return new Admitted(null);
            // Issue 4 §5: the same 403 whatever the Request-URI, so nothing tells whether a number exists.
            LOG.info("INVITE from {} refused: no inbound trunk allows this source", hostOf(address));
            forbid(request);
            return null;
        }
        if (trunk.auth() == null) return new Admitted(trunk);
        String source = address.getHostAddress();
        if (failures.isLocked(source)) {
            LOG.info("INVITE from {} on trunk {} refused: source locked out after failed digests", source, trunk.name());
            forbid(request);
            return null;
        }
        String realm = realmOf(trunk);
        DigestAuthorization auth = authorization(request, realm);
        if (auth == null) {
            challenge(request, source, realm, false, trunk);
            return null;
        }
        boolean uriMatches = uriMatches(auth.uri(), request.getRequestURI());
        DigestVerifier.Outcome outcome = verifier.verify(auth, request.getMethod(), uriMatches,
                trunk.auth().username(), trunk.auth().password(), realm, source);
        switch (outcome) {
            case ACCEPTED -> {
                failures.recordSuccess(source);
                return new Admitted(trunk);
            }
            case STALE -> challenge(request, source, realm, true, trunk);
            case NOT_OURS -> challenge(request, source, realm, false, trunk);
            case WRONG -> {
                boolean locked = failures.recordFailure(source);
                LOG.warn("digest authentication failed from {} on trunk {}{}", source, trunk.name(),
                        locked ? "; source locked out for " + AttemptLimiter.DEFAULT_LOCKOUT : "");
                forbid(request);
            }
        }
        return null;
    }

    private static String realmOf(InboundTrunk trunk) {
        String r = trunk.auth().realm();
        return r == null || r.isBlank() ? DEFAULT_REALM : r;
    }

    /** The Authorization for our realm (RFC 3261 §22.4: one per realm may be present), or null. */
    private static DigestAuthorization authorization(Request request, String realm) {
        ListIterator<?> it = request.getHeaders(AuthorizationHeader.NAME);
        while (it != null && it.hasNext()) {
            AuthorizationHeader h = (AuthorizationHeader) it.next();
            if (!"Digest".equalsIgnoreCase(h.getScheme()) || !realm.equals(h.getRealm())) continue;
            ParametersHeader p = (ParametersHeader) h;
            return new DigestAuthorization(h.getUsername(), h.getRealm(), h.getNonce(), p.getParameter("uri"),
                    h.getResponse(), h.getAlgorithm(), h.getQop(), p.getParameter("nc"), h.getCNonce());
        }
        return null;
    }

    /**
     * The digest-uri names the Request-URI (RFC 3261 §22.4): the same text, or equal as SIP URIs
     * (§19.1.4). Also accepted: the Request-URI without its user part (sip:host:port), which
     * SIPp and some UAs send; the nonce's source binding and the single use of (nonce, nc, cnonce)
     * still stop replays.
     */
    private boolean uriMatches(String digestUri, URI requestUri) {
        if (digestUri == null) return false;
        if (digestUri.equals(requestUri.toString())) return true;
        try {
            URI d = server.addressFactory.createURI(digestUri);
            if (d.equals(requestUri)) return true;
            return d instanceof SipURI du && requestUri instanceof SipURI ru && du.getUser() == null
                    && du.getScheme().equalsIgnoreCase(ru.getScheme()) && du.getHost().equalsIgnoreCase(ru.getHost())
                    && du.getPort() == ru.getPort();
        } catch (Exception e) {
            return false;
        }
    }

    private void challenge(Request request, String source, String realm, boolean stale, InboundTrunk trunk)
            throws Exception {
        // RFC 3261 §22.2: a UAS challenges with 401 and WWW-Authenticate.
        Response r = stateless(Response.UNAUTHORIZED, request);
        String nonce = verifier.nonces().issue(source, realm);
        for (String v : DigestChallenge.headerValues(algorithmsFor(trunk), realm, nonce, stale)) {
            r.addHeader(server.header("WWW-Authenticate", v));
        }
        server.provider.sendResponse(r);
        LOG.debug("challenged {}{}", source, stale ? " (stale nonce)" : "");
    }

    private void forbid(Request request) throws Exception {
        server.provider.sendResponse(stateless(Response.FORBIDDEN, request));
    }

    /**
     * A response sent without a transaction. Its To tag is derived from the request, so a
     * retransmitted INVITE gets the same tag (RFC 3261 §8.2.6.2).
     */
    private Response stateless(int status, Request request) throws Exception {
        Response r = server.response(status, request);
        CallIdHeader cid = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        FromHeader f = (FromHeader) request.getHeader(FromHeader.NAME);
        String seed = (cid == null ? "" : cid.getCallId()) + "/" + (f == null ? "" : f.getTag());
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag("g" + Integer.toHexString(seed.hashCode()));
        return r;
    }

    /** Where the request really came from (the packet's source, not what Via claims). */
    static InetSocketAddress source(Request request) {
        var m = (gov.nist.javax.sip.message.SIPMessage) request;
        InetAddress a = m.getPeerPacketSourceAddress() != null ? m.getPeerPacketSourceAddress() : m.getRemoteAddress();
        int port = m.getPeerPacketSourcePort() > 0 ? m.getPeerPacketSourcePort() : m.getRemotePort();
        return a == null ? null : new InetSocketAddress(a, port);
    }

    private static String hostOf(InetAddress a) {
        return a == null ? "?" : a.getHostAddress();
    }
}
