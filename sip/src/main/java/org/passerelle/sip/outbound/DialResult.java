package org.passerelle.sip.outbound;

import org.passerelle.sip.SipLeg;

/**
 * How a dial-out turned out, reported once in {@link OutboundCall.Listener#onEnded}.
 *
 * @param outcome what the admin API reports
 * @param sipCode the final SIP status of the INVITE (200 when answered; 408 for our ring
 *                timeout; 0 when nothing was received, e.g. a transport error)
 * @param reason  its reason phrase, or what went wrong locally
 * @param end     how the call ended: REMOTE_BYE, LOCAL_HANGUP, RTP_TIMEOUT after an answer;
 *                CANCELLED (ring timeout or hang-up before answer), REJECTED, ERROR before
 */
public record DialResult(Outcome outcome, int sipCode, String reason, SipLeg.EndReason end) {

    public enum Outcome {
        /** 2xx: the call was up (however it ended later). */
        ANSWERED,
        /** 486 Busy Here or 600 Busy Everywhere. */
        BUSY,
        /** 408, 480, our ring timeout, or our hang-up before answer (CANCEL). */
        NO_ANSWER,
        /** Any other final error (4xx-6xx), code and reason given. */
        REJECTED,
        /** No response, transport error, unusable SDP, or a local problem. */
        FAILED
    }

    /** The outcome of a final error response to our INVITE (RFC 3261 §21). */
    public static Outcome ofStatus(int code) {
        if (code >= 200 && code < 300) return Outcome.ANSWERED;
        return switch (code) {
            case 486, 600 -> Outcome.BUSY;
            case 408, 480, 487 -> Outcome.NO_ANSWER;
            default -> Outcome.REJECTED;
        };
    }
}
