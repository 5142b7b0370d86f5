package org.passerelle.sip.trunk;

/**
 * Digest credentials (RFC 3261 §22, RFC 8760 for SHA-256). The password never appears in
 * {@link #toString()}, so it cannot reach a log by accident.
 */
public record Credentials(String username, String password, String realm) {
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", realm=" + realm + ", password=***]";
    }
}
