package org.passerelle.webrtc;

/**
 * Offer/answer state of one session (RFC 8829 §3.2, the "signaling state" without the provisional
 * answers we never make). STABLE → HAVE_LOCAL_OFFER on {@code createOffer}, back on the answer;
 * a remote offer is answered at once, so it leaves the session STABLE.
 */
enum NegotiationState {
    STABLE, HAVE_LOCAL_OFFER;

    /** The one transition function: the next state, or null when {@code to} is illegal from here. */
    NegotiationState next(NegotiationState to) {
        return to != this ? to : null;
    }
}
