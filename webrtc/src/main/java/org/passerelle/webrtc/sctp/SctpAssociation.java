package org.passerelle.webrtc.sctp;

import static org.passerelle.webrtc.sctp.SctpPacket.pad4;
import static org.passerelle.webrtc.sctp.SctpPacket.put16;
import static org.passerelle.webrtc.sctp.SctpPacket.put32;
import static org.passerelle.webrtc.sctp.SctpPacket.u16;
import static org.passerelle.webrtc.sctp.SctpPacket.u32;
import static org.passerelle.webrtc.sctp.SctpPacket.u8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SCTP association (RFC 9260) as WebRTC uses it over DTLS (RFC 8261): one path, no
 * multihoming, no ECN, no AUTH; with FORWARD-TSN (RFC 3758) and stream resets (RFC 6525).
 * Sans I/O and not thread-safe: the owner feeds packets and timer ticks with the time, under
 * one lock, and gets packets and events through {@link Output}.
 */
public final class SctpAssociation {
    private static final Logger LOG = LoggerFactory.getLogger(SctpAssociation.class);

    public enum State {
        CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_PENDING, SHUTDOWN_SENT, SHUTDOWN_ACK_SENT
    }

    /** What the association produces; called synchronously from its methods. */
    public interface Output {
        /** One SCTP packet to send (over DTLS); the buffer is reused after the call. */
        void sendPacket(byte[] b, int off, int len);

        void onEstablished();

        void onMessage(int stream, int ppid, byte[] data);

        /** The peer reset these outgoing streams of its own (our incoming ones). */
        void onIncomingStreamsReset(int[] streams);

        /** Our reset request for these outgoing streams was answered. */
        void onOutgoingStreamsReset(int[] streams);

        /** The association ended (ABORT, SHUTDOWN, too many retransmissions); called once. */
        void onClosed(String reason);
    }

    /**
     * Settings. Times in nanoseconds.
     *
     * @param mtu           largest SCTP packet (below the DTLS record limit)
     * @param maxMessage    largest message accepted (bigger ones are dropped and counted)
     * @param streams       outbound and inbound streams we announce
     */
    public record Config(int port, int mtu, int maxMessage, int receiveBuffer, int sendBuffer, int streams,
                         long rtoInitial, long rtoMin, long rtoMax, int maxRetransmissions, long sackDelay) {
        public static Config defaults() {
            // RTO 300 ms initial, 150 ms minimum: browsers' values, not RFC 9260's 1 s (made for the open internet)
            return new Config(5000, 1100, 256 * 1024, 1024 * 1024, 1024 * 1024, 1024,
                    300_000_000L, 150_000_000L, 10_000_000_000L, 10, 200_000_000L);
        }

        public Config withStreams(int n) {
            return new Config(port, mtu, maxMessage, receiveBuffer, sendBuffer, n, rtoInitial, rtoMin, rtoMax,
                    maxRetransmissions, sackDelay);
        }

        public Config withMaxMessage(int n) {
            return new Config(port, mtu, n, receiveBuffer, sendBuffer, streams, rtoInitial, rtoMin, rtoMax,
                    maxRetransmissions, sackDelay);
        }
    }

    private static final long NEVER = Long.MAX_VALUE;
    private static final int MAX_INIT_RETRANSMISSIONS = 8;
    private static final long COOKIE_LIFETIME = 60_000_000_000L;
    private static final int COOKIE_BODY = 29;
    private static final int COOKIE_LENGTH = COOKIE_BODY + 32;

    private final Config config;
    private final Output out;
    private final long myTag;
    private final long myInitialTsn;
    private final byte[] cookieKey = new byte[32];
    private final byte[] packet;
    private int packetLen;
    private final SendQueue send;
    private final ReceiveQueue receive;

    private State state = State.CLOSED;
    private boolean terminated;
    private boolean peerStarted;
    private long peerTag;
    private int outboundStreams;
    private boolean peerForwardTsn;
    private byte[] cookieToEcho;

    // timers (absolute nanos, NEVER when stopped)
    private long t1 = NEVER, t3 = NEVER, sackTimer = NEVER, reconfigTimer = NEVER, t2 = NEVER;
    private int t1Count, t2Count, errorCount;
    private long rto, srtt = -1, rttvar;

    // pending output
    private final List<byte[]> control = new ArrayList<>();
    private boolean sackNow;
    private int dataPacketsUnacked;
    private boolean forwardTsnPending;
    private int depth;

