package org.passerelle.webrtc;

/**
 * One remote audio track as the remote description announces it: the m-line it rides on, its
 * a=msid (RFC 8830 §2) and its SSRC (RFC 5576 a=ssrc). LiveKit writes the stream id as
 * {@code <participant sid>|<track sid>} and the track id as the track sid.
 *
 * @param mid      the m-line's a=mid
 * @param streamId the msid stream id, or null when not announced
 * @param trackId  the msid track id, or null when not announced
 * @param ssrc     the SSRC, or -1 when the description lists none (then the one unknown SSRC is this track's)
 */
public record RemoteTrack(String mid, String streamId, String trackId, long ssrc) {}
