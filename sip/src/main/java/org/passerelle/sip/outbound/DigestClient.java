package org.passerelle.sip.outbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.passerelle.sip.trunk.Credentials;

/**
 * Answers digest challenges for one client (a registration or an outbound call): MD5 (RFC 3261
 * §22.4), SHA-256 and SHA-512-256 (RFC 8760, RFC 7616), with qop=auth. Hashes come from
 * {@link MessageDigest}. Keeps the nonce count of the last nonce; use it from one thread. The
 * values it returns are credentials: never log them.
 */
public final class DigestClient {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Strongest first: RFC 8760 §2.4 asks a UAC to use the strongest algorithm it supports. */
    private static final List<String> PREFERENCE = List.of("SHA-512-256", "SHA-256", "MD5");

    private final Supplier<String> cnonces;
    private String lastNonce;
    private int nonceCount;

    public DigestClient() {
        this(DigestClient::randomCnonce);
    }

    /** With chosen client nonces (tests). */
    public DigestClient(Supplier<String> cnonces) {
        this.cnonces = cnonces;
    }

    /** The strongest challenge we can answer, if any (RFC 8760 §2.4: several may come at once). */
    public static Optional<DigestChallenge> strongest(List<DigestChallenge> challenges) {
        DigestChallenge best = null;
        int bestRank = Integer.MAX_VALUE;
        for (DigestChallenge c : challenges) {
            if (c == null || c.nonce() == null || !supportedQop(c)) continue;
            int rank = PREFERENCE.indexOf(baseAlgorithm(c.algorithm()));
            if (rank >= 0 && rank < bestRank) {
                best = c;
                bestRank = rank;
            }
        }
        return Optional.ofNullable(best);
    }

    /** True when the algorithm and qop of {@code c} are ones we can answer. */
    public static boolean supports(DigestChallenge c) {
        return PREFERENCE.contains(baseAlgorithm(c.algorithm())) && supportedQop(c);
    }

    /**
     * The value of the Authorization (or Proxy-Authorization) header answering {@code c} for a
     * request; the nonce count goes up when the same nonce is answered again (RFC 7616 §3.4).
     */
    public String authorize(DigestChallenge c, Credentials creds, String method, String uri) {
        if (c.nonce().equals(lastNonce)) {
            nonceCount++;
        } else {
            lastNonce = c.nonce();
            nonceCount = 1;
        }
        return header(c, creds, method, uri, cnonces.get(), nonceCount);
    }

    /** The header value for a given client nonce and count (pure; RFC 7616 §3.4). */
    static String header(DigestChallenge c, Credentials creds, String method, String uri, String cnonce, int nc) {
        String realm = c.realm() == null ? "" : c.realm();
        String qop = c.qop().isEmpty() ? null : "auth";
        String ncText = String.format(Locale.ROOT, "%08x", nc);
        String response = response(c.algorithm(), creds.username(), creds.password(), realm, c.nonce(),
                qop == null ? null : cnonce, ncText, qop, method, uri);
        StringBuilder sb = new StringBuilder("Digest username=").append(quote(creds.username()))
                .append(",realm=").append(quote(realm))
                .append(",nonce=").append(quote(c.nonce()))
                .append(",uri=").append(quote(uri))
                .append(",response=").append(quote(response))
                .append(",algorithm=").append(c.algorithm());
        if (qop != null) {
            sb.append(",cnonce=").append(quote(cnonce)).append(",qop=").append(qop).append(",nc=").append(ncText);
        }
        if (c.opaque() != null) sb.append(",opaque=").append(quote(c.opaque()));
        return sb.toString();
    }

    /**
     * The request-digest (RFC 7616 §3.4.1, RFC 2617 §3.2.2.1): KD(H(A1), nonce:nc:cnonce:qop:H(A2)),
     * or KD(H(A1), nonce:H(A2)) without qop (RFC 2069).
     */
    static String response(String algorithm, String username, String password, String realm, String nonce,
                           String cnonce, String nc, String qop, String method, String uri) {
        String base = baseAlgorithm(algorithm);
        MessageDigest md = digest(base);
        String ha1 = hash(md, username + ":" + realm + ":" + password);
        if (algorithm.toUpperCase(Locale.ROOT).endsWith("-SESS")) {
            // RFC 7616 §3.4.2: the session variant mixes both nonces into A1.
            ha1 = hash(md, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hash(md, method + ":" + uri);
        return qop == null ? hash(md, ha1 + ":" + nonce + ":" + ha2)
                : hash(md, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    private static boolean supportedQop(DigestChallenge c) {
        // auth-int would need the body's hash; every registrar offering it also offers auth.
        return c.qop().isEmpty() || c.qop().contains("auth");
    }

    private static String baseAlgorithm(String algorithm) {
        String a = algorithm == null ? "MD5" : algorithm.trim().toUpperCase(Locale.ROOT);
        return a.endsWith("-SESS") ? a.substring(0, a.length() - 5) : a;
    }

    private static MessageDigest digest(String base) {
        String jca = switch (base) {
            case "MD5" -> "MD5";
            case "SHA-256" -> "SHA-256";
            case "SHA-512-256" -> "SHA-512/256";
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + base);
        };
        try {
            return MessageDigest.getInstance(jca);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jca + " missing from the JDK", e);
        }
    }

    private static String hash(MessageDigest md, String s) {
        md.reset();
        return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** A quoted-string (RFC 3261 §25.1): backslash-escapes quotes and backslashes. */
    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String randomCnonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