    // stream reconfiguration (RFC 6525)
    private long ourReqSeq;
    private long peerReqSeq;
    private int lastResponse = ChunkType.RESULT_PERFORMED;
    private final Set<Integer> pendingResets = new LinkedHashSet<>();
    private int[] resetInFlight;
    private long resetInFlightSeq, resetInFlightLastTsn;
    private boolean sendResetRequest;
    private final List<long[]> responses = new ArrayList<>();
    private long deferredSeq = -1, deferredLastTsn;
    private int[] deferredStreams;

    // counters
    private long badPackets, fastRetransmits, t3Expiries;

    public SctpAssociation(Config config, Output out, Random random) {
        this.config = config;
        this.out = out;
        long tag;
        do { tag = random.nextInt() & 0xffffffffL; } while (tag == 0);
        this.myTag = tag;
        this.myInitialTsn = random.nextInt() & 0xffffffffL;
        random.nextBytes(cookieKey);
        this.packet = new byte[config.mtu()];
        this.send = new SendQueue(config.mtu(), config.sendBuffer());
        this.receive = new ReceiveQueue(config.receiveBuffer(), config.maxMessage(), config.streams(), out::onMessage);
        this.rto = config.rtoInitial();
        this.ourReqSeq = myInitialTsn;
    }

    public State state() { return state; }

    public boolean isEstablished() { return state == State.ESTABLISHED; }

    /** Streams we may send on: the smaller of ours and the peer's inbound count (§5.1.1). */
    public int outboundStreams() { return outboundStreams; }

    public Config config() { return config; }

    public long badPackets() { return badPackets; }

    public long fastRetransmits() { return fastRetransmits; }

    public long t3Expiries() { return t3Expiries; }

    /** The peer's cumulative TSN we acknowledge (unwrapped). */
    public long cumulativeTsnReceived() { return receive.cumulativeTsn(); }

    /** Messages dropped because they exceeded {@link Config#maxMessage()}. */
    public long droppedTooBig() { return receive.droppedTooBig(); }

    public int bufferedToSend() { return send.buffered(); }

    long myTag() { return myTag; }

    /** Sends INIT (RFC 9260 §5.1 A) unless already started. */
    public void connect(long now) {
        if (terminated || state != State.CLOSED) return;
        enter();
        state = State.COOKIE_WAIT;
        LOG.debug("SCTP: INIT sent");
        sendInit(now);
        exit(now);
    }

    /** {@link #connect} unless the peer already started (its INIT arrived): the DTLS server's fallback. */
    public void connectUnlessPeerStarted(long now) {
        if (!peerStarted) connect(now);
    }

    /** Queues one message; false when not established, the stream is out of range or the buffer is full. */
    public boolean send(int stream, int ppid, byte[] data, boolean ordered, int maxRetransmits, long now) {
        if (state != State.ESTABLISHED || stream >= outboundStreams) return false;
        if (data.length > config.maxMessage()) return false;
        enter();
        boolean ok = send.add(stream, ppid, data, ordered, peerForwardTsn ? maxRetransmits : -1);
        exit(now);
        return ok;
    }

    /** Asks the peer to reset these outgoing streams (RFC 6525 §5.1.2); done: {@link Output#onOutgoingStreamsReset}. */
    public void resetStreams(int[] streams, long now) {
        if (state != State.ESTABLISHED) return;
        enter();
        for (int s : streams) pendingResets.add(s);
        startResetRequest(now);
        exit(now);
    }

    /** Graceful close (RFC 9260 §9.2): SHUTDOWN once everything sent is acknowledged. */
    public void shutdown(long now) {
        if (state != State.ESTABLISHED) return;
        enter();
        state = State.SHUTDOWN_PENDING;
        exit(now);
    }

    /** Sends ABORT (§9.1) when there is a peer and ends the association. */
    public void abort(String reason) {
        if (terminated) return;
        if (peerTag != 0) {
            startPacket(peerTag);
            addChunk(new byte[] {(byte) ChunkType.ABORT, 0, 0, 4});
            emit();
        }
        terminate(reason);
    }

    /** Earliest timer deadline, or {@link Long#MAX_VALUE}. */
    public long nextTimeoutNanos() {
        if (terminated) return NEVER;
        return Math.min(Math.min(t1, t3), Math.min(Math.min(sackTimer, reconfigTimer), t2));
    }

