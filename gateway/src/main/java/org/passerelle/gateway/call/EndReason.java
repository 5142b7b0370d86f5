package org.passerelle.gateway.call;

import org.passerelle.sip.SipLeg;

/** Why a call ended: exactly one per call, recorded when it ends. */
public enum EndReason {
    CALLER_HUNG_UP,
    CALLER_CANCELLED,
    GATEWAY_HUNG_UP,
    REJECTED,
    RTP_TIMEOUT,
    NO_ACK,
    SHUTDOWN,
    /** Admitted, but the room filled before the call was up. */
    ROOM_FULL,
    /** The room platform closed the room or removed the caller. */
    ROOM_CLOSED,
    /** The room's platform (a LiveKit server) could not be reached: refused with 503 before answering. */
    ROOM_UNAVAILABLE,
    /** The IVR ended the call: wrong PINs, a lockout, a message played, a directory failure. */
    IVR_HANGUP,
    ERROR;

    static EndReason of(SipLeg.EndReason r) {
        return switch (r) {
            case REMOTE_BYE -> CALLER_HUNG_UP;
            case CANCELLED -> CALLER_CANCELLED;
            case LOCAL_HANGUP -> GATEWAY_HUNG_UP;
            case REJECTED -> REJECTED;
            case RTP_TIMEOUT -> RTP_TIMEOUT;
            case ACK_TIMEOUT -> NO_ACK;
            case ERROR -> ERROR;
        };
    }
}
