package org.passerelle.webrtc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
import org.passerelle.transcoder.rtp.SendBatch;
import org.passerelle.webrtc.dtls.DtlsCertificate;
import org.passerelle.webrtc.dtls.DtlsEndpoint;
import org.passerelle.webrtc.dtls.SrtpKeys;
import org.passerelle.webrtc.ice.IceTransport;
import org.passerelle.webrtc.sctp.SctpAssociation;
import org.passerelle.webrtc.sctp.SctpTransport;
import org.passerelle.transcoder.srtp.PacketBuffer;
import org.passerelle.webrtc.srtp.SrtpSession;
import org.passerelle.webrtc.srtp.SrtpWarmUp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The {@link WebRtcSession} implementation: {@link IceTransport} finds the path, a
 * {@link DtlsEndpoint} keys SRTP over it, and this class moves audio: the ICE socket's reader
 * thread demultiplexes (RFC 7983) and decrypts into pooled packets ({@link Demux});
 * {@link #sendAudio} encrypts in the caller's packet and sends on the selected pair; a shared
 * timer sends RTCP every 5 s and watches the connect timeout and consent.
 *
 * <p>Several m-lines (an SFU such as LiveKit offers one audio m-line per remote track, BUNDLEd):
 * every Opus m-line is taken, packets are matched to their {@link RemoteTrack} by SSRC through a
 * {@link TrackTable} snapshot, and re-offers are answered over the same transport
 * ({@link #applyRemoteOffer}); in client role {@link #createOffer} makes re-offers.
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
    /** The mid of the data channel m-line in our offers. */
    static final String DATA_MID = "dc";
    /** SCTP timers of every session: retransmissions and delayed SACKs, small work. */
    private static final ScheduledExecutorService SCTP_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webrtc-sctp-timer");
        t.setDaemon(true);
        return t;
    });

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
    private final String streamId;
    private final String trackId;
    /** True when we made the first offer (client role): only then do we make re-offers. */
    private final boolean offerer;
    /** We answer and send nothing (an SFU's subscriber connection): every audio m-line recvonly. */
    private final boolean receiveOnly;
    /** Data channels (RFC 8831) offered by us or taken from the offer; null without. */
    private volatile SctpTransport sctp;

    // negotiation, guarded by this (signalling calls are rare and come from one executor)
    private final AtomicReference<NegotiationState> negotiation = new AtomicReference<>(NegotiationState.STABLE);
    private volatile String localSdp;
    private long sdpVersion = 2;
    /** The mids our last answer took (kept taken in later answers, RFC 8829 §5.3.2). */
    private Set<String> takenMids = Set.of();
    /** Extra tracks we send (client role, tests): each its own m-line, appended to the offer. */
    private final List<WebRtcSdp.SendTrack> extraTracks = new ArrayList<>();
    private final Set<String> knownCandidates = new HashSet<>();
    private volatile TrackTable tracks = TrackTable.EMPTY;

    private volatile WebRtcSdp.Remote remote;
    private volatile int remotePt;
    private volatile boolean dtlsClient;
    private volatile DtlsEndpoint dtls;
    private volatile SrtpSession srtp;
    private volatile long consentAtConnect = -1;
    /** When ICE completed (clock nanos): "connected" logs how long DTLS-SRTP took after it. */
    private volatile long iceConnectedAt;
    private final RtcpReports rtcp;
    private volatile ScheduledFuture<?> timeoutTask, rtcpTask;

    // send path, guarded by sendLock (the media clock in practice: uncontended)
    private final Object sendLock = new Object();
    private final PacketBuffer sendBuffer = new PacketBuffer();
    private final DatagramPacket sendDatagram = new DatagramPacket(new byte[0], 0);
    /** This session as a media thread's {@link SendBatch} sees it (made once: nothing allocated per packet). */
    private final SendBatch.Sender batchSender = this::transmit;
    private int sequence = RANDOM.nextInt(0x10000);
    private long timestamp = RANDOM.nextInt() & 0xffffffffL;
    private boolean firstSent;
    // per extra track: sequence, timestamp, first sent (same guard)
    private int[] extraSequence = new int[0];
    private long[] extraTimestamp = new long[0];
    private boolean[] extraFirstSent = new boolean[0];
    private long sendFailures;

    // RTCP send path, timer thread only
    private final byte[] rtcpOut = new byte[RtpPacket.MAX_SIZE];
    private final PacketBuffer rtcpBuffer = new PacketBuffer();
    private final DatagramPacket rtcpDatagram = new DatagramPacket(new byte[0], 0);

    // receive path, the ICE reader thread only
    private long dropped;
    private final Demux demux = new Demux();

    private PeerConnection(WebRtcConfig config, Listener listener, boolean controlling, String mid,
                           WebRtcSdp.Remote offer, boolean receiveOnly, boolean dataChannels, NanoClock clock)
            throws WebRtcException {
        this.id = "webrtc-" + IDS.incrementAndGet();
        String callId = MDC.get("call");
        this.mdc = callId != null ? callId : id;
        this.config = config;
        this.listener = listener;
        this.clock = clock;
        this.mid = mid;
        this.offerer = offer == null;
        this.receiveOnly = receiveOnly;
        this.rtcp = new RtcpReports(ssrc, cname, AudioCodec.OPUS.rtpClockRate());
        this.ice = new IceTransport(config, controlling, this, demux, id, mdc);
        SrtpWarmUp.startOnce(); // done long before the first handshake ends
        this.sessionId = Math.abs(RANDOM.nextLong());
        this.streamId = "passerelle-" + randomToken(8);
        this.trackId = randomToken(16);
        if (offer == null) {
            if (dataChannels) {
                sctp = newSctp();
                dataOffered = true;
            }
            localSdp = WebRtcSdp.offer(local(WebRtcSdp.Setup.ACTPASS, OUR_OPUS_PT), List.of(), sdpVersion, dataMid());
            negotiation.set(NegotiationState.HAVE_LOCAL_OFFER);
        } else {
            // the browser path speaks SCTP on an offered data m-line; an SFU's subscriber connection only when asked
            if (dataChannels && WebRtcSdp.dataMedia(offer) != null) sctp = newSctp();
            WebRtcSdp.Setup ours = offer.setup().answer();
            dtlsClient = ours == WebRtcSdp.Setup.ACTIVE;
            takenMids = WebRtcSdp.takenMids(offer, Set.of(), sctp != null);
            localSdp = WebRtcSdp.answer(offer, local(ours, offer.opusPayloadType()), sdpVersion, Set.of(), !receiveOnly,
                    sctp != null);
            tracks = TrackTable.of(offer, takenMids);
        }
    }

    private final long sessionId;

    /** Our offers keep the data m-line once offered, even if the answer rejected it (RFC 8829 §5.2.2). */
    private boolean dataOffered;

    private String dataMid() {
        return dataOffered ? DATA_MID : null;
    }

    private SctpTransport newSctp() {
        SctpTransport.Events events = new SctpTransport.Events() {
            @Override
            public void onChannel(DataChannel channel) {
                listener.onDataChannel(channel);
            }

            @Override
            public void onMessage(DataChannel channel, byte[] message, boolean binary) {
                listener.onDataMessage(channel, message, binary);
            }

            @Override
            public void onChannelClosed(DataChannel channel) {
                listener.onDataChannelClosed(channel);
            }
        };
        return new SctpTransport(SctpAssociation.Config.defaults(), this::sendSctp, events, clock,
                SctpTransport.Scheduler.of(SCTP_TIMER),
                RANDOM, mdc);
    }

    private void sendSctp(byte[] b, int off, int len) throws IOException {
        DtlsEndpoint d = dtls;
        if (d == null) throw new IOException("no DTLS yet");
        d.sendApplicationData(b, off, len);
    }

    private WebRtcSdp.Local local(WebRtcSdp.Setup setup, int pt) {
        return new WebRtcSdp.Local(sessionId, ice.localUfrag(), ice.localPassword(), DtlsCertificate.get().fingerprint(),
                setup, mid, pt, ssrc, cname, streamId, trackId, ice.localCandidates());
    }

    /** Answers a browser's or an SFU's offer: ICE controlled (controlling if it is ICE-lite), DTLS per its a=setup. */
    static PeerConnection answer(WebRtcConfig config, String offerSdp, Listener listener, NanoClock clock)
            throws WebRtcException {
        return answer(config, offerSdp, false, listener, clock);
    }

    /**
     * As {@link #answer(WebRtcConfig, String, Listener, NanoClock)}; {@code receiveOnly}: we never send
     * (and speak no SCTP on an offered data m-line).
     */
    static PeerConnection answer(WebRtcConfig config, String offerSdp, boolean receiveOnly, Listener listener,
                                 NanoClock clock) throws WebRtcException {
        return answer(config, offerSdp, receiveOnly, !receiveOnly, listener, clock);
    }

    /** As above; {@code dataChannels}: data channels (SCTP) on an offered data m-line. */
    static PeerConnection answer(WebRtcConfig config, String offerSdp, boolean receiveOnly, boolean dataChannels,
                                 Listener listener, NanoClock clock) throws WebRtcException {
        WebRtcSdp.Remote offer = WebRtcSdp.parse(offerSdp, true);
        if (!offer.noAudio() && !offer.rtcpMux()) {
            throw new WebRtcException("the offer lacks a=rtcp-mux, which WebRTC requires (RFC 8829 §5.1.3)");
        }
        // RFC 8445 §6.1.1: facing an ICE-lite offerer (LiveKit's use_ice_lite), the full agent controls
        PeerConnection pc = new PeerConnection(config, listener, offer.iceLite(), offer.mid(), offer, receiveOnly,
                dataChannels, clock);
        SctpTransport s = pc.sctp;
        if (s != null) s.peerMaxMessageSize(WebRtcSdp.maxMessageSize(offerSdp));
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
        return offer(config, listener, false, clock);
    }

    /** As {@link #offer(WebRtcConfig, Listener, NanoClock)}; {@code dataChannels}: with an SCTP m-line. */
    static PeerConnection offer(WebRtcConfig config, Listener listener, boolean dataChannels, NanoClock clock)
            throws WebRtcException {
        PeerConnection pc = new PeerConnection(config, listener, true, "0", null, false, dataChannels, clock);
        pc.armTimeout();
        return pc;
    }

    @Override
    public String localDescription() {
        return localSdp;
    }

    @Override
    public synchronized void applyAnswer(String answerSdp) throws WebRtcException {
        if (negotiation.get() != NegotiationState.HAVE_LOCAL_OFFER) {
            throw new WebRtcException(offerer ? "no offer of ours is pending; the answer was already applied"
                    : "this session answered; it takes no answer");
        }
        WebRtcSdp.Remote answer = WebRtcSdp.parse(answerSdp);
        if (remote == null) {
            // RFC 5763 §5: the answer's active/passive fixes the DTLS roles
            dtlsClient = answer.setup() != WebRtcSdp.Setup.ACTIVE;
            takenMids = answeredMids(answer);
            SctpTransport s = sctp;
            if (s != null && !takenMids.contains(DATA_MID)) {
                log(false, "the answer rejected our data channel m-line");
                sctp = null;
                s.close();
            } else if (s != null) {
                s.peerMaxMessageSize(WebRtcSdp.maxMessageSize(answerSdp));
            }
            tracks = TrackTable.of(answer, takenMids);
            startWith(answer);
        } else {
            // an answer to a re-offer: same transport, new m-lines
            sameTransport(answer);
            keepsDtlsRole(answer);
            addCandidates(answer);
            remote = answer;
            takenMids = answeredMids(answer);
            tracks = TrackTable.of(answer, takenMids);
        }
        move(NegotiationState.STABLE);
        log(false, "answer applied: {} remote tracks", tracks.tracks().size());
        listener.onRemoteTracks(tracks.tracks());
    }

    /** The m-lines of the remote's answer that it took (port not 0). */
    private static Set<String> answeredMids(WebRtcSdp.Remote answer) {
        Set<String> mids = new LinkedHashSet<>();
        for (WebRtcSdp.Media m : answer.media()) if (!m.rejected()) mids.add(m.midOrIndex());
        return mids;
    }

    @Override
    public synchronized String applyRemoteOffer(String offerSdp) throws WebRtcException {
        if (state.get() == SessionState.CLOSED) throw new WebRtcException("the session is closed");
        if (negotiation.get() != NegotiationState.STABLE) {
            // RFC 8829 §4.1.8.1: glare; an SFU uses one direction per connection, so we do not roll back
            throw new WebRtcException("a re-offer arrived while our own offer is pending");
        }
        if (remote == null) throw new WebRtcException("no description was applied yet");
        WebRtcSdp.Remote offer = WebRtcSdp.parse(offerSdp, true);
        sameTransport(offer);
        keepsDtlsRole(offer);
        addCandidates(offer);
        // RFC 8842 §5.3: keep the established DTLS role; the re-offer says actpass
        WebRtcSdp.Setup ours = dtlsClient ? WebRtcSdp.Setup.ACTIVE : WebRtcSdp.Setup.PASSIVE;
        Set<String> taken = WebRtcSdp.takenMids(offer, takenMids, sctp != null);
        String sendMid = receiveOnly ? null : WebRtcSdp.sendMid(offer, takenMids);
        WebRtcSdp.Media send = sendMid != null ? offer.media(sendMid) : null;
        int pt = send != null ? send.opusPayloadType() : offer.opusPayloadType();
        String answer = WebRtcSdp.answer(offer, local(ours, pt), ++sdpVersion, takenMids, !receiveOnly, sctp != null);
        remote = offer;
        if (pt >= 0) remotePt = pt;
        takenMids = taken;
        tracks = TrackTable.of(offer, taken);
        localSdp = answer;
        log(false, "re-offer answered: {} m-lines taken, {} remote tracks", taken.size(), tracks.tracks().size());
        listener.onRemoteTracks(tracks.tracks());
        return answer;
    }

    @Override
    public synchronized String createOffer() throws WebRtcException {
        if (!offerer) throw new WebRtcException("this session answered; re-offers come from the other side");
        if (state.get() == SessionState.CLOSED) throw new WebRtcException("the session is closed");
        // before any answer the pending first offer is simply replaced; after, one offer at a time
        if (remote != null && !move(NegotiationState.HAVE_LOCAL_OFFER)) {
            throw new WebRtcException("an offer of ours is already pending");
        }
        // RFC 8842 §5.5: a re-offer says actpass; the answerer keeps the established roles
        localSdp = WebRtcSdp.offer(local(WebRtcSdp.Setup.ACTPASS, OUR_OPUS_PT), List.copyOf(extraTracks), ++sdpVersion,
                dataMid());
        return localSdp;
    }

    /**
     * Adds a track we send on its own m-line (client role); it is offered by the next
     * {@link #createOffer}. Returns its index for {@link #sendAudio(int, RtpPacket, int, int)}.
     */
    synchronized int addSendTrack() throws WebRtcException {
        if (!offerer) throw new WebRtcException("only the offering side adds tracks");
        String newMid = Integer.toString(extraTracks.size() + 1);
        extraTracks.add(new WebRtcSdp.SendTrack(newMid, RANDOM.nextInt() & 0xffffffffL, streamId, randomToken(16)));
        synchronized (sendLock) {
            int n = extraTracks.size();
            extraSequence = java.util.Arrays.copyOf(extraSequence, n);
            extraTimestamp = java.util.Arrays.copyOf(extraTimestamp, n);
            extraFirstSent = java.util.Arrays.copyOf(extraFirstSent, n);
            extraSequence[n - 1] = RANDOM.nextInt(0x10000);
            extraTimestamp[n - 1] = RANDOM.nextInt() & 0xffffffffL;
        }
        return extraTracks.size();
    }

    /** An ICE restart or a new certificate would need a new transport: refused (RFC 8829 §5.2.2). */
    private void sameTransport(WebRtcSdp.Remote r) throws WebRtcException {
        WebRtcSdp.Remote cur = remote;
        if (!cur.iceUfrag().equals(r.iceUfrag()) || !cur.icePwd().equals(r.icePwd())) {
            throw new WebRtcException("ICE restart (new ufrag) is not supported; make a new session");
        }
        if (!cur.fingerprint().equals(r.fingerprint())) {
            throw new WebRtcException("the remote DTLS fingerprint changed; make a new session");
        }
    }

    /**
     * RFC 8842 §5.5: a changed DTLS role needs a new DTLS association, which we do not make on a
     * live transport; a renegotiation that swaps the roles is refused (actpass leaves ours as is).
     */
    private void keepsDtlsRole(WebRtcSdp.Remote r) throws WebRtcException {
        boolean swapped = dtlsClient ? r.setup() == WebRtcSdp.Setup.ACTIVE : r.setup() == WebRtcSdp.Setup.PASSIVE;
        if (swapped) {
            throw new WebRtcException("the remote description says a=setup:" + r.setup().sdp() + " but we are already DTLS "
                    + (dtlsClient ? "client" : "server") + "; a DTLS role change needs a new session (RFC 8842 §5.5)");
        }
    }

    private void addCandidates(WebRtcSdp.Remote r) throws WebRtcException {
        for (WebRtcSdp.Candidate c : r.candidates()) addCandidate(c);
    }

    /** Adds a remote candidate once (re-offers repeat them). */
    private synchronized void addCandidate(WebRtcSdp.Candidate c) throws WebRtcException {
        if (!c.usable()) return; // TCP (LiveKit's ICE/TCP), mDNS, RTCP component
        if (!knownCandidates.add(c.address() + " " + c.port())) return;
        ice.addRemoteCandidate(c);
    }

    private void startWith(WebRtcSdp.Remote r) throws WebRtcException {
        remote = r;
        String sendMid = offerer ? mid : receiveOnly ? null : WebRtcSdp.sendMid(r, Set.of());
        WebRtcSdp.Media send = sendMid != null ? r.media(sendMid) : null;
        remotePt = send != null && send.opusPayloadType() >= 0 ? send.opusPayloadType() : r.opusPayloadType();
        // made now so that DTLS arriving before our ICE side completes is queued, not lost
        dtls = new DtlsEndpoint(dtlsClient, r.fingerprintAlgorithm(), r.fingerprint(),
                (int) Math.max(1000, config.connectTimeout().toMillis()), this::sendDtls);
        ice.setRemoteCredentials(r.iceUfrag(), r.icePwd());
        for (WebRtcSdp.Candidate c : r.candidates()) addCandidate(c);
        if (timeoutTask == null) armTimeout();
        move(SessionState.CHECKING);
        ice.start();
        log(false, "ICE {} started{}, {} remote candidates, DTLS {}, {} remote tracks",
                ice.isControlling() ? "controlling" : "controlled", r.iceLite() ? " (remote ICE-lite)" : "",
                r.candidates().size(), dtlsClient ? "client" : "server", tracks.tracks().size());
    }

    @Override
    public void addRemoteCandidate(String candidate, String sdpMid) throws WebRtcException {
        if (candidate == null || candidate.isBlank()) return; // end of candidates
        // RFC 8843 §10: every BUNDLEd m-line shares our one transport, whatever mid the candidate names
        addCandidate(WebRtcSdp.Candidate.parse(candidate));
    }

    @Override
    public List<RemoteTrack> remoteTracks() {
        return tracks.tracks();
    }

    @Override
    public List<TrickleCandidate> localCandidates() {
        // the BUNDLE tag: the first m-line of our description
        List<TrickleCandidate> out = new ArrayList<>();
        String tagMid = mid;
        int index = 0;
        WebRtcSdp.Remote r = remote;
        if (!offerer && r != null) {
            for (WebRtcSdp.Media m : r.media()) {
                if (m.mid() != null && takenMids.contains(m.mid())) { tagMid = m.mid(); index = m.index(); break; }
            }
        }
        for (WebRtcSdp.Candidate c : ice.localCandidates()) out.add(new TrickleCandidate(c.toSdp(), tagMid, index));
        return out;
    }

    @Override
    public String localTrackId() {
        return trackId;
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
        if (s == null || state.get() != SessionState.CONNECTED || remotePt < 0 || receiveOnly) {
            packet.release();
            return;
        }
        long ts;
        boolean protectedOk;
        synchronized (sendLock) {
            ts = timestamp;
            // RFC 7587 §4.1: marker only on the first packet of a talkspurt; we send continuously
            packet.writeHeader(remotePt, !firstSent, sequence, ts, ssrc, payloadLength);
            firstSent = true;
            sequence = (sequence + 1) & 0xffff;
            timestamp = (timestamp + rtpDuration) & 0xffffffffL;
            protectedOk = protect(s, packet);
        }
        if (!protectedOk) {
            packet.release();
            return;
        }
        rtcp.onRtpSent(payloadLength, ts, clock.nanoTime());
        // On a media thread the packet leaves with the rest of its tick (SendBatch says why).
        SendBatch batch = SendBatch.current();
        if (batch != null && batch.add(batchSender, packet, null)) return;
        transmit(packet, null);
    }

    /** Encrypts a packet whose header is written, in place (its length gains the tag); under {@code sendLock}. */
    private boolean protect(SrtpSession s, RtpPacket packet) {
        sendBuffer.wrap(packet.buffer(), 0, packet.length());
        if (!s.protectRtp(sendBuffer)) {
            sendFailures++;
            return false;
        }
        packet.setLength(sendBuffer.getLength());
        return true;
    }

    /** Sends an encrypted packet on the selected pair and releases it ({@link SendBatch.Sender}; no address: ICE's pair). */
    private void transmit(RtpPacket packet, InetSocketAddress unused) {
        try {
            synchronized (sendLock) {
                sendDatagram.setData(packet.buffer(), 0, packet.length());
                try {
                    if (!ice.send(sendDatagram)) sendFailures++;
                } catch (IOException e) {
                    sendFailures++;
                }
            }
        } finally {
            packet.release();
        }
    }

    /** Sends on an extra track from {@link #addSendTrack()} (index from 1); as {@link #sendAudio}, no RTCP. */
    void sendAudio(int track, RtpPacket packet, int payloadLength, int rtpDuration) {
        SrtpSession s = srtp;
        if (s == null || state.get() != SessionState.CONNECTED || remotePt < 0) {
            packet.release();
            return;
        }
        boolean protectedOk;
        synchronized (sendLock) {
            int i = track - 1;
            packet.writeHeader(remotePt, !extraFirstSent[i], extraSequence[i], extraTimestamp[i],
                    extraTracks.get(i).ssrc(), payloadLength);
            extraFirstSent[i] = true;
            extraSequence[i] = (extraSequence[i] + 1) & 0xffff;
            extraTimestamp[i] = (extraTimestamp[i] + rtpDuration) & 0xffffffffL;
            protectedOk = protect(s, packet);
        }
        if (protectedOk) {
            transmit(packet, null); // now, unbatched, as before
        } else {
            packet.release();
        }
    }

    @Override
    public DataChannel createDataChannel(String label, boolean ordered, int maxRetransmits) throws WebRtcException {
        SctpTransport s = sctp;
        if (s == null) throw new WebRtcException("this session has no data channel m-line (SCTP) negotiated or offered");
        if (state.get() == SessionState.CLOSED) throw new WebRtcException("the session is closed");
        if (label == null) throw new WebRtcException("a data channel needs a label");
        try {
            return s.createChannel(label, ordered, maxRetransmits);
        } catch (IllegalArgumentException e) {
            throw new WebRtcException(e.getMessage());
        }
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

    boolean isIceControlling() { return ice.isControlling(); }

    long droppedPackets() { return dropped; }

    // --- ICE events (ice4j threads) ---

    @Override
    public void onIceConnected() {
        if (!move(SessionState.DTLS)) return;
        iceConnectedAt = clock.nanoTime();
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
            log(false, "connected: DTLS {} done {} ms after ICE, SRTP {}", d.isClient() ? "client" : "server",
                    (clock.nanoTime() - iceConnectedAt) / 1_000_000, keys.profile());
            SctpTransport s = sctp;
            if (s != null) {
                d.onApplicationData((b, off, len) -> {
                    try {
                        s.receive(b, off, len);
                    } catch (RuntimeException e) {
                        LOG.warn("SCTP packet processing failed", e);
                    }
                });
                s.start(d.isClient());
            }
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

    /**
     * The receive path, on the ICE socket's reader thread (one call at a time): reads into a
     * pooled packet, demultiplexes (RFC 7983) and decrypts in place; an RTP packet's ownership
     * passes to the listener and the next datagram goes into a fresh one.
     */
    private final class Demux implements IceTransport.Receiver {
        private final PacketBuffer buffer = new PacketBuffer();
        private RtpPacket packet = pool.acquire();

        @Override
        public byte[] receiveBuffer() {
            return packet.buffer();
        }

        @Override
        public void onDatagram(int len) {
            if (state.get() == SessionState.CLOSED) return;
            try {
                demultiplex(len);
            } catch (RuntimeException e) {
                LOG.warn("receive path failed", e);
                fail("internal error: " + e);
            }
        }

        private void demultiplex(int len) {
            long now = clock.nanoTime();
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
                    if (s == null || !s.unprotectRtp(buffer.wrap(b, 0, len))) { dropped++; return; }
                    packet.setLength(buffer.getLength());
                    TrackTable t = tracks;
                    if (!packet.isValid() || !t.acceptsPayloadType(packet.payloadType())) { dropped++; return; }
                    packet.setArrivalNanos(now);
                    rtcp.onRtpReceived(packet.ssrc(), packet.sequence(), packet.timestamp(), now);
                    RtpPacket p = packet;
                    packet = pool.acquire(); // the next datagram's; p's ownership passes on
                    listener.onRtp(p, t.lookup(p.ssrc()));
                }
                case RTCP -> {
                    SrtpSession s = srtp;
                    if (s == null || !s.unprotectRtcp(buffer.wrap(b, 0, len))) { dropped++; return; }
                    rtcp.onRtcpReceived(b, 0, buffer.getLength(), now);
                }
                default -> dropped++;
            }
        }

        @Override
        public void onReceiveFailed(String reason) {
            if (state.get() != SessionState.CLOSED) fail(reason);
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
                    fail("ICE failed: no connectivity within " + secs + " s"
                            + (ice.remoteCandidateCount() == 0 ? " (no usable remote candidate was received)" : ""));
                } else if (s == SessionState.DTLS) {
                    fail("ICE failed: DTLS handshake did not complete within " + secs + " s");
                }
            } finally {
                MDC.remove("call");
            }
        }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    // --- state ---

    private boolean move(NegotiationState to) {
        while (true) {
            NegotiationState cur = negotiation.get();
            NegotiationState next = cur.next(to);
            if (next == null) return false;
            if (negotiation.compareAndSet(cur, next)) return true;
        }
    }

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
        SctpTransport sc = sctp;
        if (sc != null) sc.close(); // ABORT while DTLS is still up, then the channels are reported closed
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
