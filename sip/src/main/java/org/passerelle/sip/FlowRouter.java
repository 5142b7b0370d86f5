package org.passerelle.sip;

import java.util.ListIterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.message.Request;
import gov.nist.javax.sip.stack.DefaultRouter;

/**
 * JAIN-SIP's router (stack property {@code javax.sip.ROUTER_PATH}): requests we send inside a
 * call that came over TLS go back on the phone's own connection, not to a new connection to its
 * Contact. Phones open TLS from an ephemeral port and rarely have a server certificate to accept
 * ours, and behind NAT they cannot be reached at all (the connection reuse of RFC 5923 and
 * RFC 5626 §5.3). Everything else goes where JAIN-SIP's default router says (RFC 3261 §8.1.2).
 */
public final class FlowRouter implements Router {
    private static final Map<String, SipServer> SERVERS = new ConcurrentHashMap<>();

    private final DefaultRouter fallback;
    private final SipServer server;

    static void register(String stackName, SipServer server) {
        SERVERS.put(stackName, server);
    }

    static void unregister(String stackName) {
        SERVERS.remove(stackName);
    }

    /** Made by the stack, by name, with its own arguments. */
    public FlowRouter(SipStack stack, String outboundProxy) {
        this.fallback = new DefaultRouter(stack, outboundProxy);
        this.server = SERVERS.get(((gov.nist.javax.sip.SipStackImpl) stack).getStackName());
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        Hop flow = server == null ? null : server.flowHop(request);
        return flow != null ? flow : fallback.getNextHop(request);
    }

    @Override
    public Hop getOutboundProxy() {
        return fallback.getOutboundProxy();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ListIterator getNextHops(Request request) {
        return fallback.getNextHops(request);
    }
}
