package org.passerelle.sip.sdp;

/** What we accept for one call's media protection: plain RTP, SDES-SRTP (RFC 4568), or either. */
public enum SrtpMode {
    /** RTP/AVP only; an RTP/SAVP offer is refused (488): SDES keys need a secure signalling path. */
    OFF,
    /** RTP/SAVP with a=crypto when offered, RTP/AVP otherwise. */
    OPTIONAL,
    /** RTP/SAVP only; an RTP/AVP offer is refused. */
    MANDATORY;

    public boolean allowsSrtp() {
        return this != OFF;
    }

    public boolean allowsPlain() {
        return this != MANDATORY;
    }
}
