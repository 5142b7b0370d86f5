package org.passerelle.webrtc.ice;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidatePairState;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.StaticMappingCandidateHarvester;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcException;
import org.passerelle.webrtc.WebRtcSdp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full ICE (RFC 8445) for one session with ice4j: one stream, one component (BUNDLE and
 * rtcp-mux put everything on it), UDP host candidates bound here on the configured address and
 * port range, plus a mapped candidate for {@link WebRtcConfig#publicAddress()}. ice4j answers
 * and sends the STUN checks, nominates (controlling) or follows USE-CANDIDATE (controlled), and
 * runs consent freshness (RFC 7675). Each host candidate's socket has one reader thread
 * ({@link HostSocket}): it queues STUN for ice4j and hands the rest (DTLS, SRTP, SRTCP) from
 * authorised remotes to the {@link Receiver} on that same thread; media is written to the
 * selected pair.
 */
public final class IceTransport {
    /** ICE outcome, called on an ice4j thread. */
    public interface Events {
        void onIceConnected();

        void onIceFailed(String reason);
    }

    /**
     * Where the non-STUN datagrams go (DTLS, SRTP, SRTCP; RFC 7983 tells them apart), called on a
     * reader thread, one call at a time: before ICE completes from any host socket (DTLS may come
     * first, from a pair that passed its check), afterwards only from the selected pair's socket.
     */
    public interface Receiver {
        /** Where the next datagram is read to, from index 0 (at most 1500 bytes). */
        byte[] receiveBuffer();

        /** {@code length} bytes from the peer are in the array {@link #receiveBuffer()} returned. */
        void onDatagram(int length);

        /** The socket in use failed (not called when closed). */
        void onReceiveFailed(String reason);
    }

    /** The path ICE selected: our socket and the remote address. */
    private record Selected(HostSocket host, InetSocketAddress remote) { }

    private static final Receiver DROP = new Receiver() {
        private final byte[] buffer = new byte[HostSocket.MAX_DATAGRAM];
        @Override public byte[] receiveBuffer() { return buffer; }
        @Override public void onDatagram(int length) { }
        @Override public void onReceiveFailed(String reason) { }
    };

    private static final Logger LOG = LoggerFactory.getLogger(IceTransport.class);
    /** Where the next session starts looking for a free port, so sessions spread over the range. */
    private static final AtomicInteger NEXT_PORT = new AtomicInteger();
    /** How long {@link #close} waits for a reader thread to leave its socket. */
    private static final long READER_EXIT_MILLIS = 1000;

    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final List<WebRtcSdp.Candidate> advertised;
    private final Events events;
    private volatile boolean started;
    /** {@link #start()} was called; checks begin with the first remote candidate. */
    private boolean startRequested;
    private int remoteCandidates;
    private volatile boolean reported;
    private final Receiver receiver;
    private final List<HostSocket> hosts = new ArrayList<>();
    private volatile Selected selected;
    /** Remotes of the pairs that passed their check (copy on write; read per datagram). */
    private volatile InetSocketAddress[] authorised = new InetSocketAddress[0];
    /** Serialises deliveries from several host sockets before ICE has selected one. */
    private final Object copyLock = new Object();

    /** A transport whose non-STUN datagrams are dropped (tests and diagnostics). */
    public IceTransport(WebRtcConfig config, boolean controlling, Events events) throws WebRtcException {
        this(config, controlling, events, DROP, "ice", null);
    }

    /**
     * @param receiver   gets the DTLS/SRTP/SRTCP datagrams, on the reader threads
     * @param threadName the readers are named {@code <threadName>-rx}, then {@code -rx2}... per host socket
     * @param call       the MDC "call" of the reader threads, or null
     */
    public IceTransport(WebRtcConfig config, boolean controlling, Events events, Receiver receiver, String threadName,
                        String call) throws WebRtcException {
        this.events = events;
        this.receiver = receiver;
        agent = new Agent();
        agent.setControlling(controlling);
        // our own host candidates below: ice4j's harvester would bind every allowed interface
        agent.setUseDynamicPorts(false);
        // Chrome trickles; let our connect timeout, not an empty check list, decide failure
        agent.setTrickling(true);
        agent.setPerformConsentFreshness(true);
        stream = agent.createMediaStream("audio");
        try {
            // no ComponentSocket: its merging socket ran a reader thread per host socket and queued
            // every datagram to ours; our HostSocket readers take its place
            component = agent.createComponent(stream, 0, 0, 0, KeepAliveStrategy.SELECTED_ONLY, false);
            bindHostCandidates(config, threadName, call);
            if (config.publicAddress() != null && !config.publicAddress().isBlank()) {
                mapPublicAddress(config.publicAddress());
            }
        } catch (IOException | RuntimeException e) {
            agent.free();
            for (HostSocket h : hosts) h.close();
            throw new WebRtcException("cannot open ICE ports on " + config.bindAddress() + " in "
                    + config.portMin() + "-" + config.portMax() + ": " + e.getMessage(), e);
        }
        advertised = advertisedCandidates(config.publicAddress() != null && !config.publicAddress().isBlank());
        if (advertised.isEmpty()) {
            agent.free();
            for (HostSocket h : hosts) h.close();
            throw new WebRtcException("no ICE candidate could be gathered on " + config.bindAddress());
        }
        agent.addStateChangeListener(this::onStateChange);
        stream.addPairChangeListener(this::onPairChange);
        for (HostSocket h : hosts) h.start();
    }

    public String localUfrag() { return agent.getLocalUfrag(); }

    public String localPassword() { return agent.getLocalPassword(); }

    public boolean isControlling() { return agent.isControlling(); }

    /** The candidates to put in our SDP. */
    public List<WebRtcSdp.Candidate> localCandidates() { return advertised; }

    /** The local UDP ports we hold (for tests and diagnostics). */
    public List<Integer> localPorts() {
        List<Integer> ports = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            if (c.getType() == CandidateType.HOST_CANDIDATE) ports.add(c.getTransportAddress().getPort());
        }
        return ports;
    }

    public void setRemoteCredentials(String ufrag, String password) {
        stream.setRemoteUfrag(ufrag);
        stream.setRemotePassword(password);
    }

    /** Adds a remote candidate, before or after {@link #start()} (trickle ICE, RFC 8838). */
    public synchronized void addRemoteCandidate(WebRtcSdp.Candidate c) throws WebRtcException {
        if (!c.usable()) return;
        CandidateType type;
        try {
            type = CandidateType.parse(c.type());
        } catch (IllegalArgumentException e) {
            throw new WebRtcException("unknown candidate type " + c.type());
        }
        RemoteCandidate rc = new RemoteCandidate(new TransportAddress(c.address(), c.port(), Transport.UDP),
                component, type, c.foundation(), c.priority(), null, stream.getRemoteUfrag());
        remoteCandidates++;
        if (started) {
            component.addUpdateRemoteCandidates(rc);
            component.updateRemoteCandidates();
        } else {
            component.addRemoteCandidate(rc);
            if (startRequested) begin();
        }
    }

    /**
     * Starts the connectivity checks, or, while no remote candidate is known (all of them to be
     * trickled, as LiveKit does), as soon as the first one arrives: ice4j started on an empty
     * check list and fed trickled candidates afterwards validated pairs as controlling agent but
     * at times never nominated one (seen against LiveKit/pion).
     */
    public synchronized void start() {
        if (started) return;
        startRequested = true;
        if (remoteCandidates > 0) begin();
    }

    private void begin() {
        started = true;
        agent.startConnectivityEstablishment();
    }

    /** How many usable remote candidates were given (for diagnostics). */
    public synchronized int remoteCandidateCount() {
        return remoteCandidates;
    }

    /** Sends on the selected pair; false when there is none yet. The packet's address is set here. */
    public boolean send(DatagramPacket packet) throws IOException {
        Selected s = selected;
        if (s == null && (s = select()) == null) return false;
        packet.setSocketAddress(s.remote());
        s.host().socket.send(packet);
        return true;
    }

    /** Non-STUN datagrams dropped because no checked pair has their source address (tests, diagnostics). */
    public long strangerDatagrams() {
        long n = 0;
        for (HostSocket h : hosts) n += h.strangers();
        return n;
    }

    /** The reader threads, one per host socket (tests: they end once closed). */
    public List<Thread> readerThreads() {
        List<Thread> out = new ArrayList<>();
        for (HostSocket h : hosts) out.add(h.thread());
        return out;
    }

    /** Last consent (RFC 7675) of the selected pair in epoch millis, or -1 when unknown. */
    public long consentFreshnessMillis() {
        CandidatePair pair = component.getSelectedPair();
        if (pair == null) return -1;
        long t = pair.getConsentFreshness();
        return t == CandidatePair.CONSENT_FRESHNESS_UNKNOWN ? -1 : t;
    }

    /** The selected pair, for logs. */
    public String selectedPair() {
        CandidatePair pair = component.getSelectedPair();
        return pair == null ? "none" : pair.toShortString();
    }

    /** Frees the agent and closes every socket it holds; the reader threads end. */
    public void close() {
        reported = true;
        agent.free();
        for (HostSocket h : hosts) h.close();
        // A socket closed while its reader is blocked in receive keeps its port until that thread
        // has left the call (the JDK defers the release): wait for the readers, so the ports are
        // free when close returns. Not from a reader itself (a session failing on its own thread).
        for (HostSocket h : hosts) {
            Thread t = h.thread();
            if (t == Thread.currentThread() || !t.isAlive()) continue;
            try {
                t.join(READER_EXIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The selected pair as our socket and the remote address, once ice4j has one (it never changes it). */
    private Selected select() {
        Selected s = selected;
        if (s != null) return s;
        CandidatePair pair = component.getSelectedPair();
        if (pair == null) return null;
        LocalCandidate local = pair.getLocalCandidate();
        if (local.getBase() instanceof LocalCandidate base) local = base; // a mapped candidate sends from its host
        TransportAddress at = local.getTransportAddress();
        for (HostSocket h : hosts) {
            InetSocketAddress a = h.localAddress();
            if (a != null && a.getPort() == at.getPort() && a.getAddress().equals(at.getAddress())) {
                s = new Selected(h, pair.getRemoteCandidate().getTransportAddress());
                selected = s;
                return s;
            }
        }
        LOG.warn("ICE selected {} but no socket of ours has its local address", pair.toShortString());
        return null;
    }

    /** As ice4j's ComponentSocket: a pair that passed its check authorises its remote address. */
    private void onPairChange(PropertyChangeEvent e) {
        if (!(e.getSource() instanceof CandidatePair pair) || pair.getParentComponent() != component) return;
        if (!IceMediaStream.PROPERTY_PAIR_STATE_CHANGED.equals(e.getPropertyName())
                || e.getNewValue() != CandidatePairState.SUCCEEDED) return;
        TransportAddress remote = pair.getRemoteCandidate().getTransportAddress();
        synchronized (copyLock) {
            InetSocketAddress[] cur = authorised;
            for (InetSocketAddress a : cur) if (a.equals(remote)) return;
            InetSocketAddress[] next = Arrays.copyOf(cur, cur.length + 1);
            next[cur.length] = new InetSocketAddress(remote.getAddress(), remote.getPort());
            authorised = next;
        }
    }

    private final HostSocket.Route route = new HostSocket.Route() {
        @Override
        public boolean selects(HostSocket host) {
            Selected s = selected;
            return s != null && s.host() == host;
        }

        @Override
        public boolean authorised(InetAddress address, int port) {
            for (InetSocketAddress a : authorised) {
                if (a.getPort() == port && a.getAddress().equals(address)) return true;
            }
            return false;
        }

        @Override
        public void deliverCopy(HostSocket from, byte[] buf, int len) {
            synchronized (copyLock) {
                Selected s = selected;
                if (s != null && s.host() != from) return; // off the selected path
                byte[] dst = receiver.receiveBuffer();
                System.arraycopy(buf, 0, dst, 0, Math.min(len, dst.length));
                receiver.onDatagram(Math.min(len, dst.length));
            }
        }

        @Override
        public void awaitCopies() {
            synchronized (copyLock) {
                // a reader that was delivering before the selection has returned
            }
        }

        @Override
        public byte[] receiveBuffer() {
            return receiver.receiveBuffer();
        }

        @Override
        public void deliver(int len) {
            receiver.onDatagram(len);
        }

        @Override
        public void readerFailed(HostSocket host, IOException e) {
            Selected s = selected;
            if (hosts.size() == 1 || (s != null && s.host() == host)) {
                receiver.onReceiveFailed("ICE socket failed: " + e.getMessage());
            } else {
                LOG.debug("ICE host socket {} failed: {}", host.localAddress(), e.toString());
            }
        }
    };

    private void onStateChange(PropertyChangeEvent e) {
        if (!(e.getNewValue() instanceof IceProcessingState s) || reported) return;
        if (s == IceProcessingState.COMPLETED) {
            reported = true;
            select(); // before DTLS starts sending on it
            events.onIceConnected();
        } else if (s == IceProcessingState.FAILED) {
            reported = true;
            events.onIceFailed("ICE failed: no candidate pair worked");
        }
    }

    private void bindHostCandidates(WebRtcConfig config, String threadName, String call) throws IOException {
        List<InetAddress> addresses = hostAddresses(config.bindAddress());
        int span = config.portMax() - config.portMin() + 1;
        if (span <= 0) throw new IOException("empty port range");
        for (InetAddress address : addresses) {
            DatagramSocket socket = null;
            IOException last = null;
            for (int i = 0; i < span && socket == null; i++) {
                int port = config.portMin() + Math.floorMod(NEXT_PORT.getAndIncrement(), span);
                try {
                    socket = new DatagramSocket(new InetSocketAddress(address, port));
                } catch (SocketException e) {
                    last = e;
                }
            }
            if (socket == null) throw new IOException("no free UDP port on " + address.getHostAddress(), last);
            HostSocket host = new HostSocket(socket, route,
                    threadName + "-rx" + (hosts.isEmpty() ? "" : Integer.toString(hosts.size() + 1)), call);
            hosts.add(host);
            // ice4j's candidate wants a multiplexing socket (it only sends through it here); ours reads
            HostCandidate candidate = new HostCandidate(new IceUdpSocketWrapper(new MultiplexingDatagramSocket(socket)),
                    component, Transport.UDP);
            component.addLocalCandidate(candidate);
            // STUN reaches the stack through the queue our reader fills
            candidate.getStunStack().addSocket(host.stun);
            LOG.debug("ICE host candidate {}", candidate.getTransportAddress());
        }
    }

    private void mapPublicAddress(String publicAddress) {
        for (LocalCandidate host : List.copyOf(component.getLocalCandidates())) {
            TransportAddress face = host.getTransportAddress();
            if (face.getAddress().isLoopbackAddress()) continue;
            // a 1:1 NAT keeps the port: advertise public:port for each host candidate.
            // NB the constructor takes (mask = public, face = local), in that order
            new StaticMappingCandidateHarvester(new TransportAddress(publicAddress, face.getPort(), Transport.UDP),
                    new TransportAddress(face.getAddress(), face.getPort(), Transport.UDP), "public", true)
                    .harvest(component);
        }
    }

    private List<WebRtcSdp.Candidate> advertisedCandidates(boolean mappedOnly) {
        List<WebRtcSdp.Candidate> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            boolean mapped = c.getType() == CandidateType.SERVER_REFLEXIVE_CANDIDATE;
            boolean loopback = c.getTransportAddress().getAddress().isLoopbackAddress();
            // behind NAT the private addresses are not advertised, except loopback for local tests
            if (mappedOnly && !mapped && !loopback) continue;
            TransportAddress a = c.getTransportAddress();
            TransportAddress rel = c.getRelatedAddress();
            out.add(new WebRtcSdp.Candidate(c.getFoundation(), 1, "udp", c.getPriority(), a.getHostAddress(),
                    a.getPort(), c.getType().toString(), rel != null ? rel.getHostAddress() : null,
                    rel != null ? rel.getPort() : -1));
        }
        // the highest priority first: it is our default candidate on the m= line
        out.sort((x, y) -> Long.compare(y.priority(), x.priority()));
        return Collections.unmodifiableList(out);
    }

    /** 0.0.0.0: every non-loopback IPv4 address that is up, then loopback; else the one address. */
    static List<InetAddress> hostAddresses(String bind) throws IOException {
        InetAddress bindAddress;
        try {
            bindAddress = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IOException("unknown bind address " + bind, e);
        }
        if (!bindAddress.isAnyLocalAddress()) return List.of(bindAddress);
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) continue;
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLinkLocalAddress()) out.add(a);
            }
        }
        out.add(InetAddress.getLoopbackAddress());
        return out;
    }
}
