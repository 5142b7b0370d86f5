package org.passerelle.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a Digest Authorization against one set of credentials (RFC 3261 §22.4 with the RFC 7616
 * computation, RFC 8760 for SHA-256). Nonces come from a {@link NonceIssuer}; each accepted
 * (nonce, nc, cnonce) is remembered for the nonce's lifetime, in a bounded table, so a captured
 * INVITE cannot be replayed.
 */
public final class DigestVerifier {
    /** What a presented Authorization proves. */
    public enum Outcome {
        /** Right credentials, fresh nonce. */
        ACCEPTED,
        /** Right credentials but an old nonce: challenge again with stale=true (RFC 7616 §3.3). */
        STALE,
        /** A nonce we did not issue, or a replay: challenge again; nothing can be concluded. */
        NOT_OURS,
        /** Wrong user, realm, uri, algorithm, qop or response: a failed attempt. */
        WRONG
    }

    /** RFC 7616 §3.4: nc is exactly 8 hex digits. */
    private static final Pattern NC = Pattern.compile("[0-9a-fA-F]{8}");
    private static final int MAX_REMEMBERED = 10_000;

    private final NonceIssuer nonces;
    private final Clock clock;
    /** Accepted "nonce nc cnonce" → when it may be forgotten (epoch ms), oldest first. */
    private final Map<String, Long> used = new LinkedHashMap<>();

    public DigestVerifier(NonceIssuer nonces, Clock clock) {
        this.nonces = nonces;
        this.clock = clock;
    }

    public NonceIssuer nonces() {
        return nonces;
    }

    /**
     * @param method     the request's method (A2)
     * @param uriMatches whether the Authorization's uri names the Request-URI (the caller compares
     *                   them as SIP URIs)
     * @param source     the client's address, bound into our nonces
     */
    public Outcome verify(DigestAuthorization auth, String method, boolean uriMatches, String username,
                          String password, String realm, String source) {
        DigestAlgorithm algorithm = DigestAlgorithm.fromToken(auth.algorithm());
        if (algorithm == null || auth.nonce() == null || auth.response() == null || auth.uri() == null) {
            return Outcome.WRONG;
        }
        NonceIssuer.Check nonce = nonces.check(auth.nonce(), source, realm);
        if (nonce == NonceIssuer.Check.UNKNOWN) return Outcome.NOT_OURS;
        if (!username.equals(auth.username()) || !realm.equals(auth.realm()) || !uriMatches) return Outcome.WRONG;
        // We offer qop="auth" only, so the client must use it with nc and cnonce (RFC 7616 §3.4).
        if (auth.qop() == null || !"auth".equals(auth.qop().toLowerCase(Locale.ROOT)) || auth.nc() == null
                || !NC.matcher(auth.nc()).matches() || auth.cnonce() == null || auth.cnonce().isEmpty()) {
            return Outcome.WRONG;
        }
        String expected = algorithm.response(username, realm, password, method, auth.uri(), auth.nonce(),
                auth.nc(), auth.cnonce(), auth.qop());
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.response().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Outcome.WRONG;
        }
        if (nonce == NonceIssuer.Check.STALE) return Outcome.STALE;
        return firstUse(auth) ? Outcome.ACCEPTED : Outcome.NOT_OURS;
    }

    private synchronized boolean firstUse(DigestAuthorization auth) {
        long now = clock.millis();
        var it = used.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() > now && used.size() < MAX_REMEMBERED) break;
            it.remove();
        }
        String key = auth.nonce() + ' ' + auth.nc().toLowerCase(Locale.ROOT) + ' ' + auth.cnonce();
        if (used.containsKey(key)) return false;
        used.put(key, now + nonces.lifetime().toMillis());
        return true;
    }
}
