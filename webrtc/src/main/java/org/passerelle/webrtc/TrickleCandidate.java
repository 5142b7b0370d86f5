package org.passerelle.webrtc;

/**
 * One of our ICE candidates in the form trickle signalling wants (RFC 8838 §4.2; the
 * RTCIceCandidateInit of W3C WebRTC §4.8.1.2 that LiveKit's TrickleRequest carries as JSON).
 *
 * @param candidate     the attribute value "candidate:..." without "a="
 * @param sdpMid        the mid of the m-line that carries our BUNDLE transport
 * @param sdpMLineIndex that m-line's position
 */
public record TrickleCandidate(String candidate, String sdpMid, int sdpMLineIndex) {}
