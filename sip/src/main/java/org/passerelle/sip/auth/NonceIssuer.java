package org.passerelle.sip.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless digest nonces (RFC 7616 §3.3 leaves their form to the server): the issue time and an
 * HMAC-SHA256 of it, the client's address and the realm under a per-process secret. Checking one
 * needs no table, so a flood of INVITEs costs no memory; a nonce from another address, another
 * realm or an earlier process is not ours.
 */
public final class NonceIssuer {
    /** What a presented nonce is. */
    public enum Check {
        /** Ours and within its lifetime. */
        FRESH,
        /** Ours but too old: challenge again with stale=true if the digest was right. */
        STALE,
        /** Not ours (forged, other source or realm, or from before a restart). */
        UNKNOWN
    }

    private static final int TIME_BYTES = Long.BYTES;
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration lifetime;

    /** A fresh random secret: nonces die with the process. */
    public NonceIssuer(Clock clock, Duration lifetime) {
        this(randomSecret(), clock, lifetime);
    }

    public NonceIssuer(byte[] secret, Clock clock, Duration lifetime) {
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new nonce for a challenge sent to {@code source} in {@code realm}. */
    public String issue(String source, String realm) {
        long now = clock.millis();
        ByteBuffer b = ByteBuffer.allocate(TIME_BYTES + MAC_BYTES);
        b.putLong(now).put(mac(now, source, realm));
        return ENCODER.encodeToString(b.array());
    }

    public Check check(String nonce, String source, String realm) {
        if (nonce == null || nonce.length() > 64) return Check.UNKNOWN;
        byte[] raw;
        try {
            raw = DECODER.decode(nonce);
        } catch (IllegalArgumentException e) {
            return Check.UNKNOWN;
        }
        if (raw.length != TIME_BYTES + MAC_BYTES) return Check.UNKNOWN;
        long issued = ByteBuffer.wrap(raw).getLong();
        byte[] presented = Arrays.copyOfRange(raw, TIME_BYTES, raw.length);
        if (!MessageDigest.isEqual(presented, mac(issued, source, realm))) return Check.UNKNOWN;
        long age = clock.millis() - issued;
        // A nonce from the future is ours only if the clock stepped back; treat it as stale.
        return age >= 0 && age <= lifetime.toMillis() ? Check.FRESH : Check.STALE;
    }

    private byte[] mac(long issued, String source, String realm) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(ByteBuffer.allocate(TIME_BYTES).putLong(issued).array());
            m.update((source + "\n" + realm).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(m.doFinal(), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] randomSecret() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return s;
    }
}
