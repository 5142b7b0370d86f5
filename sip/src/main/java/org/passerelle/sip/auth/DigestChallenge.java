package org.passerelle.sip.auth;

import java.util.ArrayList;
import java.util.List;

/** The WWW-Authenticate values of one challenge. */
public final class DigestChallenge {
    private DigestChallenge() {}

    /**
     * One value per algorithm, strongest first (RFC 7616 §3.7, RFC 8760 §2.4: the client uses the
     * first one it supports), each with qop="auth" and, after a stale nonce, stale=true (§3.3).
     */
    public static List<String> headerValues(String realm, String nonce, boolean stale) {
        return headerValues(List.of(DigestAlgorithm.values()), realm, nonce, stale);
    }

    /** The same with the algorithms given, in that order. */
    public static List<String> headerValues(List<DigestAlgorithm> algorithms, String realm, String nonce,
                                            boolean stale) {
        List<String> out = new ArrayList<>(algorithms.size());
        for (DigestAlgorithm a : algorithms) {
            out.add("Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", algorithm=" + a.token()
                    + ", qop=\"auth\"" + (stale ? ", stale=true" : ""));
        }
        return out;
    }
}
