package org.passerelle.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.passerelle.sip.rtp.RtpLeg;
import org.passerelle.sip.sdp.LocalDescription;
import org.passerelle.sip.sdp.LocalMedia;
import org.passerelle.sip.sdp.MediaDirection;
import org.passerelle.sip.sdp.MediaPlan;
import org.passerelle.sip.sdp.Negotiation;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One inbound call: its INVITE transaction, dialog, offer/answer state and RTP leg. Every change
 * of state runs on the call's serial executor; getters read volatile snapshots.
 */
final class SipCall implements SipLeg, RtpLeg.Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(SipCall.class);
    private static final int POOL_SIZE = 64;
    private static final Listener NO_LISTENER = new Listener() {
        @Override public void onRtp(RtpPacket packet) { packet.release(); }
        @Override public void onEnded(EndReason reason) {}
    };

    private final SipServer server;
    private final ServerTransaction inviteTransaction;
    private final Request invite;
    private final String callId;
    private final String localTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final SerialExecutor executor;
    private final RtpLeg rtp;
    private final RtpPacketPool pool = new RtpPacketPool(POOL_SIZE);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final String advertised;
    /** The inbound trunk the INVITE came through, or null for a direct call. */
    private final String trunk;

    // Owned by the executor.
    private CallState state = CallState.INCOMING;
    /** Our offer awaits the answer in the ACK (late offer, RFC 3261 §13.2.1). */
    private boolean awaitingAnswer;
    /** CSeq of the INVITE whose 200 waits for its ACK; the ACK carries the same number (§17.1.1.3). */
    private long ackCseq = -1;
    private final LocalDescription local;

    private volatile Listener listener = NO_LISTENER;
    private volatile MediaPlan plan;
    private volatile boolean held;

    private SipCall(SipServer server, ServerTransaction st, Request invite, MediaPlan offerPlan, String trunk)
            throws IOException {
        this.server = server;
        this.trunk = trunk;
        this.inviteTransaction = st;
        this.invite = invite;
        this.callId = ((javax.sip.header.CallIdHeader) invite.getHeader("Call-ID")).getCallId();
        this.executor = new SerialExecutor(server.callThreads);
        this.advertised = server.advertisedAddress(invite);
        this.rtp = RtpLeg.open(server.rtpGroup, server.rtpBindAddress, server.rtpPorts, server.clock,
                server.config.rtpTimeout(), pool, this);
        long sessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        this.local = new LocalDescription(new LocalMedia(advertised, rtp.localPort(), sessionId, sessionId));
        this.plan = offerPlan;
        this.held = offerPlan != null && offerPlan.held();
    }

    static SipCall create(SipServer server, ServerTransaction st, Request invite, MediaPlan offerPlan)
            throws IOException {
        return new SipCall(server, st, invite, offerPlan, null);
    }

    /** A call that came through {@code trunk} (null: a direct call). */
    static SipCall create(SipServer server, ServerTransaction st, Request invite, MediaPlan offerPlan, String trunk)
            throws IOException {
        return new SipCall(server, st, invite, offerPlan, trunk);
    }

    /** Hands the call to the application. */
    void start() {
        server.rtpGroup.schedule(() -> run(() -> {
            if (!state.pending()) return;
            LOG.info("no answer within {}", server.answerTimeout);
            hangupNow(CallEvent.HANGUP);
        }), server.answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        run(() -> {
            try {
                server.handler.onIncomingCall(this);
            } catch (RuntimeException e) {
                LOG.warn("call handler failed", e);
                if (state.pending()) {
                    finalResponse(Response.SERVER_INTERNAL_ERROR, null);
                    end(CallEvent.ERROR);
                }
            }
        });
    }

    // ---- SipLeg ----

    @Override public String callId() { return callId; }

    @Override
    public String requestUser() {
        URI uri = invite.getRequestURI();
        return uri instanceof SipURI s ? s.getUser() : null;
    }

    @Override
    public String fromUser() {
        URI uri = ((FromHeader) invite.getHeader(FromHeader.NAME)).getAddress().getURI();
        return uri instanceof SipURI s ? s.getUser() : null;
    }

    @Override
    public String fromDisplayName() {
        return ((FromHeader) invite.getHeader(FromHeader.NAME)).getAddress().getDisplayName();
    }

    @Override
    public InetSocketAddress remoteSignallingAddress() {
        var m = (gov.nist.javax.sip.message.SIPMessage) invite;
        InetAddress a = m.getPeerPacketSourceAddress() != null ? m.getPeerPacketSourceAddress() : m.getRemoteAddress();
        int port = m.getPeerPacketSourcePort() > 0 ? m.getPeerPacketSourcePort() : m.getRemotePort();
        return a == null ? null : new InetSocketAddress(a, port);
    }

    @Override public String trunk() { return trunk; }

    /** The phone's TLS connection, where our requests in this call go; null when not over TLS. */
    javax.sip.address.Hop flow() {
        if (!"tls".equals(SipServer.transportOf(invite))) return null;
        InetSocketAddress a = remoteSignallingAddress();
        return a == null ? null : new gov.nist.javax.sip.stack.HopImpl(a.getAddress().getHostAddress(), a.getPort(), "tls");
    }

    @Override
    public String header(String name) {
        javax.sip.header.Header h = invite.getHeader(name);
        if (h == null) return null;
        return h instanceof javax.sip.header.ExtensionHeader e ? e.getValue()
                : h.toString().substring(h.toString().indexOf(':') + 1).trim();
    }

    @Override public Executor executor() { return executor; }

    @Override
    public void setListener(Listener l) {
        this.listener = l == null ? NO_LISTENER : l;
    }

    @Override
    public void ringing() {
        run(() -> {
            if (!transition(CallEvent.RING)) return;
            Response r = responseTo(invite, Response.RINGING);
            if (r != null) send(r);
        });
    }

    @Override
    public boolean earlyMedia() {
        MediaPlan p = plan;
        if (p == null) return false; // late offer: no SDP of the phone's to answer in a 183
        run(() -> {
            if (state.next(CallEvent.PROGRESS) == null) return;
            String sdp = localSdp(l -> server.negotiator.answer(p, l));
            Response r = responseTo(invite, Response.SESSION_PROGRESS);
            if (r == null || !attachSdp(r, sdp) || !send(r)) return; // the caller just hears nothing
            transition(CallEvent.PROGRESS);
            applyPlan(p, true);
            LOG.info("early media: {}/{}", p.codec(), p.payloadType());
        });
        return true;
    }

    @Override
    public void answer() {
        run(() -> {
            if (state.next(CallEvent.ANSWER) == null) return;
            MediaPlan p = plan;
            String sdp;
            if (p == null) {
                // Late offer: our 200 offers, the ACK answers (RFC 3261 §13.2.1, RFC 3264 §5).
                sdp = localSdp(l -> server.negotiator.offer(l, MediaDirection.SENDRECV));
                awaitingAnswer = true;
            } else {
                sdp = localSdp(l -> server.negotiator.answer(p, l));
            }
            Response r = responseTo(invite, Response.OK);
            if (r == null || !attachSdp(r, sdp)) {
                finalResponse(Response.SERVER_INTERNAL_ERROR, null);
                end(CallEvent.ERROR);
                return;
            }
            if (!send(r)) {
                end(CallEvent.ERROR);
                return;
            }
            transition(CallEvent.ANSWER);
            ackCseq = cseq(invite);
            if (p != null) applyPlan(p, true);
            LOG.info("answered: {}{}", p == null ? "late offer" : p.codec() + "/" + p.payloadType(),
                    p != null && p.srtp() != null ? " SRTP " + p.srtp().suite() : "");
        });
    }

    @Override
    public void reject(int statusCode, String reason) {
        if (statusCode < 300 || statusCode > 699) throw new IllegalArgumentException("not an error: " + statusCode);
        run(() -> {
            if (state.next(CallEvent.REJECT) == null) return;
            finalResponse(statusCode, reason);
            LOG.info("rejected {} {}", statusCode, reason == null ? "" : reason);
            end(CallEvent.REJECT);
        });
    }

    @Override
    public void hangup() {
        run(() -> hangupNow(CallEvent.HANGUP));
    }

    @Override
    public AudioCodec codec() {
        MediaPlan p = plan;
        return p != null ? p.codec() : server.config.codecs().getFirst();
    }

    @Override
    public int ptimeMs() {
        MediaPlan p = plan;
        return p != null ? p.ptimeMs() : 20;
    }

    @Override public boolean onHold() { return held; }

    @Override public RtpPacketPool packetPool() { return pool; }

    @Override
    public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
        rtp.sendAudio(packet, payloadLength, rtpDuration);
    }

    @Override
    public boolean sendDtmf(char digit, int durationMs) {
        return rtp.sendDtmf(digit, durationMs);
    }

    // ---- RtpLeg.Receiver ----

    @Override
    public void onAudio(RtpPacket packet) {
        listener.onRtp(packet);
    }

    @Override
    public void onDtmf(char key, int durationMs) {
        run(() -> {
            if (state == CallState.TERMINATED) return;
            listener.onDtmf(key, durationMs);
        });
    }

    @Override
    public void onTimeout() {
        run(() -> {
            if (held || (state != CallState.CONFIRMED && state != CallState.UPDATING)) return;
            LOG.info("no RTP for {}", server.config.rtpTimeout());
            hangupNow(CallEvent.RTP_TIMEOUT);
        });
    }

    /** The RTP leg, for tests. */
    RtpLeg rtpLeg() {
        return rtp;
    }

    // ---- from the router ----

    void onAck(Request ack) {
        run(() -> {
            CallState before = state;
            if (state.next(CallEvent.ACK) == null || cseq(ack) != ackCseq) {
                // A retransmitted ACK, or the late ACK of an exchange a newer re-INVITE completed.
                LOG.debug("ACK {} ignored in {}", cseq(ack), state);
                return;
            }
            if (awaitingAnswer) {
                awaitingAnswer = false;
                byte[] body = ack.getRawContent();
                Negotiation n = body == null || body.length == 0 ? new Negotiation.Malformed("no answer in ACK")
                        : server.negotiator.acceptAnswer(new String(body, StandardCharsets.UTF_8));
                if (!(n instanceof Negotiation.Accepted a)) {
                    // An ACK without a usable answer leaves no session: end it (RFC 3261 §13.2.1).
                    LOG.info("ACK without a usable answer: {}", n);
                    transition(CallEvent.ACK);
                    hangupNow(CallEvent.ERROR);
                    return;
                }
                transition(CallEvent.ACK);
                applyPlan(a.plan(), before == CallState.ANSWERED);
            } else {
                transition(CallEvent.ACK);
            }
            if (before == CallState.ANSWERED) {
                if (!held) rtp.watchActivity();
                LOG.info("established");
                listener.onEstablished();
            }
        });
    }

    void onReInvite(ServerTransaction st, Request request) {
        run(() -> {
            if (state == CallState.UPDATING && !awaitingAnswer) {
                // Our 200 to the previous re-INVITE was sent; its ACK may still be on its way on
                // another stack thread. A new offer implies the old exchange completed.
                transition(CallEvent.ACK);
            }
            if (state != CallState.CONFIRMED) {
                // An INVITE still in progress on this dialog: RFC 3261 §14.2, 500 with Retry-After.
                Response r = responseTo(request, Response.SERVER_INTERNAL_ERROR);
                if (r != null) {
                    try {
                        r.addHeader(server.headerFactory.createRetryAfterHeader(1 + ThreadLocalRandom.current().nextInt(10)));
                    } catch (Exception ignored) {
                        // Retry-After is advice only.
                    }
                    send(st, r);
                }
                return;
            }
            byte[] body = request.getRawContent();
            String sdp;
            MediaPlan newPlan = null;
            if (body != null && body.length > 0) {
                MediaPlan current = plan;
                Negotiation n = server.negotiator.answerOffer(new String(body, StandardCharsets.UTF_8),
                        current == null ? null : current.codec(), server.srtpMode(invite),
                        current == null || current.srtp() == null ? null : current.srtp().local());
                if (n instanceof Negotiation.Accepted a) {
                    newPlan = a.plan();
                    MediaPlan np = newPlan;
                    sdp = localSdp(l -> server.negotiator.answer(np, l));
                } else {
                    // The old session stays as it was (RFC 3261 §14.2).
                    int status = n instanceof Negotiation.Malformed ? Response.BAD_REQUEST : Response.NOT_ACCEPTABLE_HERE;
                    Response r = responseTo(request, status);
                    if (r != null) {
                        if (n instanceof Negotiation.NotAcceptable na) {
                            try {
                                r.addHeader(server.headerFactory.createWarningHeader(advertised, na.warningCode(),
                                        na.warningText()));
                            } catch (Exception ignored) {
                                // The status says enough.
                            }
                        }
                        send(st, r);
                    }
                    return;
                }
            } else {
                // Re-INVITE without SDP: we offer, the ACK answers (RFC 3261 §14.2).
                sdp = localSdp(l -> server.negotiator.offer(l, MediaDirection.SENDRECV));
                awaitingAnswer = true;
            }
            Response r = responseTo(request, Response.OK);
            if (r == null || !attachSdp(r, sdp) || !send(st, r)) {
                awaitingAnswer = false;
                return;
            }
            transition(CallEvent.REINVITE);
            ackCseq = cseq(request);
            if (newPlan != null) applyPlan(newPlan, false);
        });
    }

    /** INFO in our dialog: DTMF by application/dtmf-relay or application/dtmf. */
    void onInfo(ServerTransaction st, Request request) {
        run(() -> {
            String toTag = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag();
            if (state == CallState.TERMINATED || !localTag.equals(toTag)) {
                Response r = responseTo(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                if (r != null) send(st, r);
                return;
            }
            ContentTypeHeader ct = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
            byte[] body = request.getRawContent();
            DtmfInfo.Result result = DtmfInfo.parse(ct == null ? null : ct.getContentType() + "/" + ct.getContentSubType(),
                    body == null ? null : new String(body, StandardCharsets.UTF_8));
            int status = switch (result) {
                case DtmfInfo.Digit d -> Response.OK;
                case DtmfInfo.Empty e -> Response.OK;
                case DtmfInfo.Unsupported u -> Response.UNSUPPORTED_MEDIA_TYPE;
                case DtmfInfo.Malformed m -> Response.BAD_REQUEST;
            };
            Response r = responseTo(request, status);
            if (r != null) {
                try {
                    if (status == Response.UNSUPPORTED_MEDIA_TYPE) {
                        for (String type : DtmfInfo.ACCEPT) {
                            String[] t = type.split("/");
                            r.addHeader(server.headerFactory.createAcceptHeader(t[0], t[1]));
                        }
                    }
                } catch (java.text.ParseException ignored) {
                    // The status says enough.
                }
                send(st, r);
            }
            if (result instanceof DtmfInfo.Digit d) {
                // The digit itself is not logged: it may be part of a PIN.
                LOG.debug("DTMF key by INFO");
                listener.onDtmf(d.digit(), d.durationMs());
            } else if (!(result instanceof DtmfInfo.Empty)) {
                LOG.info("INFO refused: {}", result);
            }
        });
    }

    void onBye(ServerTransaction st) {
        run(() -> {
            if (state.next(CallEvent.BYE_RECEIVED) == null) {
                Response r = responseTo(st.getRequest(), Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                if (r != null) send(st, r);
                return;
            }
            Response r = responseTo(st.getRequest(), Response.OK);
            if (r != null) send(st, r);
            LOG.info("BYE received");
            end(CallEvent.BYE_RECEIVED);
        });
    }

    void onCancel(ServerTransaction st) {
        run(() -> {
            // 200 for the CANCEL whatever happens to the INVITE (RFC 3261 §9.2).
            Response ok = responseTo(st.getRequest(), Response.OK);
            if (ok != null) send(st, ok);
            if (state.next(CallEvent.CANCEL_RECEIVED) == null) return;
            finalResponse(Response.REQUEST_TERMINATED, null);
            LOG.info("cancelled");
            end(CallEvent.CANCEL_RECEIVED);
        });
    }

    void onAckTimeout() {
        run(() -> {
            if (state.next(CallEvent.ACK_TIMEOUT) == null) return;
            LOG.info("no ACK for our 200");
            // RFC 3261 §13.3.1.4: no ACK, the UAS SHOULD end the dialog with BYE.
            sendBye();
            end(CallEvent.ACK_TIMEOUT);
        });
    }

    /** Gateway shutdown. */
    void shutdown() {
        run(() -> {
            if (state == CallState.TERMINATED) return;
            if (state.answered()) {
                sendBye();
            } else {
                finalResponse(Response.SERVICE_UNAVAILABLE, null);
            }
            end(CallEvent.ERROR);
        });
    }

    boolean awaitEnd(long timeout, TimeUnit unit) {
        try {
            return ended.await(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- internals, on the executor ----

    private void hangupNow(CallEvent why) {
        if (state == CallState.TERMINATED) return;
        if (state.answered()) {
            sendBye();
        } else {
            // Before answer, hanging up is a final error response (RFC 3261 §13.3.1).
            finalResponse(Response.TEMPORARILY_UNAVAILABLE, null);
        }
        LOG.info("hung up ({})", why);
        end(why);
    }

    /** Applies a negotiated plan to the RTP leg and reports hold changes. */
    private void applyPlan(MediaPlan p, boolean initial) {
        boolean wasHeld = held;
        plan = p;
        held = p.held();
        boolean protectedAsAgreed = true;
        try {
            rtp.configureSrtp(p.srtp());
        } catch (java.security.GeneralSecurityException e) {
            // Never in clear what was agreed encrypted: we stay silent instead.
            LOG.warn("SRTP not set up, not sending: {}", e.toString());
            protectedAsAgreed = false;
        }
        rtp.configure(p.payloadType(), p.telephoneEventPayloadType(), p.remoteRtp(), p.weSend() && protectedAsAgreed);
        rtp.configureDtmf(p.codec().rtpClockRate(), p.telephoneEventRate());
        boolean up = state == CallState.CONFIRMED || state == CallState.UPDATING;
        if (held) {
            rtp.pauseActivityWatch();
        } else if (wasHeld && up) {
            rtp.watchActivity();
        }
        if (!initial && wasHeld != held) {
            LOG.info(held ? "put on hold" : "resumed");
            listener.onHoldChanged(held);
        }
    }

    /** Our SDP, its o= version bumped only when the description changed (RFC 3264 §8). */
    private String localSdp(java.util.function.Function<LocalMedia, String> build) {
        return local.next(build);
    }

    private static long cseq(Request r) {
        javax.sip.header.CSeqHeader c = (javax.sip.header.CSeqHeader) r.getHeader(javax.sip.header.CSeqHeader.NAME);
        return c == null ? -2 : c.getSeqNumber();
    }

    private boolean transition(CallEvent event) {
        CallState next = state.next(event);
        if (next == null) {
            LOG.debug("{} ignored in {}", event, state);
            return false;
        }
        state = next;
        return true;
    }

    private void end(CallEvent event) {
        if (state == CallState.TERMINATED) return;
        state = CallState.TERMINATED;
        rtp.close();
        server.ended(this);
        ended.countDown();
        SipLeg.EndReason reason = event.endReason() != null ? event.endReason() : SipLeg.EndReason.ERROR;
        LOG.info("ended: {}", reason);
        try {
            listener.onEnded(reason);
        } catch (RuntimeException e) {
            LOG.warn("onEnded failed", e);
        }
    }

    private void finalResponse(int status, String reason) {
        Response r = responseTo(invite, status);
        if (r == null) return;
        try {
            if (reason != null && !reason.isBlank()) r.setReasonPhrase(reason);
        } catch (java.text.ParseException ignored) {
            // Keep the standard phrase.
        }
        send(r);
    }

    /** A response carrying our To tag and, for dialog-creating ones, our Contact (RFC 3261 §12.1.1). */
    private Response responseTo(Request request, int status) {
        try {
            Response r = server.response(status, request);
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (status > 100 && to.getTag() == null) to.setTag(localTag);
            if (status < 300 && Request.INVITE.equals(request.getMethod())) r.setHeader(contact(request));
            return r;
        } catch (Exception e) {
            LOG.warn("cannot build {}: {}", status, e.toString());
            return null;
        }
    }

    private ContactHeader contact(Request request) throws java.text.ParseException {
        SipURI uri = server.addressFactory.createSipURI(null, advertised);
        String transport = SipServer.transportOf(request);
        uri.setPort(server.config.port(transport));
        if (!"udp".equals(transport)) uri.setTransportParam(transport);
        // A sips: Request-URI asks for TLS on every hop: our Contact is sips: too (RFC 3261 §8.1.1.8).
        if (request.getRequestURI().isSipURI() && ((SipURI) request.getRequestURI()).isSecure()) uri.setSecure(true);
        Address a = server.addressFactory.createAddress(uri);
        return server.headerFactory.createContactHeader(a);
    }

    private boolean attachSdp(Response r, String sdp) {
        try {
            ContentTypeHeader ct = server.headerFactory.createContentTypeHeader("application", "sdp");
            r.setContent(sdp.getBytes(StandardCharsets.UTF_8), ct);
            return true;
        } catch (Exception e) {
            LOG.warn("cannot attach SDP: {}", e.toString());
            return false;
        }
    }

    private boolean send(Response r) {
        return send(inviteTransaction, r);
    }

    private boolean send(ServerTransaction st, Response r) {
        try {
            st.sendResponse(r);
            return true;
        } catch (Exception e) {
            LOG.warn("cannot send {}: {}", r.getStatusCode(), e.toString());
            return false;
        }
    }

    private void sendBye() {
        try {
            Dialog d = inviteTransaction.getDialog();
            if (d == null) return;
            Request bye = d.createRequest(Request.BYE);
            // A wildcard bind would put 0.0.0.0 in Via sent-by; the phone answers there (RFC 3261 §18.2.2).
            javax.sip.header.ViaHeader via = (javax.sip.header.ViaHeader) bye.getHeader(javax.sip.header.ViaHeader.NAME);
            if (via != null && !advertised.equals(via.getHost())) via.setHost(advertised);
            // RFC 3261 §20.41.
            bye.setHeader(server.headerFactory.createUserAgentHeader(java.util.List.of(server.config.userAgent())));
            ClientTransaction ct = server.provider.getNewClientTransaction(bye);
            d.sendRequest(ct);
        } catch (Exception e) {
            LOG.info("cannot send BYE: {}", e.toString());
        }
    }

    /** Runs on the call's executor with the Call-ID in the logging context. */
    private void run(Runnable task) {
        executor.execute(() -> {
            MDC.put("call", callId);
            try {
                task.run();
            } finally {
                MDC.remove("call");
            }
        });
    }
}
