package org.passerelle.sip.outbound;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import org.passerelle.sip.trunk.OutboundTrunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the SIP server: registrations of outbound trunks and dial-outs. The server's
 * router hands it every response, every transaction timeout and the requests of its dialogs;
 * it finds the registration or call they belong to by Call-ID.
 */
public final class Outbound implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbound.class);
    /** How long a dial-out rings before CANCEL when the caller gives no timeout. */
    public static final Duration DEFAULT_RING_TIMEOUT = Duration.ofSeconds(60);

    private final OutboundContext ctx;
    private final Backoff backoff;
    private final List<RegistrationClient> registrations = new CopyOnWriteArrayList<>();
    private final Map<String, RegistrationClient> registrationsByCallId = new ConcurrentHashMap<>();
    private final Map<String, OutboundSipCall> calls = new ConcurrentHashMap<>();

    public Outbound(OutboundContext ctx, Backoff backoff) {
        this.ctx = ctx;
        this.backoff = backoff;
    }

    /** Starts a registration for every outbound trunk with register=true. */
    public void startRegistrations() {
        for (OutboundTrunk t : ctx.config().outboundTrunks()) {
            if (!t.register()) continue;
            RegistrationClient c = new RegistrationClient(ctx, t, backoff);
            registrations.add(c);
            registrationsByCallId.put(c.callId(), c);
            c.start();
        }
    }

    /** One status per registering trunk, in configuration order. */
    public List<RegistrationStatus> registrations() {
        List<RegistrationStatus> out = new ArrayList<>();
        for (RegistrationClient c : registrations) out.add(c.status());
        return out;
    }

    /**
     * Places a call; {@code onGone} runs once when it ends. Throws IllegalArgumentException for a
     * target that is neither a number nor a SIP URI, IOException when no RTP port is free.
     */
    public OutboundCall dial(OutboundTrunk trunk, String target, String callerId, String displayName,
                             Duration ringTimeout, OutboundCall.Listener listener, Runnable onGone) throws IOException {
        String[] id = new String[1];
        OutboundSipCall call = OutboundSipCall.create(ctx, trunk, target, callerId, displayName,
                ringTimeout == null ? DEFAULT_RING_TIMEOUT : ringTimeout, listener, () -> {
                    calls.remove(id[0]);
                    onGone.run();
                });
        id[0] = call.callId();
        calls.put(call.callId(), call);
        call.start();
        return call;
    }

    /** Outbound calls in progress. */
    public int activeCalls() {
        return calls.size();
    }

    // ---- from the router (JAIN-SIP threads; nothing slow here) ----

    /** A response to one of our requests. */
    public void onResponse(ResponseEvent event) {
        String callId = callId(event.getResponse());
        OutboundSipCall call = calls.get(callId);
        if (call != null) {
            call.onResponse(event);
            return;
        }
        RegistrationClient reg = registrationsByCallId.get(callId);
        if (reg != null) reg.onResponse(event);
    }

    /** A client transaction of ours timed out. */
    public void onTimeout(TimeoutEvent event) {
        if (event.isServerTransaction()) return;
        ClientTransaction ct = event.getClientTransaction();
        if (ct == null) return;
        String callId = callId(ct.getRequest());
        OutboundSipCall call = calls.get(callId);
        if (call != null) {
            call.onTimeout(ct);
            return;
        }
        RegistrationClient reg = registrationsByCallId.get(callId);
        if (reg != null) reg.onTimeout(ct);
    }

    /**
     * A request in the dialog of one of our calls (BYE, re-INVITE, ACK); true when handled here.
     * Other methods are left to the router's usual answers.
     */
    public boolean onRequest(RequestEvent event) {
        Request request = event.getRequest();
        OutboundSipCall call = calls.get(callId(request));
        if (call == null) return false;
        switch (request.getMethod().toUpperCase(Locale.ROOT)) {
            case Request.ACK -> call.onAck(request);
            case Request.BYE -> {
                ServerTransaction st = transaction(event);
                if (st != null) call.onBye(st);
            }
            case Request.INVITE -> {
                ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
                if (to == null || to.getTag() == null) return false; // not in our dialog
                ServerTransaction st = transaction(event);
                if (st != null) call.onReInvite(st, request);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Un-REGISTERs every trunk and ends every dial-out. */
    @Override
    public void close() {
        List<OutboundSipCall> open = new ArrayList<>(calls.values());
        for (OutboundSipCall c : open) c.shutdown();
        for (OutboundSipCall c : open) c.awaitEnd(2, TimeUnit.SECONDS);
        // In parallel: each waits up to 2 s for its registrar.
        List<Thread> waits = new ArrayList<>();
        for (RegistrationClient r : registrations) {
            waits.add(Thread.ofVirtual().start(() -> r.close(Duration.ofSeconds(2))));
        }
        for (Thread t : waits) {
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.debug("outbound side closed");
    }

    private ServerTransaction transaction(RequestEvent event) {
        ServerTransaction st = event.getServerTransaction();
        if (st != null) return st;
        try {
            return ctx.provider().getNewServerTransaction(event.getRequest());
        } catch (TransactionAlreadyExistsException e) {
            return null; // a retransmission
        } catch (Exception e) {
            LOG.debug("no server transaction: {}", e.toString());
            return null;
        }
    }

    private static String callId(Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "" : h.getCallId();
    }
}
