package org.passerelle.sip;

/**
 * State of an inbound call, from the UAS side of RFC 3261. The whole life cycle is the pure
 * function {@link #next(CallEvent)}; an illegal event returns null and changes nothing.
 */
enum CallState {
    /** INVITE received, 100 Trying sent, the application decides. */
    INCOMING,
    /** 180 Ringing sent. */
    RINGING,
    /**
     * 183 Session Progress with our SDP answer sent: the gateway plays early media to the phone
     * (RFC 3960 §3, gateway model), e.g. why the call cannot be taken, before a final error.
     */
    EARLY,
    /** 200 OK sent, waiting for ACK (RFC 3261 §13.3.1.4). */
    ANSWERED,
    /** ACK received: media flows. */
    CONFIRMED,
    /** 200 OK sent to a re-INVITE, waiting for its ACK (which carries the answer for a late offer). */
    UPDATING,
    /** Over; onEnded has been called. */
    TERMINATED;

    /** The state after {@code event}, or null when the event is not legal here. */
    CallState next(CallEvent event) {
        if (this == TERMINATED) return null;
        return switch (event) {
            case RING -> this == INCOMING || this == RINGING ? RINGING : null;
            case PROGRESS -> this == INCOMING || this == RINGING ? EARLY : null;
            case ANSWER -> this == INCOMING || this == RINGING || this == EARLY ? ANSWERED : null;
            case ACK -> this == ANSWERED || this == UPDATING ? CONFIRMED : null;
            // A re-INVITE while one is pending gets 500 + Retry-After instead (RFC 3261 §14.2).
            case REINVITE -> this == CONFIRMED ? UPDATING : null;
            // CANCEL only ends a call whose INVITE has no final response yet (RFC 3261 §9.2).
            case CANCEL_RECEIVED, REJECT -> this == INCOMING || this == RINGING || this == EARLY ? TERMINATED : null;
            // BYE is legal once the dialog exists, even before ACK (RFC 3261 §15).
            case BYE_RECEIVED, RTP_TIMEOUT -> this == ANSWERED || this == CONFIRMED || this == UPDATING
                    ? TERMINATED : null;
            case ACK_TIMEOUT -> this == ANSWERED || this == UPDATING ? TERMINATED : null;
            case HANGUP, ERROR -> TERMINATED;
        };
    }

    /** True while the INVITE has no final response: CANCEL, a final error or the answer may come. */
    boolean pending() {
        return this == INCOMING || this == RINGING || this == EARLY;
    }

    /** True once the INVITE has its 200 (the dialog is confirmed for the UAS). */
    boolean answered() {
        return this == ANSWERED || this == CONFIRMED || this == UPDATING;
    }
}
