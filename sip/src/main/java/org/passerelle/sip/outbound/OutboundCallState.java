package org.passerelle.sip.outbound;

/**
 * State of a dial-out. The whole life cycle is the pure function {@link #next(OutboundCallEvent)};
 * an illegal event returns null and changes nothing.
 */
public enum OutboundCallState {
    /** INVITE sent, nothing (or only 100) back. */
    CALLING,
    /** Ringing (180 or another provisional without SDP). */
    PROCEEDING,
    /** Early media: a provisional carried the SDP answer (RFC 3261 §13.2.1). */
    EARLY_MEDIA,
    /** CANCEL sent, waiting for the INVITE's final response (487, or a 200 that crossed it). */
    CANCELLING,
    /** 200 received and ACKed: media flows. */
    CONFIRMED,
    /** Over; onEnded has been called. */
    TERMINATED;

    /** The state after {@code event}, or null when the event is not legal here. */
    public OutboundCallState next(OutboundCallEvent event) {
        return switch (this) {
            case CALLING, PROCEEDING, EARLY_MEDIA -> switch (event) {
                // A 180 after a 183 keeps the early media flowing.
                case PROVISIONAL -> this == EARLY_MEDIA ? EARLY_MEDIA : PROCEEDING;
                case EARLY_ANSWER -> EARLY_MEDIA;
                case CHALLENGED, OFFER_REFUSED -> CALLING;
                case ANSWERED -> CONFIRMED;
                case CANCEL -> CANCELLING;
                case FINAL_ERROR, FAILURE -> TERMINATED;
                // The callee must not BYE an early dialog (RFC 3261 §15); we CANCEL rather than BYE.
                case BYE_RECEIVED, HANGUP, RTP_TIMEOUT -> null;
            };
            case CANCELLING -> switch (event) {
                case PROVISIONAL, EARLY_ANSWER -> CANCELLING;
                // A 200 that crossed our CANCEL is ACKed then ended with BYE (RFC 3261 §9.1).
                case ANSWERED, FINAL_ERROR, FAILURE, CHALLENGED -> TERMINATED;
                default -> null;
            };
            case CONFIRMED -> switch (event) {
                // A retransmitted 200 gets the same ACK again (RFC 3261 §13.2.2.4).
                case ANSWERED -> CONFIRMED;
                case BYE_RECEIVED, HANGUP, RTP_TIMEOUT, FAILURE -> TERMINATED;
                default -> null;
            };
            case TERMINATED -> null;
        };
    }

    /** True before the INVITE has a final answer. */
    public boolean early() {
        return this == CALLING || this == PROCEEDING || this == EARLY_MEDIA;
    }
}
