package org.passerelle.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Digest hash algorithms we offer: SHA-256 (RFC 8760 for SIP) first, MD5 for older phones. */
public enum DigestAlgorithm {
    SHA_256("SHA-256", "SHA-256"),
    MD5("MD5", "MD5");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The algorithm token as written in WWW-Authenticate and Authorization (RFC 7616 §3.3). */
    public String token() {
        return token;
    }

    /**
     * The algorithm an Authorization names; absent means MD5 (RFC 7616 §3.3, RFC 3261 §22.4). The
     * -sess variants are not offered by us, so they are unknown here (null).
     */
    public static DigestAlgorithm fromToken(String token) {
        if (token == null || token.isBlank()) return MD5;
        String t = token.trim().toUpperCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.token.equals(t)) return a;
        }
        return null;
    }

    /** Lower-case hex of the hash of the UTF-8 text (RFC 7616 §3.4.1 H and KD). */
    public String hex(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance(jcaName);
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " missing from the JDK", e);
        }
    }

    /**
     * The request-digest for qop=auth (RFC 7616 §3.4.1): KD(H(A1), nonce:nc:cnonce:qop:H(A2)) with
     * A1 = username:realm:password and A2 = method:digest-uri.
     */
    public String response(String username, String realm, String password, String method, String uri,
                           String nonce, String nc, String cnonce, String qop) {
        String ha1 = hex(username + ":" + realm + ":" + password);
        String ha2 = hex(method + ":" + uri);
        return hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }
}
