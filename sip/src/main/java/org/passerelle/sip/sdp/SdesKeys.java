package org.passerelle.sip.sdp;

import java.util.Objects;

/**
 * The SDES-SRTP of one call (RFC 4568): the peer's a=crypto line, which keys what it sends us,
 * and ours (same tag and suite, our own key), which keys what we send.
 */
public record SdesKeys(SdesCrypto remote, SdesCrypto local) {
    public SdesKeys {
        Objects.requireNonNull(remote);
        Objects.requireNonNull(local);
        if (remote.suite() != local.suite() || remote.tag() != local.tag()) {
            throw new IllegalArgumentException("the answer keeps the offer's tag and suite");
        }
    }

    public SrtpSuite suite() {
        return remote.suite();
    }
}
