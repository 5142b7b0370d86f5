package org.passerelle.webrtc;

/**
 * The life of one WebRTC session. NEW (description made) → CHECKING (ICE running) → DTLS
 * (a pair is selected, handshake running) → CONNECTED (SRTP keyed) → CLOSED; any state may
 * go to CLOSED, and nothing leaves CLOSED.
 */
enum SessionState {
    NEW, CHECKING, DTLS, CONNECTED, CLOSED;

    /** The one transition function: the next state, or null when {@code to} is illegal from here. */
    SessionState next(SessionState to) {
        if (this == CLOSED) return null;
        if (to == CLOSED) return CLOSED;
        return to.ordinal() == ordinal() + 1 ? to : null;
    }
}
