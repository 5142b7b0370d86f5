package org.passerelle.sip.sdp;

/** Result of looking at an SDP offer or answer. */
public sealed interface Negotiation {

    /** A usable audio stream. */
    record Accepted(MediaPlan plan) implements Negotiation {}

    /**
     * Nothing we can use: answered 488 with a Warning (RFC 3261 §20.43: 304 media type not
     * available, 305 incompatible media format).
     */
    record NotAcceptable(int warningCode, String warningText) implements Negotiation {}

    /** Not parseable SDP. */
    record Malformed(String reason) implements Negotiation {}
}
