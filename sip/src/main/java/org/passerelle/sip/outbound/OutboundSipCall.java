package org.passerelle.sip.outbound;

import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.passerelle.sip.SerialExecutor;
import org.passerelle.sip.SipLeg;
import org.passerelle.sip.rtp.RtpLeg;
import org.passerelle.sip.sdp.LocalDescription;
import org.passerelle.sip.sdp.LocalMedia;
import org.passerelle.sip.sdp.MediaDirection;
import org.passerelle.sip.sdp.MediaPlan;
import org.passerelle.sip.sdp.Negotiation;
import org.passerelle.sip.sdp.SdesCrypto;
import org.passerelle.sip.sdp.SdpNegotiator;
import org.passerelle.sip.sdp.SrtpMode;
import org.passerelle.sip.trunk.Credentials;
import org.passerelle.sip.trunk.OutboundTrunk;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One dial-out: our INVITE with an SDP offer through a trunk, digest answers, ringing and early
 * media, ACK, CANCEL on ring timeout, BYE either way, and the RTP leg. Every change of state runs
 * on the call's serial executor; getters read volatile snapshots.
 */
final class OutboundSipCall implements OutboundCall, RtpLeg.Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundSipCall.class);
    private static final int POOL_SIZE = 64;
    /** After CANCEL, the INVITE transaction is given up after 64*T1 (RFC 3261 §9.1). */
    private static final long CANCEL_GRACE_MS = 32_000;
    private static final int MAX_CHALLENGES = 2;

    private final OutboundContext ctx;
    private final OutboundTrunk trunk;
    private final ProxyAddress proxy;
    private final Listener listener;
    private final String callId;
    private final SerialExecutor executor;
    private final RtpPacketPool pool = new RtpPacketPool(POOL_SIZE);
    private final RtpLeg rtp;
    private final DigestClient digest = new DigestClient();
    private final String advertised;
    private final LocalDescription local;
    private final Duration ringTimeout;
    private final Runnable onGone;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final URI requestUri;

    // Owned by the executor.
    private OutboundCallState state = OutboundCallState.CALLING;
    private Request invite;
    private ClientTransaction inviteTx;
    private Dialog dialog;
    private Request ack;
    private int challenges;
    private boolean provisionalSeen;
    private boolean cancelPending;
    private boolean ringingReported;
    private boolean earlyReported;
    private boolean awaitingAnswerInAck;
    private DialResult cancelResult;
    private ScheduledFuture<?> timer;

    private volatile MediaPlan plan;
    /**
     * Our a=crypto lines while we offer SDES-SRTP (RFC 4568), empty once we offer plain RTP (the
     * trunk's srtp is off, or optional and the far end refused SRTP). Owned by the executor.
     */
    private List<SdesCrypto> crypto;
    /** The a=crypto lines of the offer in our 200 to a re-INVITE without SDP, for the ACK's answer. */
    private List<SdesCrypto> offeredInOk = List.of();

    private OutboundSipCall(OutboundContext ctx, OutboundTrunk trunk, String target, String callerId, String displayName,
                            Duration ringTimeout, Listener listener, Runnable onGone) throws IOException, ParseException {
        this.ctx = ctx;
        this.trunk = trunk;
        this.proxy = ProxyAddress.parse(trunk.proxy(), trunk.transport());
        this.listener = listener;
        this.ringTimeout = ringTimeout;
        this.onGone = onGone;
        this.callId = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-out@passerelle";
        this.executor = new SerialExecutor(ctx.callThreads());
        this.advertised = ctx.advertisedAddress(proxy.host(), proxy.effectivePort());
        this.requestUri = DialTarget.isUri(target) ? ctx.addresses().createURI(target.trim())
                : ctx.sipUri(DialTarget.number(target, trunk.numberFormat()), proxy.hostPort(), proxy.transport());
        String from = callerId != null && !callerId.isBlank() ? callerId
                : trunk.callerId() != null ? trunk.callerId() : "anonymous";
        this.invite = buildInvite(from, displayName);
        this.rtp = RtpLeg.open(ctx.rtpGroup(), ctx.rtpBindAddress(), ctx.rtpPorts(), ctx.clock(),
                ctx.config().rtpTimeout(), pool, this);
        long sessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        this.local = new LocalDescription(new LocalMedia(advertised, rtp.localPort(), sessionId, sessionId));
        this.crypto = trunk.srtp().allowsSrtp() ? SdpNegotiator.freshCryptoOffer() : List.of();
        try {
            setOffer(invite);
        } catch (ParseException | RuntimeException e) {
            rtp.close();
            throw e;
        }
    }

    static OutboundSipCall create(OutboundContext ctx, OutboundTrunk trunk, String target, String callerId,
                                  String displayName, Duration ringTimeout, Listener listener, Runnable onGone)
            throws IOException {
        if (trunk.srtp().allowsSrtp() && !"tls".equalsIgnoreCase(trunk.transport())) {
            // RFC 4568 §8.3: SDES keys travel in the SDP, never in clear.
            throw new IllegalArgumentException("trunk " + trunk.name() + ": srtp " + trunk.srtp()
                    + " needs transport tls, not " + trunk.transport());
        }
        try {
            return new OutboundSipCall(ctx, trunk, target, callerId, displayName, ringTimeout, listener, onGone);
        } catch (ParseException e) {
            throw new IllegalArgumentException("cannot dial " + target + ": " + e.getMessage(), e);
        }
    }

    /** Our SDP offer in {@code request}: RTP/SAVP with our a=crypto lines, or plain RTP/AVP without. */
    private void setOffer(Request request) throws ParseException {
        List<SdesCrypto> keys = crypto;
        String sdp = local.next(l -> ctx.negotiator().offer(l, MediaDirection.SENDRECV, keys));
        request.setContent(sdp.getBytes(StandardCharsets.UTF_8),
                ctx.headers().createContentTypeHeader("application", "sdp"));
    }

    private Request buildInvite(String fromUser, String displayName) throws ParseException {
        Address from = ctx.addresses().createAddress(ctx.sipUri(fromUser, proxy.hostPort(), "udp"));
        if (displayName != null && !displayName.isBlank()) from.setDisplayName(displayName);
        Address to = ctx.addresses().createAddress((URI) requestUri.clone());
        if (to.getURI() instanceof SipURI s) s.removeParameter("transport");
        Request r = ctx.request(Request.INVITE, requestUri, from, Long.toHexString(ThreadLocalRandom.current().nextLong()),
                to, callId, 1, proxy.transport(), advertised);
        if (!(requestUri instanceof SipURI s && proxy.host().equalsIgnoreCase(s.getHost())
                && proxy.effectivePort() == new ProxyAddress(s.getHost(), s.getPort(), proxy.transport()).effectivePort())) {
            // A SIP URI elsewhere still leaves through the trunk's proxy (loose routing, RFC 3261 §16.12).
            SipURI route = ctx.sipUri(null, proxy.hostPort(), proxy.transport());
            route.setLrParam();
            r.addHeader(ctx.headers().createRouteHeader(ctx.addresses().createAddress(route)));
        }
        r.setHeader(ctx.contact(fromUser, advertised, proxy.transport()));
        for (String m : List.of(Request.INVITE, Request.ACK, Request.CANCEL, Request.BYE, Request.OPTIONS)) {
            r.addHeader(ctx.headers().createAllowHeader(m));
        }
        return r;
    }

    /** Sends the INVITE and starts the ring timeout. */
    void start() {
        run(() -> {
            LOG.info("dialing {} via trunk {} ({})", requestUri, trunk.name(), proxy.hostPort());
            timer = ctx.rtpGroup().schedule(() -> run(this::ringTimeout), ringTimeout.toMillis(), TimeUnit.MILLISECONDS);
            sendInvite();
        });
    }

    // ---- OutboundCall ----

    @Override public String callId() { return callId; }

    @Override public Executor executor() { return executor; }

    @Override
    public AudioCodec codec() {
        MediaPlan p = plan;
        return p != null ? p.codec() : ctx.config().codecs().getFirst();
    }

    @Override
    public int ptimeMs() {
        MediaPlan p = plan;
        return p != null ? p.ptimeMs() : 20;
    }

    @Override public RtpPacketPool packetPool() { return pool; }

    @Override
    public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
        rtp.sendAudio(packet, payloadLength, rtpDuration);
    }

    @Override
    public boolean sendDtmf(char digit, int durationMs) {
        return rtp.sendDtmf(digit, durationMs);
    }

    @Override
    public void hangup() {
        run(() -> {
            if (state.early()) {
                LOG.info("hung up before answer");
                cancel(new DialResult(DialResult.Outcome.NO_ANSWER, Response.REQUEST_TERMINATED, "cancelled by us",
                        SipLeg.EndReason.LOCAL_HANGUP));
            } else if (state == OutboundCallState.CONFIRMED) {
                sendBye();
                transition(OutboundCallEvent.HANGUP);
                LOG.info("hung up");
                end(answered(SipLeg.EndReason.LOCAL_HANGUP));
            }
        });
    }

    // ---- RtpLeg.Receiver ----

    @Override
    public void onAudio(RtpPacket packet) {
        listener.onRtp(packet);
    }

    @Override
    public void onDtmf(char key, int durationMs) {
        run(() -> {
            if (state != OutboundCallState.TERMINATED) listener.onDtmf(key, durationMs);
        });
    }

    @Override
    public void onTimeout() {
        run(() -> {
            MediaPlan p = plan;
            if (state != OutboundCallState.CONFIRMED || (p != null && p.held())) return;
            LOG.info("no RTP for {}", ctx.config().rtpTimeout());
            sendBye();
            transition(OutboundCallEvent.RTP_TIMEOUT);
            end(answered(SipLeg.EndReason.RTP_TIMEOUT));
        });
    }

    // ---- from the dispatcher ----

    void onResponse(ResponseEvent event) {
        Response r = event.getResponse();
        Dialog d = event.getDialog();
        run(() -> {
            CSeqHeader cs = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
            // Answers to BYE and CANCEL change nothing; answers to an older (challenged) INVITE neither.
            if (cs == null || !Request.INVITE.equals(cs.getMethod()) || cs.getSeqNumber() != seq(invite)) return;
            int code = r.getStatusCode();
            if (code < 200) {
                provisional(r);
            } else if (code < 300) {
                success(r, d);
            } else {
                finalError(r);
            }
        });
    }

    /** A client transaction of ours got no response (RFC 3261 §17.1.1.2 Timer B). */
    void onTimeout(ClientTransaction ct) {
        run(() -> {
            if (ct != inviteTx) return;
            if (state == OutboundCallState.CANCELLING) {
                transition(OutboundCallEvent.FAILURE);
                end(cancelResult);
            } else if (state.early()) {
                LOG.info("no response to INVITE");
                transition(OutboundCallEvent.FAILURE);
                end(new DialResult(DialResult.Outcome.FAILED, Response.REQUEST_TIMEOUT, "no response from "
                        + proxy.hostPort(), SipLeg.EndReason.ERROR));
            }
        });
    }

    void onBye(ServerTransaction st) {
        run(() -> {
            if (state.next(OutboundCallEvent.BYE_RECEIVED) == null) {
                respond(st, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                return;
            }
            respond(st, Response.OK);
            transition(OutboundCallEvent.BYE_RECEIVED);
            LOG.info("BYE received");
            end(answered(SipLeg.EndReason.REMOTE_BYE));
        });
    }

    /** A re-INVITE from the far end (hold, resume, new address; RFC 3261 §14.2). */
    void onReInvite(ServerTransaction st, Request request) {
        run(() -> {
            if (state != OutboundCallState.CONFIRMED || awaitingAnswerInAck) {
                // RFC 3261 §14.2: an offer while ours is pending.
                respond(st, Response.REQUEST_PENDING);
                return;
            }
            byte[] body = request.getRawContent();
            MediaPlan newPlan = null;
            String sdp;
            if (body != null && body.length > 0) {
                MediaPlan current = plan;
                Negotiation n = ctx.negotiator().answerOffer(new String(body, StandardCharsets.UTF_8),
                        current == null ? null : current.codec(), trunk.srtp(),
                        current == null || current.srtp() == null ? null : current.srtp().local());
                if (!(n instanceof Negotiation.Accepted a)) {
                    // The old session stays as it was.
                    respond(st, n instanceof Negotiation.Malformed ? Response.BAD_REQUEST : Response.NOT_ACCEPTABLE_HERE);
                    return;
                }
                newPlan = a.plan();
                MediaPlan np = newPlan;
                sdp = local.next(l -> ctx.negotiator().answer(np, l));
            } else {
                // No offer: ours goes in the 200, the answer comes in the ACK; with the media
                // protection in use (the peer cannot refuse an offer in a 200).
                MediaPlan current = plan;
                List<SdesCrypto> keys = current != null && current.srtp() == null ? List.of() : crypto;
                sdp = local.next(l -> ctx.negotiator().offer(l, MediaDirection.SENDRECV, keys));
                offeredInOk = keys;
                awaitingAnswerInAck = true;
            }
            try {
                Response ok = ctx.messages().createResponse(Response.OK, request);
                ok.setHeader(ctx.contact(fromUser(), advertised, proxy.transport()));
                ok.setContent(sdp.getBytes(StandardCharsets.UTF_8), ctx.headers().createContentTypeHeader("application", "sdp"));
                st.sendResponse(ok);
            } catch (Exception e) {
                awaitingAnswerInAck = false;
                LOG.warn("cannot answer re-INVITE: {}", e.toString());
                return;
            }
            if (newPlan != null) applyPlan(newPlan);
        });
    }

    void onAck(Request ackRequest) {
        run(() -> {
            if (!awaitingAnswerInAck) return;
            awaitingAnswerInAck = false;
            byte[] body = ackRequest.getRawContent();
            if (body != null && body.length > 0
                    && ctx.negotiator().acceptAnswer(new String(body, StandardCharsets.UTF_8), trunk.srtp(),
                            offeredInOk) instanceof Negotiation.Accepted a) {
                applyPlan(a.plan());
            }
        });
    }

    /** Gateway shutdown: CANCEL or BYE, and end at once. */
    void shutdown() {
        run(() -> {
            if (state == OutboundCallState.TERMINATED) return;
            if (state == OutboundCallState.CONFIRMED) {
                sendBye();
                end(answered(SipLeg.EndReason.ERROR));
                return;
            }
            if (state.early() && provisionalSeen) sendCancel();
            end(cancelResult != null ? cancelResult : new DialResult(DialResult.Outcome.FAILED,
                    Response.SERVICE_UNAVAILABLE, "gateway shutting down", SipLeg.EndReason.ERROR));
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

    private void sendInvite() {
        try {
            inviteTx = ctx.provider().getNewClientTransaction(invite);
            inviteTx.sendRequest();
        } catch (Exception e) {
            LOG.warn("cannot send INVITE: {}", e.toString());
            transition(OutboundCallEvent.FAILURE);
            end(new DialResult(DialResult.Outcome.FAILED, 0, "cannot send INVITE: " + e.getMessage(),
                    SipLeg.EndReason.ERROR));
        }
    }

    private void provisional(Response r) {
        provisionalSeen = true;
        if (cancelPending) {
            cancelPending = false;
            sendCancel();
        }
        int code = r.getStatusCode();
        if (code == Response.TRYING) return;
        byte[] body = r.getRawContent();
        if (body != null && body.length > 0 && state != OutboundCallState.CANCELLING) {
            Negotiation n = ctx.negotiator().acceptAnswer(new String(body, StandardCharsets.UTF_8), trunk.srtp(), crypto);
            if (n instanceof Negotiation.Accepted a) {
                // RFC 3261 §13.2.1 / RFC 3960: the answer in a provisional lets early media flow.
                if (!transition(OutboundCallEvent.EARLY_ANSWER)) return;
                applyPlan(a.plan());
                if (!earlyReported) {
                    earlyReported = true;
                    LOG.info("early media: {}/{}", a.plan().codec(), a.plan().payloadType());
                    listener.onEarlyMedia();
                }
                return;
            }
            LOG.info("{} with unusable SDP ignored: {}", code, n);
        }
        if (!transition(OutboundCallEvent.PROVISIONAL)) return;
        if (!ringingReported && state != OutboundCallState.CANCELLING) {
            ringingReported = true;
            LOG.info("ringing ({})", code);
            listener.onRinging();
        }
    }

    private void success(Response r, Dialog d) {
        if (state == OutboundCallState.CONFIRMED) {
            // A retransmitted 200: our ACK was lost (RFC 3261 §13.2.2.4).
            try {
                if (dialog != null && ack != null) dialog.sendAck(ack);
            } catch (Exception e) {
                LOG.debug("ACK not resent: {}", e.toString());
            }
            return;
        }
        if (state == OutboundCallState.TERMINATED || d == null) return;
        dialog = d;
        try {
            ack = d.createAck(seq(invite));
            d.sendAck(ack);
        } catch (Exception e) {
            LOG.warn("cannot ACK: {}", e.toString());
        }
        if (state == OutboundCallState.CANCELLING) {
            // Our CANCEL crossed the 200: the call exists, end it at once (RFC 3261 §9.1).
            sendBye();
            transition(OutboundCallEvent.ANSWERED);
            end(cancelResult);
            return;
        }
        MediaPlan p = plan;
        byte[] body = r.getRawContent();
        if (body != null && body.length > 0) {
            Negotiation n = ctx.negotiator().acceptAnswer(new String(body, StandardCharsets.UTF_8), trunk.srtp(), crypto);
            p = n instanceof Negotiation.Accepted a ? a.plan() : null;
            if (p == null) LOG.info("200 with unusable SDP: {}", n);
        }
        if (p == null) {
            // No usable answer at all: no session (RFC 3264 §5); close the dialog.
            sendBye();
            transition(OutboundCallEvent.FAILURE);
            end(new DialResult(DialResult.Outcome.FAILED, Response.NOT_ACCEPTABLE_HERE, "no usable SDP answer",
                    SipLeg.EndReason.ERROR));
            return;
        }
        transition(OutboundCallEvent.ANSWERED);
        cancelTimer();
        applyPlan(p);
        if (!p.held()) rtp.watchActivity();
        LOG.info("answered: {}/{}{}", p.codec(), p.payloadType(), p.srtp() != null ? " SRTP " + p.srtp().suite() : "");
        listener.onAnswered();
    }

    private void finalError(Response r) {
        int code = r.getStatusCode();
        if ((code == 401 || code == 407) && state != OutboundCallState.CANCELLING && answerChallenge(r)) return;
        if (code == Response.NOT_ACCEPTABLE_HERE && state != OutboundCallState.CANCELLING && offerPlainRtp()) return;
        if (state == OutboundCallState.CANCELLING) {
            transition(OutboundCallEvent.FINAL_ERROR);
            end(cancelResult);
            return;
        }
        if (!transition(OutboundCallEvent.FINAL_ERROR)) return;
        String reason = r.getReasonPhrase() == null ? "" : r.getReasonPhrase();
        LOG.info("INVITE refused: {} {}", code, reason);
        end(new DialResult(DialResult.ofStatus(code), code, reason, SipLeg.EndReason.REJECTED));
    }

    /** Sends the INVITE again with credentials (CSeq + 1, RFC 3261 §22.2); false when we cannot. */
    private boolean answerChallenge(Response r) {
        Credentials creds = trunk.auth();
        if (creds == null) return false;
        List<DigestChallenge> offered = new ArrayList<>();
        String name = r.getStatusCode() == 407 ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME;
        ListIterator<?> it = r.getHeaders(name);
        while (it != null && it.hasNext()) offered.add(DigestChallenge.of((WWWAuthenticateHeader) it.next()));
        DigestChallenge c = DigestClient.strongest(offered).orElse(null);
        if (c == null || challenges >= MAX_CHALLENGES || (challenges > 0 && !c.stale())) return false;
        challenges++;
        try {
            Request next = (Request) invite.clone();
            ((CSeqHeader) next.getHeader(CSeqHeader.NAME)).setSeqNumber(seq(invite) + 1);
            // A new transaction: the stack gives the Via a new branch (RFC 3261 §8.1.1.7).
            ((ViaHeader) next.getHeader(ViaHeader.NAME)).removeParameter("branch");
            next.setHeader(ctx.headers().createHeader(c.answerHeaderName(),
                    digest.authorize(c, creds, Request.INVITE, requestUri.toString())));
            invite = next;
        } catch (Exception e) {
            LOG.warn("cannot answer the challenge: {}", e.toString());
            return false;
        }
        if (!transition(OutboundCallEvent.CHALLENGED)) return false;
        LOG.info("INVITE challenged ({}), sent again with credentials", r.getStatusCode());
        provisionalSeen = false;
        sendInvite();
        return true;
    }

    /**
     * With srtp optional, a 488 to our RTP/SAVP offer: the INVITE again with a plain RTP/AVP offer
     * (CSeq + 1, a new transaction), once. RFC 4568 has no plain fallback inside one m-line offer.
     * False when the trunk wants SRTP only, or we offered plain RTP already.
     */
    private boolean offerPlainRtp() {
        if (trunk.srtp() != SrtpMode.OPTIONAL || crypto.isEmpty()) return false;
        try {
            Request next = (Request) invite.clone();
            ((CSeqHeader) next.getHeader(CSeqHeader.NAME)).setSeqNumber(seq(invite) + 1);
            // A new transaction: the stack gives the Via a new branch (RFC 3261 §8.1.1.7).
            ((ViaHeader) next.getHeader(ViaHeader.NAME)).removeParameter("branch");
            crypto = List.of();
            setOffer(next);
            invite = next;
        } catch (Exception e) {
            LOG.warn("cannot offer plain RTP: {}", e.toString());
            return false;
        }
        if (!transition(OutboundCallEvent.OFFER_REFUSED)) return false;
        LOG.info("SRTP refused (488), INVITE sent again with plain RTP");
        provisionalSeen = false;
        sendInvite();
        return true;
    }

    private void ringTimeout() {
        if (!state.early()) return;
        LOG.info("no answer within {} s", ringTimeout.toSeconds());
        cancel(new DialResult(DialResult.Outcome.NO_ANSWER, Response.REQUEST_TIMEOUT,
                "no answer within " + ringTimeout.toSeconds() + " s", SipLeg.EndReason.CANCELLED));
    }

    /** CANCEL now, or once a provisional response came (RFC 3261 §9.1: not before). */
    private void cancel(DialResult result) {
        if (!transition(OutboundCallEvent.CANCEL)) return;
        cancelResult = result;
        if (provisionalSeen) {
            sendCancel();
        } else {
            cancelPending = true;
        }
        cancelTimer();
        timer = ctx.rtpGroup().schedule(() -> run(() -> {
            if (state == OutboundCallState.CANCELLING) {
                LOG.info("no final response after CANCEL");
                transition(OutboundCallEvent.FAILURE);
                end(cancelResult);
            }
        }), CANCEL_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    private void sendCancel() {
        try {
            Request cancel = inviteTx.createCancel();
            ctx.provider().getNewClientTransaction(cancel).sendRequest();
            LOG.debug("CANCEL sent");
        } catch (Exception e) {
            LOG.info("cannot send CANCEL: {}", e.toString());
        }
    }

    private void sendBye() {
        try {
            Dialog d = dialog;
            if (d == null) return;
            Request bye = d.createRequest(Request.BYE);
            ViaHeader via = (ViaHeader) bye.getHeader(ViaHeader.NAME);
            if (via != null && !advertised.equals(via.getHost())) via.setHost(advertised);
            bye.setHeader(ctx.headers().createUserAgentHeader(List.of(ctx.config().userAgent())));
            ClientTransaction ct = ctx.provider().getNewClientTransaction(bye);
            d.sendRequest(ct);
        } catch (Exception e) {
            LOG.info("cannot send BYE: {}", e.toString());
        }
    }

    private void applyPlan(MediaPlan p) {
        plan = p;
        boolean protectedAsAgreed = true;
        try {
            rtp.configureSrtp(p.srtp());
        } catch (GeneralSecurityException e) {
            // Never in clear what was agreed encrypted: we stay silent instead.
            LOG.warn("SRTP not set up, not sending: {}", e.toString());
            protectedAsAgreed = false;
        }
        rtp.configure(p.payloadType(), p.telephoneEventPayloadType(), p.remoteRtp(), p.weSend() && protectedAsAgreed);
        rtp.configureDtmf(p.codec().rtpClockRate(), p.telephoneEventRate());
        if (p.held()) {
            rtp.pauseActivityWatch();
        } else if (state == OutboundCallState.CONFIRMED) {
            rtp.watchActivity();
        }
    }

    private String fromUser() {
        URI uri = ((javax.sip.header.FromHeader) invite.getHeader(javax.sip.header.FromHeader.NAME)).getAddress().getURI();
        return uri instanceof SipURI s ? s.getUser() : null;
    }

    private void respond(ServerTransaction st, int status) {
        try {
            st.sendResponse(ctx.messages().createResponse(status, st.getRequest()));
        } catch (Exception e) {
            LOG.debug("cannot answer {}: {}", status, e.toString());
        }
    }

    private static DialResult answered(SipLeg.EndReason end) {
        return new DialResult(DialResult.Outcome.ANSWERED, Response.OK, "OK", end);
    }

    private static long seq(Request r) {
        return ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber();
    }

    private boolean transition(OutboundCallEvent event) {
        OutboundCallState next = state.next(event);
        if (next == null) {
            LOG.debug("{} ignored in {}", event, state);
            return false;
        }
        state = next;
        return true;
    }

    private void cancelTimer() {
        if (timer != null) timer.cancel(false);
        timer = null;
    }

    private void end(DialResult result) {
        if (ended.getCount() == 0) return;
        state = OutboundCallState.TERMINATED;
        cancelTimer();
        rtp.close();
        ended.countDown();
        onGone.run();
        LOG.info("ended: {} {} {} ({})", result.outcome(), result.sipCode(), result.reason(), result.end());
        try {
            listener.onEnded(result);
        } catch (RuntimeException e) {
            LOG.warn("onEnded failed", e);
        }
    }

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

    /** The RTP leg, for tests. */
    RtpLeg rtpLeg() {
        return rtp;
    }
}