    public void onTimer(long now) {
        if (terminated) return;
        enter();
        if (t1 <= now) onT1(now);
        if (!terminated && t3 <= now) onT3(now);
        if (sackTimer <= now) {
            sackTimer = NEVER;
            sackNow = true;
        }
        if (reconfigTimer <= now && resetInFlight != null) {
            reconfigTimer = now + rto;
            sendResetRequest = true;
        }
        if (!terminated && t2 <= now) {
            if (++t2Count > config.maxRetransmissions()) {
                terminate(state == State.SHUTDOWN_ACK_SENT ? "no SHUTDOWN COMPLETE" : "no SHUTDOWN ACK");
            } else if (state == State.SHUTDOWN_ACK_SENT) {
                // §9.2: T2-shutdown resends our SHUTDOWN ACK until SHUTDOWN COMPLETE arrives
                control.add(new byte[] {(byte) ChunkType.SHUTDOWN_ACK, 0, 0, 4});
                t2 = now + rto;
            } else {
                t2 = NEVER;
                state = State.SHUTDOWN_PENDING; // SHUTDOWN resent by flush
            }
        }
        exit(now);
    }

    private void onT1(long now) {
        if (++t1Count > MAX_INIT_RETRANSMISSIONS) {
            terminate("the peer never answered " + (state == State.COOKIE_WAIT ? "INIT" : "COOKIE ECHO"));
            return;
        }
        // RFC 9260 §6.3.3 E2 applied to T1: back off
        rto = Math.min(rto * 2, config.rtoMax());
        if (state == State.COOKIE_WAIT) sendInit(now);
        else if (state == State.COOKIE_ECHOED) {
            control.add(cookieEchoChunk());
            t1 = now + rto;
        } else t1 = NEVER;
    }

    private void onT3(long now) {
        t3 = NEVER;
        t3Expiries++;
        if (++errorCount > config.maxRetransmissions()) {
            terminate("the peer stopped acknowledging (" + errorCount + " retransmission timeouts)");
            return;
        }
        rto = Math.min(rto * 2, config.rtoMax()); // §6.3.3 E2
        send.onT3Expired();
        if (send.forwardTsnNeeded()) forwardTsnPending = true;
    }

    // --- input ---

    /** One packet from the peer (the plaintext of a DTLS record). */
    public void feed(byte[] b, int off, int len, long now) {
        if (terminated) return;
        if (len < SctpPacket.HEADER + 4 || !SctpPacket.checksumOk(b, off, len)) {
            badPackets++;
            return;
        }
        long tag = SctpPacket.verificationTag(b, off);
        int first = u8(b, off + SctpPacket.HEADER);
        int firstFlags = u8(b, off + SctpPacket.HEADER + 1);
        enter();
        try {
            if (first == ChunkType.INIT) {
                // §8.5.1 A: INIT has tag 0 and is alone in its packet
                if (tag != 0) { badPackets++; return; }
                handleInit(b, off + SctpPacket.HEADER, len - SctpPacket.HEADER, now);
                return;
            }
            boolean reflected = (first == ChunkType.ABORT || first == ChunkType.SHUTDOWN_COMPLETE)
                    && (firstFlags & ChunkType.FLAG_T) != 0;
            if (reflected ? tag != peerTag || peerTag == 0 : tag != myTag) {
                badPackets++; // §8.5: wrong verification tag, silently discarded
                return;
            }
            boolean data = false;
            int p = off + SctpPacket.HEADER, end = off + len;
            while (p + 4 <= end && !terminated) {
                int type = u8(b, p), flags = u8(b, p + 1), clen = u16(b, p + 2);
                if (clen < 4 || p + clen > end) { badPackets++; break; }
                // §5.1 E: DATA or SACK under our tag means the peer has our COOKIE ECHO: its COOKIE ACK was lost or is late
                if (state == State.COOKIE_ECHOED && (type == ChunkType.DATA || type == ChunkType.SACK)) establish();
                switch (type) {
                    case ChunkType.DATA -> { handleData(b, p, clen, flags); data = true; }
                    case ChunkType.INIT_ACK -> handleInitAck(b, p, clen, now);
                    case ChunkType.COOKIE_ECHO -> handleCookieEcho(b, p + 4, clen - 4, now);
                    case ChunkType.COOKIE_ACK -> {
                        if (state == State.COOKIE_ECHOED) establish();
                    }
                    case ChunkType.SACK -> handleSack(b, p, clen, now);
                    case ChunkType.HEARTBEAT -> {
                        byte[] ack = Arrays.copyOfRange(b, p, p + clen); // §8.3: echo the info back
                        ack[0] = (byte) ChunkType.HEARTBEAT_ACK;
                        ack[1] = 0;
                        control.add(ack);
                    }
                    case ChunkType.HEARTBEAT_ACK, ChunkType.ERROR -> { }
                    case ChunkType.ABORT -> terminate("aborted by the peer");
                    case ChunkType.SHUTDOWN -> handleShutdown(b, p, clen, now);
                    case ChunkType.SHUTDOWN_ACK -> {
                        if (state == State.SHUTDOWN_SENT || state == State.SHUTDOWN_PENDING) {
                            startPacket(peerTag);
                            addChunk(new byte[] {(byte) ChunkType.SHUTDOWN_COMPLETE, 0, 0, 4});
                            emit();
                            terminate("shut down");
                        }
                    }
                    case ChunkType.SHUTDOWN_COMPLETE -> {
                        if (state == State.SHUTDOWN_ACK_SENT) terminate("shut down by the peer");
                    }
                    case ChunkType.FORWARD_TSN -> { handleForwardTsn(b, p, clen); data = true; }
                    case ChunkType.RE_CONFIG -> handleReconfig(b, p, clen, now);
                    default -> {
                        // §3.2: the two high bits say whether to skip the unknown chunk or stop
                        if ((type & 0x80) == 0) p = end;
                    }
                }
                p += pad4(clen);
            }
            if (data) afterData(now);
        } finally {
            exit(now);
        }
    }

