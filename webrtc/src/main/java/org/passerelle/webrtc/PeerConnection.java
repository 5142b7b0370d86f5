package org.passerelle.webrtc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.passerelle.transcoder.NanoClock;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.passerelle.webrtc.dtls.DtlsCertificate;
import org.passerelle.webrtc.dtls.DtlsEndpoint;
import org.passerelle.webrtc.dtls.SrtpKeys;
import org.passerelle.webrtc.ice.IceTransport;
import org.passerelle.webrtc.srtp.PacketBuffer;
import org.passerelle.webrtc.srtp.SrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The {@link WebRtcSession} implementation: {@link IceTransport} finds the path, a
 * {@link DtlsEndpoint} keys SRTP over it, and this class moves audio: one receive thread
 * demultiplexes (RFC 7983) and decrypts into pooled packets; {@link #sendAudio} encrypts in the
 * caller's packet and sends on the selected pair; a shared timer sends RTCP every 5 s and
 * watches the connect timeout and consent.
 */
final class PeerConnection implements WebRtcSession, IceTransport.Events {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One daemon thread for every session's timers: they only enqueue small work. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webrtc-timer");
        t.setDaemon(true);
        return t;
    });
    static final int OUR_OPUS_PT = 111;
    /** RFC 3550 §6.2 allows less for a two-party session; 5 s is what the brief asks. */
    private static final long RTCP_INTERVAL_MS = 5000;
    /** RFC 7675 §5.1: consent expires 30 s after the last response. */
    private static final long CONSENT_EXPIRY_MS = 30_000;
    private static final AtomicLong IDS = new AtomicLong();

    private final String id;
    private final String mdc;
    private final WebRtcConfig config;
    private final Listener listener;
    private final NanoClock clock;
    private final IceTransport ice;
    private final RtpPacketPool pool = new RtpPacketPool(64);
    private final AtomicReference<SessionState> state = new AtomicReference<>(SessionState.NEW);
    private final long ssrc = RANDOM.nextInt() & 0xffffffffL;
    private final String cname = randomToken(16);
    private final String mid;
    private final String localSdp;

    private volatile WebRtcSdp.Remote remote;
    private volatile int remotePt;
    private volatile boolean dtlsClient;
    private volatile DtlsEndpoint dtls;
    private volatile SrtpSession srtp;
    private volatile Thread receiver;
    private volatile long consentAtConnect = -1;
    private final RtcpReports rtcp;
    private volatile ScheduledFuture<?> timeoutTask, rtcpTask;

    // send path, guarded by sendLock (the media clock in practice: uncontended)
    private final Object sendLock = new Object();
    private final PacketBuffer sendBuffer = new PacketBuffer();
    private final DatagramPacket sendDatagram = new DatagramPacket(new byte[0], 0);
    private int sequence = RANDOM.nextInt(0x10000);
    private long timestamp = RANDOM.nextInt() & 0xffffffffL;
    private boolean firstSent;
    private long sendFailures;

    // RTCP send path, timer thread only
    private final byte[] rtcpOut = new byte[RtpPacket.MAX_SIZE];
    private final PacketBuffer rtcpBuffer = new PacketBuffer();
    private final DatagramPacket rtcpDatagram = new DatagramPacket(new byte[0], 0);

    // receive path, receiver thread only
    private long dropped;

    private PeerConnection(WebRtcConfig config, Listener listener, boolean controlling, String mid,
                           WebRtcSdp.Remote offer, NanoClock clock) throws WebRtcException {
        this.id = "webrtc-" + IDS.incrementAndGet();
        String callId = MDC.get("call");
        this.mdc = callId != null ? callId : id;
        this.config = config;
        this.listener = listener;
        this.clock = clock;
        this.mid = mid;
        this.rtcp = new RtcpReports(ssrc, cname, AudioCodec.OPUS.rtpClockRate());
        this.ice = new IceTransport(config, controlling, this);
        String streamId = "passerelle-" + randomToken(8);
        String trackId = randomToken(16);
        String fingerprint = DtlsCertificate.get().fingerprint();
        if (offer == null) {
            localSdp = WebRtcSdp.offer(new WebRtcSdp.Local(Math.abs(RANDOM.nextLong()), ice.localUfrag(),
                    ice.localPassword(), fingerprint, WebRtcSdp.Setup.ACTPASS, mid, OUR_OPUS_PT, ssrc, cname,
                    streamId, trackId, ice.localCandidates()));
        } else {
            // RFC 5763 §5: the answerer to actpass takes passive (we are the DTLS server)
            WebRtcSdp.Setup ours = offer.setup() == WebRtcSdp.Setup.PASSIVE ? WebRtcSdp.Setup.ACTIVE : WebRtcSdp.Setup.PASSIVE;
            dtlsClient = ours == WebRtcSdp.Setup.ACTIVE;
            localSdp = WebRtcSdp.answer(offer, new WebRtcSdp.Local(Math.abs(RANDOM.nextLong()), ice.localUfrag(),
                    ice.localPassword(), fingerprint, ours, mid, offer.opusPayloadType(), ssrc, cname, streamId,
                    trackId, ice.localCandidates()));
        }
    }

    /** Answers a browser's offer: ICE controlled, DTLS per its a=setup. */
    static PeerConnection answer(WebRtcConfig config, String offerSdp, Listener listener, NanoClock clock)
            throws WebRtcException {
        WebRtcSdp.Remote offer = WebRtcSdp.parse(offerSdp);
        if (!offer.rtcpMux()) throw new WebRtcException("the offer lacks a=rtcp-mux, which WebRTC requires (RFC 8829 §5.1.3)");
        PeerConnection pc = new PeerConnection(config, listener, false, offer.mid(), offer, clock);
        try {
            pc.startWith(offer);
        } catch (WebRtcException | RuntimeException e) {
            pc.fail("cannot start: " + e.getMessage());
            throw e;
        }
        return pc;
    }

    /** Makes an offer: ICE controlling, DTLS client unless the answer says active. */
    static PeerConnection offer(WebRtcConfig config, Listener listener, NanoClock clock) throws WebRtcException {
        PeerConnection pc = new PeerConnection(config, listener, true, "0", null, clock);
        pc.startReceiving();
        pc.armTimeout();
        return pc;
    }

    @Override
    public String localDescription() {
        return localSdp;
    }

    @Override
    public void applyAnswer(String answerSdp) throws WebRtcException {
        if (remote != null) throw new WebRtcException("an answer was already applied");
        if (!ice.isControlling()) throw new WebRtcException("this session answered; it takes no answer");
        WebRtcSdp.Remote answer = WebRtcSdp.parse(answerSdp);
        // RFC 5763 §5: the answer's active/passive fixes the DTLS roles
        dtlsClient = answer.setup() != WebRtcSdp.Setup.ACTIVE;
        startWith(answer);
    }

    private void startWith(WebRtcSdp.Remote r) throws WebRtcException {
        remote = r;
        remotePt = r.opusPayloadType();
        // made now so that DTLS arriving before our ICE side completes is queued, not lost
        dtls = new DtlsEndpoint(dtlsClient, r.fingerprintAlgorithm(), r.fingerprint(),
                (int) Math.max(1000, config.connectTimeout().toMillis()), this::sendDtls);
        ice.setRemoteCredentials(r.iceUfrag(), r.icePwd());
        for (WebRtcSdp.Candidate c : r.candidates()) ice.addRemoteCandidate(c);
        if (receiver == null) startReceiving();
        if (timeoutTask == null) armTimeout();
        move(SessionState.CHECKING);
        ice.start();
        log(false, "ICE {} started, {} remote candidates, DTLS {}", ice.isControlling() ? "controlling" : "controlled",
                r.candidates().size(), dtlsClient ? "client" : "server");
    }

    @Override
    public void addRemoteCandidate(String candidate, String sdpMid) throws WebRtcException {
        if (candidate == null || candidate.isBlank()) return; // end of candidates
        if (sdpMid != null && !sdpMid.equals(mid)) return; // BUNDLE: one transport, ours
        ice.addRemoteCandidate(WebRtcSdp.Candidate.parse(candidate));
    }

    @Override
    public AudioCodec codec() {
        return AudioCodec.OPUS;
    }

    @Override
    public RtpPacketPool packetPool() {
        return pool;
    }

    @Override
    public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
        SrtpSession s = srtp;
        if (s == null || state.get() != SessionState.CONNECTED) {
            packet.release();
            return;
        }
        long ts;
        synchronized (sendLock) {
            ts = timestamp;
            // RFC 7587 §4.1: marker only on the first packet of a talkspurt; we send continuously
            packet.writeHeader(remotePt, !firstSent, sequence, ts, ssrc, payloadLength);
            firstSent = true;
            sequence = (sequence + 1) & 0xffff;
            timestamp = (timestamp + rtpDuration) & 0xffffffffL;
            sendBuffer.wrap(packet.buffer(), 0, packet.length());
            if (s.protectRtp(sendBuffer)) {
                sendDatagram.setData(packet.buffer(), 0, sendBuffer.getLength());
                try {
                    if (!ice.send(sendDatagram)) sendFailures++;
                } catch (IOException e) {
                    sendFailures++;
                }
            } else {
                sendFailures++;
            }
        }
        rtcp.onRtpSent(payloadLength, ts, clock.nanoTime());
        packet.release();
    }

    @Override
    public boolean isConnected() {
        return state.get() == SessionState.CONNECTED;
    }

    @Override
    public void close() {
        fail("closed");
    }

    /** Ports this session holds; empty once closed. */
    List<Integer> localPorts() {
        return ice.localPorts();
    }

    long rtcpReceived() { return rtcp.rtcpReceived(); }

    /** Sends an RTCP report now instead of at the next 5 s tick (tests). */
    void sendRtcpNow() { onRtcpTimer(); }

    String id() { return id; }

    long droppedPackets() { return dropped; }

    // --- ICE events (ice4j threads) ---

    @Override
    public void onIceConnected() {
        if (!move(SessionState.DTLS)) return;
        log(false, "ICE connected on {}", ice.selectedPair());
        Thread t = new Thread(this::runDtls, id + "-dtls");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void onIceFailed(String reason) {
        fail(reason);
    }

    // --- threads ---

    private void runDtls() {
        MDC.put("call", mdc);
        DtlsEndpoint d = dtls;
        if (state.get() == SessionState.CLOSED) return;
        try {
            SrtpKeys keys = d.handshake();
            srtp = new SrtpSession(keys, (int) ssrc);
            if (!move(SessionState.CONNECTED)) return;
            consentAtConnect = ice.consentFreshnessMillis();
            cancel(timeoutTask);
            rtcpTask = TIMER.scheduleAtFixedRate(this::onRtcpTimer, RTCP_INTERVAL_MS, RTCP_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
            if (state.get() == SessionState.CLOSED) cancel(rtcpTask); // closed meanwhile
            log(false, "connected: DTLS {} done, SRTP {}", d.isClient() ? "client" : "server", keys.profile());
            listener.onConnected();
        } catch (IOException | GeneralSecurityException e) {
            if (state.get() != SessionState.CLOSED) {
                LOG.debug("DTLS handshake failed", e);
                fail("DTLS handshake failed: " + e.getMessage());
            }
            return;
        }
        if (d.serviceUntilClosed()) fail("DTLS closed by the peer");
    }

    private void sendDtls(byte[] buf, int off, int len) throws IOException {
        // DTLS flights are rare; a packet per flight is fine
        if (!ice.send(new DatagramPacket(buf, off, len))) throw new IOException("no ICE pair selected");
    }

    private void startReceiving() {
        Thread t = new Thread(this::receiveLoop, id + "-rx");
        t.setDaemon(true);
        receiver = t;
        t.start();
    }

    private void receiveLoop() {
        MDC.put("call", mdc);
        DatagramSocket socket = ice.socket();
        DatagramPacket datagram = new DatagramPacket(new byte[0], 0);
        PacketBuffer buffer = new PacketBuffer();
        RtpPacket packet = pool.acquire();
        try {
            while (state.get() != SessionState.CLOSED) {
                datagram.setData(packet.buffer(), 0, RtpPacket.MAX_SIZE);
                socket.receive(datagram);
                long now = clock.nanoTime();
                int len = datagram.getLength();
                byte[] b = packet.buffer();
                switch (PacketKind.of(b, 0, len)) {
                    case DTLS -> {
                        // queued until our ICE side completes and the handshake starts reading
                        DtlsEndpoint d = dtls;
                        if (d != null) d.receive(b, 0, len);
                        else dropped++;
                    }
                    case RTP -> {
                        SrtpSession s = srtp;
                        if (s == null || !s.unprotectRtp(buffer.wrap(b, 0, len))) { dropped++; continue; }
                        packet.setLength(buffer.getLength());
                        if (!packet.isValid() || packet.payloadType() != remotePt) { dropped++; continue; }
                        packet.setArrivalNanos(now);
                        rtcp.onRtpReceived(packet.ssrc(), packet.sequence(), packet.timestamp(), now);
                        listener.onRtp(packet); // ownership passes on
                        packet = pool.acquire();
                    }
                    case RTCP -> {
                        SrtpSession s = srtp;
                        if (s == null || !s.unprotectRtcp(buffer.wrap(b, 0, len))) { dropped++; continue; }
                        rtcp.onRtcpReceived(b, 0, buffer.getLength(), now);
                    }
                    default -> dropped++;
                }
            }
        } catch (IOException e) {
            if (state.get() != SessionState.CLOSED) fail("ICE socket failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("receive loop failed", e);
            fail("internal error: " + e);
        } finally {
            packet.release();
        }
    }

    private void onRtcpTimer() {
        MDC.put("call", mdc);
        try {
            if (state.get() != SessionState.CONNECTED) return;
            long consent = ice.consentFreshnessMillis();
            // only trust ice4j's consent time once it has moved since we connected (it checks)
            if (consent > 0 && consent != consentAtConnect && System.currentTimeMillis() - consent > CONSENT_EXPIRY_MS) {
                fail("ICE consent lost (RFC 7675): no response for 30 s");
                return;
            }
            SrtpSession s = srtp;
            int len = rtcp.write(rtcpOut, System.currentTimeMillis(), clock.nanoTime());
            if (s.protectRtcp(rtcpBuffer.wrap(rtcpOut, 0, len))) {
                rtcpDatagram.setData(rtcpOut, 0, rtcpBuffer.getLength());
                ice.send(rtcpDatagram);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("RTCP report not sent: {}", e.toString());
        } finally {
            MDC.remove("call");
        }
    }

    private void armTimeout() {
        timeoutTask = TIMER.schedule(() -> {
            MDC.put("call", mdc);
            try {
                SessionState s = state.get();
                double secs = config.connectTimeout().toMillis() / 1000.0;
                if (s == SessionState.NEW || s == SessionState.CHECKING) {
                    fail("ICE failed: no connectivity within " + secs + " s");
                } else if (s == SessionState.DTLS) {
                    fail("ICE failed: DTLS handshake did not complete within " + secs + " s");
                }
            } finally {
                MDC.remove("call");
            }
        }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    // --- state ---

    private boolean move(SessionState to) {
        while (true) {
            SessionState cur = state.get();
            SessionState next = cur.next(to);
            if (next == null) return false;
            if (state.compareAndSet(cur, next)) return true;
        }
    }

    /** Closes once, with one reason, and tells the listener. */
    private void fail(String reason) {
        SessionState before = state.getAndSet(SessionState.CLOSED);
        if (before == SessionState.CLOSED) return;
        if (reason.equals("closed")) log(false, "closed");
        else log(true, "session ended: {}", reason);
        cancel(timeoutTask);
        cancel(rtcpTask);
        DtlsEndpoint d = dtls;
        if (d != null) d.close();
        ice.close();
        SrtpSession s = srtp;
        if (s != null) s.close();
        try {
            listener.onClosed(reason);
        } catch (RuntimeException e) {
            log(true, "listener failed in onClosed", e);
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) f.cancel(false);
    }

    /** Logs with our MDC "call", restoring the caller's (API methods run on the caller's thread). */
    private void log(boolean warn, String format, Object... args) {
        String previous = MDC.get("call");
        MDC.put("call", mdc);
        try {
            if (warn) LOG.warn(format, args);
            else LOG.info(format, args);
        } finally {
            if (previous == null) MDC.remove("call");
            else MDC.put("call", previous);
        }
    }

    private static String randomToken(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return b.toString();
    }
}
