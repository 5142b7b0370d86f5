package org.passerelle.sip;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.SipListenerExt;
import gov.nist.javax.sip.message.SIPMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.passerelle.sip.sdp.Negotiation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Receives every request and response from JAIN-SIP and hands each to the call it belongs to, or
 * answers it itself (OPTIONS, errors). Runs on JAIN-SIP's threads: it does nothing slow there.
 */
final class RequestRouter implements SipListenerExt {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);
    /** Methods we know but do not serve: 405 with Allow (RFC 3261 §8.2.1). */
    private static final Set<String> KNOWN_NOT_SERVED = Set.of("REGISTER", "SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER",
            "PUBLISH", "UPDATE", "PRACK");
    /** Option tags we support in Require (none yet). */
    private static final Set<String> SUPPORTED = Set.of();
    /** Seconds a caller should wait before retrying when we are full (RFC 3261 §21.5.4). */
    private static final int RETRY_AFTER = 30;

    private final SipServer server;

    RequestRouter(SipServer server) {
        this.server = server;
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        CallIdHeader cid = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        String callId = cid == null ? "" : cid.getCallId();
        MDC.put("call", callId);
        try {
            if (!server.running()) {
                if (!Request.ACK.equals(request.getMethod())) reply(event, Response.SERVICE_UNAVAILABLE);
                return;
            }
            javax.sip.header.Header malformed = request.getHeader(MalformedRequest.MALFORMED);
            if (malformed != null) {
                // Salvaged by AnsweringParserFactory: answer 400 statelessly (RFC 3261 §21.4.1).
                String why = ((javax.sip.header.ExtensionHeader) malformed).getValue();
                LOG.info("malformed {}: {}", request.getMethod(), why);
                Response r = server.response(Response.BAD_REQUEST, request);
                ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(Long.toHexString(System.nanoTime()));
                r.setReasonPhrase("Bad Request (" + why + ")");
                server.provider.sendResponse(r);
                return;
            }
            if (tooLarge(request)) {
                // RFC 3261 §21.5.14: 513 Message Too Large.
                LOG.info("{} refused: {} bytes > {}", request.getMethod(), size(request), server.config.maxMessageBytes());
                if (!Request.ACK.equals(request.getMethod())) reply(event, Response.MESSAGE_TOO_LARGE);
                return;
            }
            // Requests in the dialog of one of our dial-outs (BYE, re-INVITE, ACK).
            if (server.outbound != null && server.outbound.onRequest(event)) return;
            switch (request.getMethod().toUpperCase(Locale.ROOT)) {
                case Request.INVITE -> invite(event, callId);
                case Request.ACK -> {
                    SipCall call = server.call(callId);
                    if (call != null) call.onAck(request);
                }
                case Request.BYE -> {
                    SipCall call = server.call(callId);
                    ServerTransaction st = transaction(event);
                    if (call == null) {
                        respond(st, event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                    } else if (st != null) {
                        call.onBye(st);
                    }
                }
                case Request.CANCEL -> {
                    SipCall call = server.call(callId);
                    ServerTransaction st = transaction(event);
                    if (call == null) {
                        respond(st, event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                    } else if (st != null) {
                        call.onCancel(st);
                    }
                }
                case Request.OPTIONS -> options(event);
                case Request.INFO -> info(event, callId);
                default -> {
                    Response r = server.response(KNOWN_NOT_SERVED.contains(request.getMethod().toUpperCase(Locale.ROOT))
                            ? Response.METHOD_NOT_ALLOWED : Response.NOT_IMPLEMENTED, request);
                    server.addAllow(r);
                    send(event, r);
                }
            }
        } catch (Exception e) {
            LOG.warn("{} failed: {}", request.getMethod(), e.toString(), e);
            // Never leave the caller without an answer (RFC 3261 §21.5.1).
            if (!Request.ACK.equals(request.getMethod())) reply(event, Response.SERVER_INTERNAL_ERROR);
        } finally {
            MDC.remove("call");
        }
    }

    private void invite(RequestEvent event, String callId) throws Exception {
        Request request = event.getRequest();
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        if (to != null && to.getTag() != null) {
            // Re-INVITE within a dialog (RFC 3261 §14.2).
            SipCall call = server.call(callId);
            ServerTransaction st = transaction(event);
            if (st == null) return;
            if (call == null || event.getDialog() == null) {
                respond(st, event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            } else {
                call.onReInvite(st, request);
            }
            return;
        }
        if (server.call(callId) != null) {
            // Retransmission not absorbed by the transaction layer, or a merged request (§8.2.2.2).
            LOG.debug("INVITE for existing call ignored");
            return;
        }
        // Source address, trunk, digest and lockout first: refused INVITEs learn nothing more.
        TrunkGate.Admitted admitted = server.trunkGate.check(event);
        if (admitted == null) return;
        java.util.List<String> unsupported = unsupportedRequire(request);
        if (!unsupported.isEmpty()) {
            // RFC 3261 §8.2.2.3: 420 Bad Extension listing what we do not support.
            Response r = server.response(Response.BAD_EXTENSION, request);
            for (String tag : unsupported) r.addHeader(server.headerFactory.createUnsupportedHeader(tag));
            send(event, r);
            return;
        }
        if (!server.reserveCallSlot()) {
            // Full: answered statelessly, so a flood costs no transaction state (RFC 3261 §21.5.4).
            Response r = server.response(Response.SERVICE_UNAVAILABLE, request);
            r.addHeader(server.headerFactory.createRetryAfterHeader(RETRY_AFTER));
            server.provider.sendResponse(r);
            LOG.info("INVITE refused: {} calls in progress", server.config.maxCalls());
            return;
        }
        String trunk = admitted.trunk() == null ? null : admitted.trunk().name();
        if (trunk != null && !server.trunkGate.trunks.tryAcquire(admitted.trunk())) {
            server.releaseCallSlot();
            Response r = server.response(Response.SERVICE_UNAVAILABLE, request);
            r.addHeader(server.headerFactory.createRetryAfterHeader(RETRY_AFTER));
            server.provider.sendResponse(r);
            LOG.info("INVITE refused: trunk {} has its {} calls", trunk, admitted.trunk().maxCalls());
            return;
        }
        boolean registered = false;
        try {
            ServerTransaction st = transaction(event);
            if (st == null) return;
            // 100 Trying at once stops the caller's retransmissions (RFC 3261 §8.2.6.1).
            st.sendResponse(server.response(Response.TRYING, request));
            Negotiation offer = null;
            byte[] body = request.getRawContent();
            if (body != null && body.length > 0) {
                ContentTypeHeader ct = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
                if (ct == null || !"application".equalsIgnoreCase(ct.getContentType())
                        || !"sdp".equalsIgnoreCase(ct.getContentSubType())) {
                    // RFC 3261 §21.4.13: 415 with the Accept we understand.
                    Response r = server.response(Response.UNSUPPORTED_MEDIA_TYPE, request);
                    r.addHeader(server.header("Accept", "application/sdp"));
                    respond(st, r);
                    return;
                }
                offer = server.negotiator.answerOffer(new String(body, StandardCharsets.UTF_8), null,
                        server.srtpMode(request), null);
                if (offer instanceof Negotiation.Malformed m) {
                    LOG.info("INVITE with bad SDP: {}", m.reason());
                    respond(st, server.response(Response.BAD_REQUEST, request), "Bad SDP");
                    return;
                }
                if (offer instanceof Negotiation.NotAcceptable na) {
                    // RFC 3261 §21.4.26: 488 with a Warning saying why (§20.43).
                    Response r = server.response(Response.NOT_ACCEPTABLE_HERE, request);
                    r.addHeader(server.headerFactory.createWarningHeader(server.advertisedAddress(request),
                            na.warningCode(), na.warningText()));
                    respond(st, r);
                    LOG.info("INVITE refused: {} {}", na.warningCode(), na.warningText());
                    return;
                }
            }
            SipCall call;
            try {
                call = SipCall.create(server, st, request,
                        offer instanceof Negotiation.Accepted a ? a.plan() : null, trunk);
            } catch (IOException e) {
                LOG.warn("INVITE refused, no RTP port: {}", e.getMessage());
                Response r = server.response(Response.SERVICE_UNAVAILABLE, request);
                r.addHeader(server.headerFactory.createRetryAfterHeader(RETRY_AFTER));
                respond(st, r);
                return;
            }
            server.register(call);
            registered = true;
            LOG.info("INVITE from {} to {} via {}{}", call.fromUser(), call.requestUser(), SipServer.transportOf(request),
                    trunk == null ? "" : " on trunk " + trunk);
            call.start();
        } finally {
            if (!registered) {
                server.releaseCallSlot();
                if (trunk != null) server.trunkGate.trunks.release(trunk);
            }
        }
    }

    /** INFO: DTMF inside a dialog (RFC 6086 legacy usage); outside one, 481 (RFC 3261 §12.2.2). */
    private void info(RequestEvent event, String callId) throws Exception {
        ToHeader to = (ToHeader) event.getRequest().getHeader(ToHeader.NAME);
        ServerTransaction st = transaction(event);
        if (st == null) return;
        SipCall call = server.call(callId);
        if (to == null || to.getTag() == null || call == null) {
            respond(st, event, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        } else {
            call.onInfo(st, event.getRequest());
        }
    }

    private void options(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        // RFC 3261 §11.2: what we can do.
        Response r = server.response(Response.OK, request);
        server.addAllow(r);
        r.addHeader(server.header("Accept", "application/sdp"));
        r.addHeader(server.header("Accept-Encoding", "identity"));
        r.addHeader(server.header("Accept-Language", "en"));
        r.addHeader(server.header("Supported", ""));
        send(event, r);
    }

    private static java.util.List<String> unsupportedRequire(Request request) {
        var it = request.getHeaders("Require");
        java.util.List<String> out = new java.util.ArrayList<>();
        while (it != null && it.hasNext()) {
            String tag = ((javax.sip.header.RequireHeader) it.next()).getOptionTag();
            if (tag != null && !SUPPORTED.contains(tag.toLowerCase(Locale.ROOT))) out.add(tag);
        }
        return out;
    }

    /**
     * The stack reads at most maxMessageBytes + 1 bytes of a datagram (and of a stream message);
     * a request that filled that buffer was larger than allowed, and is truncated.
     */
    private boolean tooLarge(Request request) {
        return size(request) > server.config.maxMessageBytes();
    }

    private static int size(Request request) {
        int size = ((SIPMessage) request).getSize();
        if (size <= 0) size = ((SIPMessage) request).encodeAsBytes(SipServer.transportOf(request)).length;
        return size;
    }

    /** The request's server transaction, created if needed; null for a retransmission. */
    private ServerTransaction transaction(RequestEvent event) {
        ServerTransaction st = event.getServerTransaction();
        if (st != null) return st;
        try {
            return server.provider.getNewServerTransaction(event.getRequest());
        } catch (TransactionAlreadyExistsException e) {
            return null;
        } catch (Exception e) {
            LOG.debug("no server transaction: {}", e.toString());
            return null;
        }
    }

    private void reply(RequestEvent event, int status) {
        try {
            send(event, server.response(status, event.getRequest()));
        } catch (Exception e) {
            LOG.debug("cannot answer {}: {}", status, e.toString());
        }
    }

    /** Sends in the request's transaction when there is one, statelessly otherwise. */
    private void send(RequestEvent event, Response response) throws Exception {
        ServerTransaction st = transaction(event);
        if (st != null) {
            st.sendResponse(response);
        } else if (event.getServerTransaction() == null) {
            server.provider.sendResponse(response);
        }
    }

    private void respond(ServerTransaction st, RequestEvent event, int status) throws Exception {
        Response r = server.response(status, event.getRequest());
        if (st != null) st.sendResponse(r);
        else server.provider.sendResponse(r);
    }

    private static void respond(ServerTransaction st, Response r) throws Exception {
        st.sendResponse(r);
    }

    private static void respond(ServerTransaction st, Response r, String reason) throws Exception {
        r.setReasonPhrase(reason);
        st.sendResponse(r);
    }

    @Override
    public void processResponse(ResponseEvent event) {
        // Registrations and dial-outs; responses to the BYEs of inbound calls need nothing.
        if (server.outbound != null) server.outbound.onResponse(event);
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        LOG.debug("transaction timeout ({})", event.getTimeout());
        if (server.outbound != null) server.outbound.onTimeout(event);
    }

    @Override
    public void processDialogTimeout(DialogTimeoutEvent event) {
        if (event.getReason() != DialogTimeoutEvent.Reason.AckNotReceived) return;
        String callId = event.getDialog().getCallId().getCallId();
        SipCall call = server.call(callId);
        if (call != null) call.onAckTimeout();
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("SIP I/O error with {}:{} over {}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {}

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {}

}
