package org.passerelle.sip.outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.WWWAuthenticateHeader;

/**
 * One digest challenge of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate), as JAIN-SIP
 * parsed it (RFC 3261 §22.4, RFC 7616 §3.3).
 *
 * @param realm     protection space; shown to admins, never secret
 * @param nonce     server nonce
 * @param algorithm "MD5", "SHA-256", "SHA-512-256", optionally "-sess"; MD5 when absent
 * @param qop       offered quality-of-protection values ("auth", "auth-int"); empty for RFC 2069
 * @param opaque    to echo back, or null
 * @param stale     true when only the nonce expired (RFC 7616 §3.3: retry without asking the user)
 * @param proxy     true for 407 / Proxy-Authenticate, answered with Proxy-Authorization
 */
public record DigestChallenge(String realm, String nonce, String algorithm, List<String> qop, String opaque,
                              boolean stale, boolean proxy) {

    public DigestChallenge {
        algorithm = algorithm == null || algorithm.isBlank() ? "MD5" : algorithm.trim();
        qop = qop == null ? List.of() : List.copyOf(qop);
    }

    /** The challenge of a JAIN-SIP header, or null when its scheme is not Digest. */
    public static DigestChallenge of(WWWAuthenticateHeader h) {
        if (h.getScheme() == null || !"digest".equalsIgnoreCase(h.getScheme())) return null;
        List<String> qops = new ArrayList<>();
        if (h.getQop() != null) {
            for (String q : h.getQop().split(",")) {
                if (!q.isBlank()) qops.add(q.trim().toLowerCase(Locale.ROOT));
            }
        }
        return new DigestChallenge(h.getRealm(), h.getNonce(), h.getAlgorithm(), qops, h.getOpaque(), h.isStale(),
                h instanceof ProxyAuthenticateHeader);
    }

    /** The header that answers this challenge (RFC 3261 §22.2, §22.3). */
    public String answerHeaderName() {
        return proxy ? "Proxy-Authorization" : "Authorization";
    }
}
