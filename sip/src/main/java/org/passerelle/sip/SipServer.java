package org.passerelle.sip;

import gov.nist.javax.sip.message.SIPMessage;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.passerelle.sip.outbound.Backoff;
import org.passerelle.sip.outbound.Outbound;
import org.passerelle.sip.outbound.OutboundCall;
import org.passerelle.sip.outbound.OutboundContext;
import org.passerelle.sip.outbound.RegistrationStatus;
import org.passerelle.sip.rtp.RtpPortAllocator;
import org.passerelle.sip.sdp.SdpNegotiator;
import org.passerelle.sip.sdp.SrtpMode;
import org.passerelle.sip.tls.TlsCredentials;
import org.passerelle.sip.tls.TlsFileException;
import org.passerelle.sip.tls.TlsSecurityManagerProvider;
import org.passerelle.sip.trunk.OutboundTrunk;
import org.passerelle.transcoder.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP side of the gateway: a JAIN-SIP stack listening on UDP and TCP, the inbound calls it
 * accepts, and the Netty event loops their RTP runs on. Create, {@link #start()}, {@link #close()}.
 */
public final class SipServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SipServer.class);
    /** Methods we serve (RFC 3261 §20.5 Allow). */
    static final List<String> ALLOW = List.of("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private enum Lifecycle { NEW, RUNNING, CLOSED }

    final SipConfig config;
    final SipCallHandler handler;
    final NanoClock clock;
    final SdpNegotiator negotiator;
    final RtpPortAllocator rtpPorts;
    /** Inbound trunks, digest auth and lockout for new INVITEs. */
    final TrunkGate trunkGate;
    private final Map<String, SipCall> calls = new ConcurrentHashMap<>();
    /** Calls and pending INVITEs; bounded by maxCalls. */
    private final AtomicInteger callSlots = new AtomicInteger();

    /**
     * An INVITE the application leaves without a final response this long is ended with 480, so
     * unanswered calls cannot pile up (the magnitude of RFC 3261 Timer C, §16.6).
     */
    volatile java.time.Duration answerTimeout = java.time.Duration.ofMinutes(3);
    /** How many T1 (500 ms) we wait for the ACK of our 200 (RFC 3261 §13.3.1.4: 64); tests shorten it. */
    int ackTimeoutFactor = 64;

    private Lifecycle lifecycle = Lifecycle.NEW;
    SipStack stack;
    SipProvider provider;
    MessageFactory messageFactory;
    HeaderFactory headerFactory;
    AddressFactory addressFactory;
    EventLoopGroup rtpGroup;
    ExecutorService callThreads;
    InetAddress rtpBindAddress;
    /** Registrations and dial-outs; null until started. */
    volatile Outbound outbound;

    public SipServer(SipConfig config, SipCallHandler handler) {
        this(config, handler, NanoClock.SYSTEM);
    }

    /** With an injected clock for RTP arrival times and the RTP timeout. */
    public SipServer(SipConfig config, SipCallHandler handler, NanoClock clock) {
        this(config, handler, clock, java.time.Clock.systemUTC());
    }

    /** With an injected wall clock for digest nonces and the failed-attempt lockout. */
    SipServer(SipConfig config, SipCallHandler handler, NanoClock clock, java.time.Clock wallClock) {
        this.config = config;
        this.handler = handler;
        this.clock = clock;
        this.negotiator = new SdpNegotiator(config.codecs());
        this.rtpPorts = new RtpPortAllocator(config.rtpPortMin(), config.rtpPortMax());
        this.trunkGate = new TrunkGate(this, wallClock);
    }

    /** Opens the listening points and the RTP event loops. */
    public void start() throws IOException {
        open();
        // Then the transport and transaction layers, on OPTIONS to ourselves; outside the lock,
        // which the router takes (running()) to answer them.
        SipWarmUp.optionsToSelf(this);
    }

    private synchronized void open() throws IOException {
        if (lifecycle != Lifecycle.NEW) throw new IllegalStateException("already " + lifecycle);
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            Properties props = stackProperties();
            TlsCredentials tlsCredentials = null;
            if (config.tls() != null) {
                tlsCredentials = config.tls().load();
                // In memory only: handed to the stack's SecurityManagerProvider by stack name.
                TlsSecurityManagerProvider.offer(props.getProperty("javax.sip.STACK_NAME"),
                        tlsCredentials, config.tls().loadTrusted());
                tlsProperties(props);
            }
            FlowRouter.register(props.getProperty("javax.sip.STACK_NAME"), this);
            try {
                stack = factory.createSipStack(props);
            } finally {
                TlsSecurityManagerProvider.withdraw(props.getProperty("javax.sip.STACK_NAME"));
            }
            messageFactory = factory.createMessageFactory();
            headerFactory = factory.createHeaderFactory();
            addressFactory = factory.createAddressFactory();
            RequestRouter router = new RequestRouter(this);
            for (String transport : config.transports()) {
                ListeningPoint lp = stack.createListeningPoint(config.bindAddress(), config.port(),
                        transport.toLowerCase(Locale.ROOT));
                if (provider == null) {
                    provider = stack.createSipProvider(lp);
                    provider.addSipListener(router);
                } else {
                    provider.addListeningPoint(lp);
                }
            }
            if (config.tls() != null) {
                ListeningPoint lp = stack.createListeningPoint(config.bindAddress(), config.tls().port(), "tls");
                if (provider == null) {
                    provider = stack.createSipProvider(lp);
                    provider.addSipListener(router);
                } else {
                    provider.addListeningPoint(lp);
                }
            }
            if (provider == null) throw new IOException("no SIP transport configured");
            rtpBindAddress = InetAddress.getByName(config.bindAddress());
            rtpGroup = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                    NioIoHandler.newFactory());
            callThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sip-call-", 0).factory());
            outbound = new Outbound(new OutboundContext(config, provider, messageFactory, headerFactory,
                    addressFactory, rtpGroup, callThreads, rtpBindAddress, rtpPorts, negotiator, clock,
                    java.time.Clock.systemUTC()), Backoff.DEFAULT);
            // The first calls' answering path, once, before the first INVITE can arrive.
            SipWarmUp.run(this);
            stack.start();
            lifecycle = Lifecycle.RUNNING;
            outbound.startRegistrations();
            LOG.info("SIP listening on {}:{} {}", config.bindAddress(), config.port(), config.transports());
            if (tlsCredentials != null) {
                LOG.info("SIP over TLS listening on {}:{}, certificate {} SHA-256 {}", config.bindAddress(),
                        config.tls().port(), tlsCredentials.certificate().getSubjectX500Principal().getName(),
                        tlsCredentials.fingerprint());
            }
        } catch (Exception e) {
            closeResources();
            if (e instanceof TlsFileException t) {
                throw new IOException("cannot start SIP over TLS: sip.tls." + t.getMessage(), e);
            }
            throw new IOException("cannot start SIP on " + config.bindAddress() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    private Properties stackProperties() {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "passerelle-" + INSTANCES.incrementAndGet());
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        // Our loggers decide by SLF4J level; let the stack hand them everything.
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", LoggerFactory.getLogger("org.passerelle.sip.messages")
                .isTraceEnabled() ? "TRACE" : "ERROR");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        // Our 400 for unparseable requests, on UDP and TCP alike.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", AnsweringParserFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
        // JAIN-SIP's NIO processors; the TLS one keeps the first request on connections we open.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY",
                org.passerelle.sip.tls.NioProcessorFactory.class.getName());
        // Bounds: message size (UDP receive buffer, stream framing; one byte more so the router can
        // tell a truncated datagram and answer 513), transactions and TCP connections, so a flood
        // of half-open INVITEs or idle connections cannot exhaust memory.
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(config.maxMessageBytes() + 1));
        int maxTx = Math.max(64, config.maxCalls() * 4);
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", Integer.toString(maxTx));
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", Integer.toString(maxTx));
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(Math.max(64, config.maxCalls() * 2)));
        p.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME", "300000");
        p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
        p.setProperty("gov.nist.javax.sip.DIALOG_TIMEOUT_FACTOR", Integer.toString(ackTimeoutFactor));
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("javax.sip.ROUTER_PATH", FlowRouter.class.getName());
        return p;
    }

    /**
     * TLS 1.2 and 1.3 only (RFC 8996 deprecates older versions), with the JDK's default cipher
     * suites: JAIN-SIP's own default list still holds anonymous and 3DES suites. No client
     * certificate is asked of phones (they rarely have one; trunks are gated by source and digest).
     */
    private static void tlsProperties(Properties p) throws java.security.GeneralSecurityException {
        p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER",
                TlsSecurityManagerProvider.class.getName());
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3,TLSv1.2");
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES",
                String.join(",", javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites()));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        // A peer that opens a connection and never completes the handshake is dropped.
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "10000");
    }

    /**
     * Replaces the inbound trunks (config reload): new INVITEs use them, calls in progress are
     * not touched and keep their trunk's call slots.
     *
     * @throws IllegalArgumentException when an allowed source is no IP or CIDR; nothing changes
     */
    public void replaceInboundTrunks(List<org.passerelle.sip.trunk.InboundTrunk> inbound, boolean directCalls) {
        trunkGate.replace(inbound, directCalls);
    }

    /** Calls in progress through an inbound trunk. */
    public int activeCalls(String trunk) {
        return trunkGate.trunks.activeCalls(trunk);
    }

    /** Calls in progress (including INVITEs not yet answered). */
    public int activeCalls() {
        return callSlots.get();
    }

    // ---- client side: registrations and dial-out (org.passerelle.sip.outbound) ----

    /** Registration status of every outbound trunk with register=true, in configuration order. */
    public List<RegistrationStatus> registrations() {
        Outbound o = outbound;
        return o == null ? List.of() : o.registrations();
    }

    /** {@link #dial(OutboundTrunk, String, String, String, java.time.Duration, OutboundCall.Listener)} ringing 60 s. */
    public OutboundCall dial(OutboundTrunk trunk, String target, String callerId, String displayName,
                             OutboundCall.Listener listener) throws IOException {
        return dial(trunk, target, callerId, displayName, Outbound.DEFAULT_RING_TIMEOUT, listener);
    }

    /**
     * Calls {@code target} (a number, written per the trunk's numberFormat, or a sip: URI) through
     * {@code trunk}. The call counts against maxCalls; IOException when full, not running or no RTP
     * port is free; IllegalArgumentException for a malformed target. {@code callerId} null: the
     * trunk's.
     */
    public OutboundCall dial(OutboundTrunk trunk, String target, String callerId, String displayName,
                             java.time.Duration ringTimeout, OutboundCall.Listener listener) throws IOException {
        Outbound o = outbound;
        if (o == null || !running()) throw new IOException("SIP server not running");
        if (!reserveCallSlot()) throw new IOException(config.maxCalls() + " calls in progress");
        boolean started = false;
        try {
            OutboundCall call = o.dial(trunk, target, callerId, displayName, ringTimeout, listener, this::releaseCallSlot);
            started = true;
            return call;
        } finally {
            if (!started) releaseCallSlot();
        }
    }

    /** Ends every call (BYE, or 503 before answer) and stops listening. */
    @Override
    public void close() {
        synchronized (this) {
            if (lifecycle == Lifecycle.CLOSED) return;
            lifecycle = Lifecycle.CLOSED;
        }
        if (outbound != null) outbound.close();
        List<SipCall> open = new ArrayList<>(calls.values());
        for (SipCall c : open) c.shutdown();
        for (SipCall c : open) c.awaitEnd(2, TimeUnit.SECONDS);
        closeResources();
        LOG.info("SIP stopped");
    }

    private void closeResources() {
        if (stack != null) FlowRouter.unregister(stack.getStackName());
        if (stack != null) {
            try {
                stack.stop();
            } catch (RuntimeException e) {
                // JAIN-SIP 1.3's UDPMessageProcessor.stop can race its own worker threads
                // (ConcurrentModificationException); the sockets are closed by then.
                LOG.debug("JAIN-SIP stop: {}", e.toString());
            }
        }
        if (rtpGroup != null) rtpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (callThreads != null) callThreads.shutdown();
    }

    synchronized boolean running() {
        return lifecycle == Lifecycle.RUNNING;
    }

    /** Takes a call slot; false when maxCalls are in progress. */
    boolean reserveCallSlot() {
        if (callSlots.incrementAndGet() > config.maxCalls()) {
            callSlots.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseCallSlot() {
        callSlots.decrementAndGet();
    }

    SipCall call(String callId) {
        return calls.get(callId);
    }

    void register(SipCall call) {
        calls.put(call.callId(), call);
    }

    /** Called once by a call that ended. */
    void ended(SipCall call) {
        if (calls.remove(call.callId(), call)) {
            releaseCallSlot();
            if (call.trunk() != null) trunkGate.trunks.release(call.trunk());
        }
    }

    /** The address we advertise in Contact and SDP for a message that reached us. */
    String advertisedAddress(Request request) {
        if (config.publicAddress() != null && !config.publicAddress().isBlank()) return config.publicAddress();
        InetAddress bound = rtpBindAddress;
        if (bound != null && !bound.isAnyLocalAddress()) return bound.getHostAddress();
        InetAddress local = ((SIPMessage) request).getLocalAddress();
        if (local != null && !local.isAnyLocalAddress()) return local.getHostAddress();
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }

    /**
     * What media protection a call that came with {@code request} may use: SDES-SRTP only when
     * the signalling was TLS, since its keys travel in clear in the SDP (RFC 4568 §8.3); plain
     * RTP always.
     */
    SrtpMode srtpMode(Request request) {
        return "tls".equals(transportOf(request)) ? SrtpMode.OPTIONAL
                : SrtpMode.OFF;
    }

    /**
     * For a request inside a call that came over TLS, the phone's connection (its source address
     * and port); null otherwise. See {@link FlowRouter}.
     */
    javax.sip.address.Hop flowHop(Request request) {
        javax.sip.header.CallIdHeader id = (javax.sip.header.CallIdHeader) request.getHeader(javax.sip.header.CallIdHeader.NAME);
        SipCall call = id == null ? null : calls.get(id.getCallId());
        return call == null ? null : call.flow();
    }

    /** The transport a request came over (its top Via), lower case. */
    static String transportOf(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return via == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
    }

    /** A response to {@code request} with our Server header (RFC 3261 §20.35). */
    Response response(int status, Request request) throws ParseException {
        Response r = messageFactory.createResponse(status, request);
        r.setHeader(headerFactory.createServerHeader(List.of(config.userAgent())));
        return r;
    }

    /** Allow: the methods we serve. */
    void addAllow(Response r) throws ParseException {
        for (String m : ALLOW) r.addHeader(headerFactory.createAllowHeader(m));
    }

    Header header(String name, String value) throws ParseException {
        return headerFactory.createHeader(name, value);
    }
}