    private void handleInit(byte[] b, int p, int len, long now) {
        if (len < 20 || u16(b, p + 2) < 20) { badPackets++; return; }
        long initiateTag = u32(b, p + 4);
        int os = u16(b, p + 12), mis = u16(b, p + 14);
        if (initiateTag == 0 || os == 0 || mis == 0) { badPackets++; return; } // §3.3.2
        peerStarted = true;
        boolean fwd = parseForwardTsnSupport(b, p + 20, p + Math.min(len, u16(b, p + 2)));
        // §5.2.1/§5.2.2: whatever our state, answer with our own tag and TSN; the cookie carries
        // the peer's parameters, so we keep no state for it (a collision of INITs resolves itself)
        byte[] cookie = makeCookie(initiateTag, u32(b, p + 16), u32(b, p + 8), os, mis, fwd, now);
        startPacket(initiateTag);
        byte[] ack = initChunk(ChunkType.INIT_ACK, cookie);
        addChunk(ack);
        emit();
    }

    private void handleInitAck(byte[] b, int p, int clen, long now) {
        if (state != State.COOKIE_WAIT || clen < 20) return; // §5.2.3: otherwise discarded
        long initiateTag = u32(b, p + 4);
        int os = u16(b, p + 12), mis = u16(b, p + 14);
        if (initiateTag == 0 || os == 0 || mis == 0) return;
        byte[] cookie = null;
        for (int q = p + 20; q + 4 <= p + clen; ) {
            int type = u16(b, q), plen = u16(b, q + 2);
            if (plen < 4 || q + plen > p + clen) break;
            if (type == ChunkType.P_STATE_COOKIE) cookie = Arrays.copyOfRange(b, q + 4, q + plen);
            q += pad4(plen);
        }
        if (cookie == null) return;
        setPeer(initiateTag, u32(b, p + 16), u32(b, p + 8), os, mis, parseForwardTsnSupport(b, p + 20, p + clen));
        cookieToEcho = cookie;
        state = State.COOKIE_ECHOED;
        control.add(cookieEchoChunk());
        t1Count = 0;
        t1 = now + rto;
    }

