package org.passerelle.sip.trunk;

import java.util.List;

/**
 * Digest credentials (RFC 3261 §22, RFC 8760 for SHA-256). The password never appears in
 * {@link #toString()}, so it cannot reach a log by accident.
 *
 * @param algorithms for an inbound trunk, the digest algorithms we challenge with, in order
 *                   ("SHA-256", "MD5"); older UACs that read only the first challenge and know
 *                   only MD5 (SIPp 3.6, some PBXs) need ["MD5"]. Empty: SHA-256 then MD5.
 */
public record Credentials(String username, String password, String realm, List<String> algorithms) {
    public Credentials {
        algorithms = algorithms == null ? List.of() : List.copyOf(algorithms);
    }

    public Credentials(String username, String password, String realm) {
        this(username, password, realm, List.of());
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", realm=" + realm + ", algorithms=" + algorithms
                + ", password=***]";
    }
}
