package org.passerelle.sip.auth;

/**
 * The fields of one Digest Authorization header (RFC 3261 §22.4, RFC 7616 §3.4), as sent.
 * Never logged whole: {@link #toString()} leaves out the response.
 *
 * @param algorithm the token as sent, or null when absent (then MD5)
 */
public record DigestAuthorization(String username, String realm, String nonce, String uri, String response,
                                  String algorithm, String qop, String nc, String cnonce) {
    @Override
    public String toString() {
        return "DigestAuthorization[username=" + username + ", realm=" + realm + ", algorithm=" + algorithm
                + ", qop=" + qop + ", nc=" + nc + "]";
    }
}
