package org.passerelle.sip.outbound;

/** What happens to a dial-out (the UAC side of RFC 3261 §13.2, §15). */
public enum OutboundCallEvent {
    /** 1xx without SDP. */
    PROVISIONAL,
    /** 1xx with an SDP answer (183 Session Progress): early media. */
    EARLY_ANSWER,
    /** 401/407 answered with credentials: a new INVITE goes out (CSeq + 1, RFC 3261 §22.2). */
    CHALLENGED,
    /** 488 to our SRTP offer with srtp optional: a new INVITE offers plain RTP (CSeq + 1). */
    OFFER_REFUSED,
    /** 2xx: ACK sent. */
    ANSWERED,
    /** Ring timeout or hang-up before the answer: CANCEL sent (RFC 3261 §9.1). */
    CANCEL,
    /** A final error response (3xx-6xx) ends the attempt. */
    FINAL_ERROR,
    /** The far end sent BYE. */
    BYE_RECEIVED,
    /** We sent BYE. */
    HANGUP,
    /** No RTP for the configured time. */
    RTP_TIMEOUT,
    /** No response, transport error, or an unusable answer. */
    FAILURE
}
