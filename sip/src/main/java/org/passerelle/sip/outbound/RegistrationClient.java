package org.passerelle.sip.outbound;

import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import javax.sip.ClientTransaction;
import javax.sip.ResponseEvent;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.passerelle.sip.SerialExecutor;
import org.passerelle.sip.trunk.Credentials;
import org.passerelle.sip.trunk.OutboundTrunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps one outbound trunk registered with its registrar (RFC 3261 §10.2): REGISTER with our
 * Contact and the trunk's expiry, digest answers to 401/407, refresh at 80 % of what the
 * registrar granted, exponential back-off after failures, and Expires: 0 on close. Every change
 * runs on its own serial executor; {@link #status()} is a volatile snapshot.
 */
public final class RegistrationClient {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationClient.class);
    /** Refresh when this share of the granted lifetime has passed. */
    static final double REFRESH_AT = 0.8;
    /** Challenges answered for one REGISTER before giving up (a second one only when stale). */
    private static final int MAX_CHALLENGES = 2;

    private final OutboundContext ctx;
    private final OutboundTrunk trunk;
    private final ProxyAddress proxy;
    private final Backoff backoff;
    private final DoubleSupplier random;
    private final SerialExecutor executor;
    private final DigestClient digest = new DigestClient();
    /** One Call-ID for all REGISTERs to this registrar (RFC 3261 §10.2.4 SHOULD). */
    private final String callId;
    private final String fromTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String user;
    private final CountDownLatch closed = new CountDownLatch(1);

    // Owned by the executor.
    private RegistrationState state = RegistrationState.IDLE;
    private long cseq;
    private ClientTransaction pending;
    private int challenges;
    private int failures;
    private int requestedSeconds;
    private String advertised;
    private ScheduledFuture<?> timer;
    private Instant registeredUntil;

    private volatile RegistrationStatus status;

    public RegistrationClient(OutboundContext ctx, OutboundTrunk trunk, Backoff backoff) {
        this(ctx, trunk, backoff, () -> ThreadLocalRandom.current().nextDouble());
    }

    RegistrationClient(OutboundContext ctx, OutboundTrunk trunk, Backoff backoff, DoubleSupplier random) {
        this.ctx = ctx;
        this.trunk = trunk;
        this.proxy = ProxyAddress.parse(trunk.proxy(), trunk.transport());
        this.backoff = backoff;
        this.random = random;
        this.executor = new SerialExecutor(ctx.callThreads());
        this.callId = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-reg@passerelle";
        Credentials auth = trunk.auth();
        this.user = auth != null && auth.username() != null ? auth.username()
                : trunk.callerId() != null ? trunk.callerId() : trunk.name();
        Duration expiry = trunk.registerExpiry() == null ? Duration.ofHours(1) : trunk.registerExpiry();
        this.requestedSeconds = (int) Math.max(1, expiry.toSeconds());
        this.status = new RegistrationStatus(trunk.name(), state, 0, "", null, null, 0);
    }

    public String trunkName() {
        return trunk.name();
    }

    /** The Call-ID of our REGISTERs, to route responses here. */
    public String callId() {
        return callId;
    }

    public RegistrationStatus status() {
        return status;
    }

    /** Sends the first REGISTER. */
    public void start() {
        run(() -> {
            if (!transition(RegistrationEvent.START)) return;
            sendRegister(requestedSeconds, null);
        });
    }

    /** Removes the binding (Expires: 0) and waits up to {@code wait} for the registrar's answer. */
    public void close(Duration wait) {
        run(() -> {
            cancelTimer();
            RegistrationState before = state;
            if (!transition(RegistrationEvent.CLOSE)) return;
            if (state == RegistrationState.UNREGISTERING) {
                LOG.info("unregistering from {}", proxy.hostPort());
                challenges = 0;
                sendRegister(0, null);
            }
            if (state == RegistrationState.CLOSED || before == RegistrationState.CLOSED) closed.countDown();
        });
        try {
            closed.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- from the dispatcher (JAIN-SIP threads) ----

    void onResponse(ResponseEvent event) {
        Response r = event.getResponse();
        ClientTransaction ct = event.getClientTransaction();
        run(() -> {
            if (ct == null || ct != pending) return; // a late answer to an older REGISTER
            int code = r.getStatusCode();
            if (code < 200) return;
            pending = null;
            if (state == RegistrationState.UNREGISTERING) {
                if ((code == 401 || code == 407) && answerChallenge(r, 0)) return;
                LOG.info("unregistered: {} {}", code, r.getReasonPhrase());
                finish();
                return;
            }
            if (code < 300) {
                accepted(r);
            } else if ((code == 401 || code == 407) && answerChallenge(r, requestedSeconds)) {
                LOG.debug("REGISTER challenged ({}), answered", code);
            } else if (code == Response.INTERVAL_TOO_BRIEF && r.getHeader(MinExpiresHeader.NAME) instanceof MinExpiresHeader min
                    && min.getExpires() > requestedSeconds) {
                // RFC 3261 §10.2.8: retry with at least Min-Expires.
                requestedSeconds = min.getExpires();
                LOG.info("registrar wants at least {} s", requestedSeconds);
                if (transition(RegistrationEvent.RESEND)) sendRegister(requestedSeconds, null);
            } else {
                RetryAfterHeader ra = (RetryAfterHeader) r.getHeader(RetryAfterHeader.NAME);
                failed(RegistrationEvent.REJECTED, code, r.getReasonPhrase(),
                        ra == null || ra.getRetryAfter() <= 0 ? null : Duration.ofSeconds(ra.getRetryAfter()));
            }
        });
    }

    /** The REGISTER transaction got no response (RFC 3261 §17.1.2.2 Timer F). */
    void onTimeout(ClientTransaction ct) {
        run(() -> {
            if (ct != pending) return;
            pending = null;
            if (state == RegistrationState.UNREGISTERING) {
                finish();
            } else {
                failed(RegistrationEvent.TIMED_OUT, Response.REQUEST_TIMEOUT, "no response from " + proxy.hostPort(), null);
            }
        });
    }

    // ---- internals, on the executor ----

    private void accepted(Response r) {
        int granted = grantedSeconds(r);
        if (granted <= 0) {
            // The registrar kept no binding for our Contact: nothing to refresh.
            failed(RegistrationEvent.REJECTED, r.getStatusCode(), "binding not kept (expires=0)", null);
            return;
        }
        if (!transition(RegistrationEvent.ACCEPTED)) return;
        challenges = 0;
        failures = 0;
        Instant now = ctx.wallClock().instant();
        registeredUntil = now.plusSeconds(granted);
        long refreshMs = Math.max(500, (long) (granted * 1000L * REFRESH_AT));
        LOG.info("registered with {} for {} s, refresh in {} ms", proxy.hostPort(), granted, refreshMs);
        publish(r.getStatusCode(), r.getReasonPhrase(), null);
        schedule(refreshMs, () -> {
            if (transition(RegistrationEvent.REFRESH_DUE)) {
                challenges = 0;
                sendRegister(requestedSeconds, null);
            }
        });
    }

    /**
     * What the registrar granted for our binding: the expires of our Contact in the 200, else
     * its Expires header, else what we asked (RFC 3261 §10.2.4).
     */
    private int grantedSeconds(Response r) {
        ListIterator<?> contacts = r.getHeaders(ContactHeader.NAME);
        while (contacts != null && contacts.hasNext()) {
            ContactHeader c = (ContactHeader) contacts.next();
            if (c.getAddress().getURI() instanceof SipURI uri && ours(uri) && c.getExpires() >= 0) {
                return c.getExpires();
            }
        }
        ExpiresHeader e = (ExpiresHeader) r.getHeader(ExpiresHeader.NAME);
        return e != null ? e.getExpires() : requestedSeconds;
    }

    private boolean ours(SipURI uri) {
        return uri.getHost() != null && advertised != null
                && uri.getHost().replace("[", "").replace("]", "").equalsIgnoreCase(advertised)
                && (uri.getPort() <= 0 ? 5060 : uri.getPort()) == ctx.config().port()
                && (uri.getUser() == null || uri.getUser().equals(user));
    }

    /** Answers a 401/407 when we have credentials and have not been refused already; false if not. */
    private boolean answerChallenge(Response r, int expires) {
        Credentials creds = trunk.auth();
        if (creds == null) {
            LOG.info("registrar asks for credentials, trunk {} has none", trunk.name());
            return false;
        }
        List<DigestChallenge> offered = new ArrayList<>();
        String name = r.getStatusCode() == 407 ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME;
        ListIterator<?> it = r.getHeaders(name);
        while (it != null && it.hasNext()) offered.add(DigestChallenge.of((WWWAuthenticateHeader) it.next()));
        DigestChallenge c = DigestClient.strongest(offered).orElse(null);
        if (c == null) {
            LOG.info("no digest challenge we support (MD5, SHA-256, SHA-512-256 with qop auth)");
            return false;
        }
        // A second challenge after our answer means the password is wrong, unless only the nonce aged.
        if (challenges >= MAX_CHALLENGES || (challenges > 0 && !c.stale())) return false;
        challenges++;
        if (state != RegistrationState.UNREGISTERING && !transition(RegistrationEvent.RESEND)) return false;
        sendRegister(expires, c);
        return true;
    }

    private void failed(RegistrationEvent event, int code, String reason, Duration retryAfter) {
        if (!transition(event)) return;
        failures++;
        challenges = 0;
        registeredUntil = null;
        Duration delay = retryAfter != null ? retryAfter : backoff.delay(failures, random.getAsDouble());
        Instant retryAt = ctx.wallClock().instant().plus(delay);
        LOG.warn("registration with {} failed: {} {}; retry in {} s", proxy.hostPort(), code, reason, delay.toSeconds());
        publish(code, reason, retryAt);
        schedule(delay.toMillis(), () -> {
            if (transition(RegistrationEvent.RETRY_DUE)) sendRegister(requestedSeconds, null);
        });
    }

    private void finish() {
        cancelTimer();
        state = RegistrationState.CLOSED;
        registeredUntil = null;
        publish(status.lastCode(), status.lastReason(), null);
        closed.countDown();
    }

    /** Builds and sends a REGISTER, with an answer to {@code challenge} when given (RFC 3261 §10.2). */
    private void sendRegister(int expires, DigestChallenge challenge) {
        try {
            if (advertised == null) advertised = ctx.advertisedAddress(proxy.host(), proxy.effectivePort());
            // Request-URI: the registrar's domain, no user (§10.2); To and From: our address-of-record.
            SipURI registrar = ctx.sipUri(null, proxy.hostPort(), proxy.transport());
            String domain = proxy.hostPort();
            Address aor = ctx.addresses().createAddress(ctx.addresses().createURI("sip:" + user + "@" + domain));
            Request req = ctx.request(Request.REGISTER, registrar, aor, fromTag, aor, callId, ++cseq,
                    proxy.transport(), advertised);
            ContactHeader contact = ctx.contact(user, advertised, proxy.transport());
            req.setHeader(contact);
            req.setHeader(ctx.headers().createExpiresHeader(expires));
            if (challenge != null) {
                String value = digest.authorize(challenge, trunk.auth(), Request.REGISTER, registrar.toString());
                req.setHeader(ctx.headers().createHeader(challenge.answerHeaderName(), value));
            }
            ClientTransaction ct = ctx.provider().getNewClientTransaction(req);
            pending = ct;
            ct.sendRequest();
            LOG.debug("REGISTER {} expires={}{}", registrar, expires, challenge == null ? "" : " with credentials");
        } catch (Exception e) {
            pending = null;
            LOG.warn("cannot send REGISTER to {}: {}", proxy.hostPort(), e.toString());
            if (state == RegistrationState.UNREGISTERING) {
                finish();
            } else {
                failed(RegistrationEvent.TIMED_OUT, 503, "cannot send: " + e.getMessage(), null);
            }
        }
    }

    private void publish(int code, String reason, Instant retryAt) {
        status = new RegistrationStatus(trunk.name(), state, code, reason == null ? "" : reason,
                state.bound() ? registeredUntil : null, retryAt, failures);
    }

    private boolean transition(RegistrationEvent event) {
        RegistrationState next = state.next(event);
        if (next == null) {
            LOG.debug("{} ignored in {}", event, state);
            return false;
        }
        state = next;
        RegistrationStatus s = status;
        status = new RegistrationStatus(s.trunk(), state, s.lastCode(), s.lastReason(),
                state.bound() ? registeredUntil : null, state == RegistrationState.BACKOFF ? s.retryAt() : null, failures);
        return true;
    }

    private void schedule(long delayMs, Runnable task) {
        cancelTimer();
        timer = ctx.rtpGroup().schedule(() -> run(task), delayMs, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) timer.cancel(false);
        timer = null;
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
}