    private void handleCookieEcho(byte[] b, int p, int len, long now) {
        if (len != COOKIE_LENGTH) return;
        byte[] mac = hmac(b, p, COOKIE_BODY);
        if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(b, p + COOKIE_BODY, p + COOKIE_LENGTH))) {
            badPackets++;
            return;
        }
        long cookiePeerTag = u32(b, p), cookieMyTag = u32(b, p + 16);
        long stamp = (u32(b, p + 20) << 32) | u32(b, p + 24);
        if (cookieMyTag != myTag || now - stamp > COOKIE_LIFETIME) return; // §5.1.5 3
        if (state == State.ESTABLISHED || state.ordinal() > State.ESTABLISHED.ordinal()) {
            // §5.2.4 (d): a repeated COOKIE ECHO of this association: acknowledge again. A restart is not supported.
            if (cookiePeerTag == peerTag) control.add(new byte[] {(byte) ChunkType.COOKIE_ACK, 0, 0, 4});
            return;
        }
        if (peerTag == 0) {
            setPeer(cookiePeerTag, u32(b, p + 4), u32(b, p + 8), u16(b, p + 12), u16(b, p + 14), b[p + 28] != 0);
        } else if (peerTag != cookiePeerTag) {
            return;
        }
        control.add(new byte[] {(byte) ChunkType.COOKIE_ACK, 0, 0, 4});
        establish();
    }

    private void setPeer(long tag, long initialTsn, long rwnd, int os, int mis, boolean fwd) {
        peerTag = tag;
        peerForwardTsn = fwd;
        outboundStreams = Math.min(config.streams(), mis);
        receive.init(initialTsn);
        send.init(myInitialTsn, rwnd);
        peerReqSeq = initialTsn; // RFC 6525 §3.1: request sequence numbers start at the initial TSN
    }

    private void establish() {
        state = State.ESTABLISHED;
        t1 = NEVER;
        rto = config.rtoInitial();
        LOG.debug("SCTP association established ({} outbound streams, FORWARD-TSN {})", outboundStreams,
                peerForwardTsn ? "yes" : "no");
        out.onEstablished();
    }

    private void handleData(byte[] b, int p, int clen, int flags) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_PENDING && state != State.SHUTDOWN_SENT) return;
        if (clen < 17) return; // §6.2: DATA without user data is an error; we just drop it
        ReceiveQueue.Result r = receive.onData(u32(b, p + 4), flags, u16(b, p + 8), u16(b, p + 10), (int) u32(b, p + 12),
                b, p + 16, clen - 16);
        switch (r) {
            case DUPLICATE, NO_SPACE -> sackNow = true; // §6.7 / §6.2: report at once
            case TOO_BIG -> LOG.warn("SCTP: a message over {} bytes was dropped", config.maxMessage());
            case INVALID_STREAM -> LOG.debug("SCTP: DATA on a stream we did not announce, dropped");
            default -> { }
        }
    }

    private void handleForwardTsn(byte[] b, int p, int clen) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_PENDING && state != State.SHUTDOWN_SENT) return;
        if (clen < 8) return;
        int n = (clen - 8) / 4;
        int[] streams = new int[n], ssns = new int[n];
        for (int i = 0; i < n; i++) {
            streams[i] = u16(b, p + 8 + 4 * i);
            ssns[i] = u16(b, p + 10 + 4 * i);
        }
        receive.onForwardTsn(u32(b, p + 4), streams, ssns);
        sackNow = true; // RFC 3758 §3.6: acknowledge the new cumulative TSN
    }

    /** §6.2: SACK at least every second packet with DATA, within 200 ms, at once when out of order. */
    private void afterData(long now) {
        if (++dataPacketsUnacked >= 2 || receive.hasGaps()) sackNow = true;
        else if (sackTimer == NEVER) sackTimer = now + config.sackDelay();
        performDeferredReset();
    }

    private void handleSack(byte[] b, int p, int clen, long now) {
        if (clen < 16 || state == State.CLOSED || state == State.COOKIE_WAIT) return;
        int gaps = u16(b, p + 12);
        if (16 + gaps * 4 > clen) return;
        int[] starts = new int[gaps], ends = new int[gaps];
        for (int i = 0; i < gaps; i++) {
            starts[i] = u16(b, p + 16 + 4 * i);
            ends[i] = u16(b, p + 18 + 4 * i);
        }
        SendQueue.SackResult r = send.onSack(u32(b, p + 4), u32(b, p + 8), starts, ends, now);
        if (r.rttNanos() >= 0) updateRto(r.rttNanos());
        if (r.fastRetransmit()) fastRetransmits++;
        if (r.advanced()) errorCount = 0;
        if (!send.hasInFlight()) t3 = NEVER;
        else if (r.advanced()) t3 = now + rto; // §6.3.2 R3
        if (send.forwardTsnNeeded()) forwardTsnPending = true;
    }

    /** RFC 9260 §6.3.1. */
    private void updateRto(long r) {
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.max(config.rtoMin(), Math.min(config.rtoMax(), srtt + 4 * rttvar));
    }

    private void handleShutdown(byte[] b, int p, int clen, long now) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_PENDING && state != State.SHUTDOWN_SENT) return;
        if (clen >= 8) send.onSack(u32(b, p + 4), config.receiveBuffer(), new int[0], new int[0], now);
        // §9.2: we stop sending new data; what is unacknowledged is given up, then SHUTDOWN ACK
        state = State.SHUTDOWN_ACK_SENT;
        t3 = NEVER;
        control.add(new byte[] {(byte) ChunkType.SHUTDOWN_ACK, 0, 0, 4});
        t2 = now + rto;
        t2Count = 0;
    }

    private void handleReconfig(byte[] b, int p, int clen, long now) {
        if (state != State.ESTABLISHED) return;
        for (int q = p + 4; q + 8 <= p + clen; ) {
            int type = u16(b, q), plen = u16(b, q + 2);
            if (plen < 8 || q + plen > p + clen) break;
            long seq = u32(b, q + 4);
            switch (type) {
                case ChunkType.P_OUTGOING_RESET -> {
                    if (plen < 16) break;
                    int[] streams = streamList(b, q + 16, plen - 16);
                    onPeerOutgoingReset(seq, u32(b, q + 12), streams);
                }
                case ChunkType.P_INCOMING_RESET -> {
                    int[] streams = streamList(b, q + 8, plen - 8);
                    int result;
                    if (seq == peerReqSeq) {
                        for (int s : streams) pendingResets.add(s);
                        peerReqSeq = (peerReqSeq + 1) & 0xffffffffL;
                        result = lastResponse = ChunkType.RESULT_NOTHING;
                        startResetRequest(now);
                    } else result = seq == ((peerReqSeq - 1) & 0xffffffffL) ? lastResponse : ChunkType.RESULT_BAD_SEQ;
                    responses.add(new long[] {seq, result});
                }
                case ChunkType.P_RECONFIG_RESPONSE -> {
                    if (plen < 12 || resetInFlight == null || seq != resetInFlightSeq) break;
                    int result = (int) u32(b, q + 8);
                    if (result == ChunkType.RESULT_IN_PROGRESS) break; // asked again when the timer fires
                    if (result != ChunkType.RESULT_PERFORMED && result != ChunkType.RESULT_NOTHING) {
                        LOG.debug("SCTP: stream reset answered with result {}", result);
                    }
                    int[] done = resetInFlight;
                    for (int s : done) send.resetStream(s);
                    resetInFlight = null;
                    reconfigTimer = NEVER;
                    out.onOutgoingStreamsReset(done);
                    startResetRequest(now);
                }
                default -> { }
            }
            q += pad4(plen);
        }
    }

    /** RFC 6525 §5.2.2: reset now if everything up to the peer's last TSN arrived, else defer. */
    private void onPeerOutgoingReset(long seq, long wireLastTsn, int[] streams) {
        if (seq != peerReqSeq) {
            boolean repeat = seq == ((peerReqSeq - 1) & 0xffffffffL);
            responses.add(new long[] {seq, repeat ? lastResponse
                    : deferredSeq == seq ? ChunkType.RESULT_IN_PROGRESS : ChunkType.RESULT_BAD_SEQ});
            return;
        }
        long last = Tsn.unwrap(wireLastTsn, receive.cumulativeTsn());
        if (last <= receive.cumulativeTsn()) {
            performReset(seq, streams);
        } else {
            deferredSeq = seq;
            deferredLastTsn = last;
            deferredStreams = streams;
            responses.add(new long[] {seq, ChunkType.RESULT_IN_PROGRESS});
        }
    }

    private void performDeferredReset() {
        if (deferredSeq >= 0 && deferredLastTsn <= receive.cumulativeTsn()) {
            long seq = deferredSeq;
            deferredSeq = -1;
            performReset(seq, deferredStreams);
        }
    }

    private void performReset(long seq, int[] streams) {
        receive.resetStreams(streams);
        peerReqSeq = (peerReqSeq + 1) & 0xffffffffL;
        lastResponse = ChunkType.RESULT_PERFORMED;
        responses.add(new long[] {seq, ChunkType.RESULT_PERFORMED});
        out.onIncomingStreamsReset(streams);
    }

    private void startResetRequest(long now) {
        if (resetInFlight != null || pendingResets.isEmpty() || state != State.ESTABLISHED) return;
        resetInFlight = pendingResets.stream().mapToInt(Integer::intValue).limit(256).toArray();
        for (int s : resetInFlight) pendingResets.remove(s);
        resetInFlightSeq = ourReqSeq;
        ourReqSeq = (ourReqSeq + 1) & 0xffffffffL;
        resetInFlightLastTsn = send.lastAssignedTsn();
        sendResetRequest = true;
        reconfigTimer = now + rto;
    }

    private static int[] streamList(byte[] b, int p, int len) {
        int[] s = new int[Math.max(0, len / 2)];
        for (int i = 0; i < s.length; i++) s[i] = u16(b, p + 2 * i);
        return s;
    }

    private boolean parseForwardTsnSupport(byte[] b, int from, int to) {
        for (int q = from; q + 4 <= to; ) {
            int type = u16(b, q), plen = u16(b, q + 2);
            if (plen < 4 || q + plen > to) break;
            if (type == ChunkType.P_FORWARD_TSN_SUPPORTED) return true;
            if (type == ChunkType.P_SUPPORTED_EXTENSIONS) {
                for (int i = q + 4; i < q + plen; i++) if (u8(b, i) == ChunkType.FORWARD_TSN) return true;
            }
            q += pad4(plen);
        }
        return false;
    }

    // --- output ---

    private void enter() { depth++; }

    /** The outermost call sends what is pending. */
    private void exit(long now) {
        if (--depth == 0 && !terminated) flush(now);
    }

    private void flush(long now) {
        if (peerTag == 0) return;
        startPacket(peerTag);
        for (byte[] c : control) addOrEmit(c, 0, c.length);
        control.clear();
        boolean up = state == State.ESTABLISHED || state == State.SHUTDOWN_PENDING || state == State.SHUTDOWN_SENT;
        if (sackNow && up || sackNow && state == State.SHUTDOWN_ACK_SENT) {
            sackNow = false;
            sackTimer = NEVER;
            dataPacketsUnacked = 0;
            if (packetLen + 16 + 64 > config.mtu()) emit();
            packetLen += receive.writeSack(packet, packetLen, config.mtu() - packetLen);
        }
        if (forwardTsnPending && up) {
            forwardTsnPending = false;
            if (packetLen + 64 > config.mtu()) emit();
            packetLen += send.writeForwardTsn(packet, packetLen, config.mtu() - packetLen);
            if (t3 == NEVER) t3 = now + rto; // the FORWARD-TSN is resent until acknowledged
        }
        if ((sendResetRequest || !responses.isEmpty()) && state == State.ESTABLISHED) addReconfig();
        if (up) {
            boolean first = true;
            SendQueue.Chunk c;
            while ((c = send.next(first)) != null) {
                int need = pad4(16 + c.len);
                if (packetLen + need > config.mtu()) emit();
                int q = packetLen;
                packet[q] = (byte) ChunkType.DATA;
                packet[q + 1] = (byte) c.flags;
                put16(packet, q + 2, 16 + c.len);
                put32(packet, q + 4, Tsn.wire(c.tsn));
                put16(packet, q + 8, c.stream);
                put16(packet, q + 10, c.ssn);
                put32(packet, q + 12, c.ppid & 0xffffffffL);
                System.arraycopy(c.data, c.off, packet, q + 16, c.len);
                for (int i = q + 16 + c.len; i < q + need; i++) packet[i] = 0;
                packetLen += need;
                send.sent(c, now);
                if (t3 == NEVER) t3 = now + rto; // §6.3.2 R1
                first = false;
            }
        }
        emit();
        if (state == State.SHUTDOWN_PENDING && send.isEmpty()) {
            state = State.SHUTDOWN_SENT;
            startPacket(peerTag);
            byte[] s = new byte[8];
            s[0] = (byte) ChunkType.SHUTDOWN;
            put16(s, 2, 8);
            put32(s, 4, Tsn.wire(receive.cumulativeTsn()));
            addChunk(s);
            emit();
            t2 = now + rto;
        }
    }

    private void addReconfig() {
        int start = packetLen;
        int need = 4 + (sendResetRequest ? 16 + pad4(2 * resetInFlight.length) : 0) + 12 * responses.size();
        if (packetLen + need > config.mtu()) { emit(); start = packetLen; }
        if (need > config.mtu() - packetLen) { responses.clear(); return; }
        int q = start + 4;
        if (sendResetRequest) {
            sendResetRequest = false;
            int plen = 16 + 2 * resetInFlight.length;
            put16(packet, q, ChunkType.P_OUTGOING_RESET);
            put16(packet, q + 2, plen);
            put32(packet, q + 4, resetInFlightSeq);
            put32(packet, q + 8, (peerReqSeq - 1) & 0xffffffffL);
            put32(packet, q + 12, Tsn.wire(resetInFlightLastTsn));
            for (int i = 0; i < resetInFlight.length; i++) put16(packet, q + 16 + 2 * i, resetInFlight[i]);
            if ((plen & 3) != 0) put16(packet, q + plen, 0);
            q += pad4(plen);
        }
        for (long[] r : responses) {
            put16(packet, q, ChunkType.P_RECONFIG_RESPONSE);
            put16(packet, q + 2, 12);
            put32(packet, q + 4, r[0]);
            put32(packet, q + 8, r[1]);
            q += 12;
        }
        responses.clear();
        packet[start] = (byte) ChunkType.RE_CONFIG;
        packet[start + 1] = 0;
        put16(packet, start + 2, q - start);
        packetLen = q;
    }

    private void sendInit(long now) {
        startPacket(0);
        addChunk(initChunk(ChunkType.INIT, null));
        emit();
        t1 = now + rto;
    }

    /** INIT or INIT ACK (§3.3.2, §3.3.3) with our extensions: FORWARD-TSN (RFC 3758 §3.3.1), RE-CONFIG. */
    private byte[] initChunk(int type, byte[] cookie) {
        int len = 20 + 8 + 4 + (cookie != null ? pad4(4 + cookie.length) : 0);
        byte[] c = new byte[len];
        c[0] = (byte) type;
        put16(c, 2, len);
        put32(c, 4, myTag);
        put32(c, 8, config.receiveBuffer());
        put16(c, 12, config.streams());
        put16(c, 14, config.streams());
        put32(c, 16, myInitialTsn);
        put16(c, 20, ChunkType.P_SUPPORTED_EXTENSIONS);
        put16(c, 22, 6);
        c[24] = (byte) ChunkType.FORWARD_TSN;
        c[25] = (byte) ChunkType.RE_CONFIG;
        put16(c, 28, ChunkType.P_FORWARD_TSN_SUPPORTED);
        put16(c, 30, 4);
        if (cookie != null) {
            put16(c, 32, ChunkType.P_STATE_COOKIE);
            put16(c, 34, 4 + cookie.length);
            System.arraycopy(cookie, 0, c, 36, cookie.length);
        }
        return c;
    }

    private byte[] cookieEchoChunk() {
        byte[] c = new byte[pad4(4 + cookieToEcho.length)];
        c[0] = (byte) ChunkType.COOKIE_ECHO;
        put16(c, 2, 4 + cookieToEcho.length);
        System.arraycopy(cookieToEcho, 0, c, 4, cookieToEcho.length);
        return c;
    }

    /** The state cookie (§5.1.3): the peer's INIT parameters, our tag, a time stamp, an HMAC. */
    private byte[] makeCookie(long tag, long initialTsn, long rwnd, int os, int mis, boolean fwd, long now) {
        byte[] c = new byte[COOKIE_LENGTH];
        put32(c, 0, tag);
        put32(c, 4, initialTsn);
        put32(c, 8, rwnd);
        put16(c, 12, os);
        put16(c, 14, mis);
        put32(c, 16, myTag);
        put32(c, 20, now >>> 32);
        put32(c, 24, now & 0xffffffffL);
        c[28] = (byte) (fwd ? 1 : 0);
        System.arraycopy(hmac(c, 0, COOKIE_BODY), 0, c, COOKIE_BODY, 32);
        return c;
    }

    private byte[] hmac(byte[] b, int off, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cookieKey, "HmacSHA256"));
            mac.update(b, off, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private long packetTag;

    private void startPacket(long tag) {
        packetTag = tag;
        packetLen = SctpPacket.HEADER;
    }

    private void addChunk(byte[] c) {
        addOrEmit(c, 0, c.length);
    }

    private void addOrEmit(byte[] c, int off, int len) {
        int padded = pad4(len);
        if (packetLen + padded > config.mtu()) emit();
        if (SctpPacket.HEADER + padded > config.mtu()) return;
        System.arraycopy(c, off, packet, packetLen, len);
        for (int i = packetLen + len; i < packetLen + padded; i++) packet[i] = 0;
        packetLen += padded;
    }

    /** Sends the packet being built, if it has chunks, and starts the next one. */
    private void emit() {
        if (packetLen <= SctpPacket.HEADER) return;
        SctpPacket.writeHeader(packet, 0, config.port(), config.port(), packetTag);
        SctpPacket.seal(packet, 0, packetLen);
        out.sendPacket(packet, 0, packetLen);
        packetLen = SctpPacket.HEADER;
    }

    private void terminate(String reason) {
        if (terminated) return;
        terminated = true;
        state = State.CLOSED;
        t1 = t3 = sackTimer = reconfigTimer = t2 = NEVER;
        LOG.debug("SCTP association closed: {}", reason);
        out.onClosed(reason);
    }
}
