package org.passerelle.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The remote audio tracks of one negotiated description, looked up per packet by SSRC without
 * allocation: an immutable snapshot, replaced whole at each offer/answer. Also the Opus payload
 * types the remote may use on its m-lines (RFC 8843 §9.1: under BUNDLE a payload type means one
 * codec across m-lines).
 */
final class TrackTable {
    static final TrackTable EMPTY = new TrackTable(List.of(), new boolean[128]);

    private final List<RemoteTrack> tracks;
    private final long[] ssrcs;
    private final RemoteTrack[] bySsrc;
    /** The one track announced without SSRC, which takes packets of SSRCs nobody announced. */
    private final RemoteTrack unsignalled;
    private final boolean[] opusPts;

    private TrackTable(List<RemoteTrack> tracks, boolean[] opusPts) {
        this.tracks = List.copyOf(tracks);
        this.opusPts = opusPts;
        List<RemoteTrack> signalled = new ArrayList<>();
        RemoteTrack loose = null;
        int looseCount = 0;
        for (RemoteTrack t : tracks) {
            if (t.ssrc() >= 0) signalled.add(t);
            else { loose = t; looseCount++; }
        }
        ssrcs = new long[signalled.size()];
        bySsrc = signalled.toArray(new RemoteTrack[0]);
        for (int i = 0; i < ssrcs.length; i++) ssrcs[i] = bySsrc[i].ssrc();
        unsignalled = looseCount == 1 ? loose : null;
    }

    /**
     * The tracks the remote sends on the m-lines of {@code remote} that the negotiation took
     * ({@code takenMids}): one per announced primary SSRC, or one without SSRC when none is listed.
     */
    static TrackTable of(WebRtcSdp.Remote remote, Set<String> takenMids) {
        List<RemoteTrack> tracks = new ArrayList<>();
        boolean[] pts = new boolean[128];
        for (WebRtcSdp.Media m : remote.media()) {
            if (!m.opusAudio() || !takenMids.contains(m.midOrIndex())) continue;
            if (m.opusPayloadType() < 128) pts[m.opusPayloadType()] = true;
            if (!m.remoteSends()) continue;
            if (m.ssrcs().isEmpty()) {
                tracks.add(new RemoteTrack(m.midOrIndex(), m.streamId(), m.trackId(), -1));
            } else {
                for (WebRtcSdp.Ssrc s : m.ssrcs()) tracks.add(new RemoteTrack(m.midOrIndex(), s.streamId(), s.trackId(), s.ssrc()));
            }
        }
        return new TrackTable(tracks, pts);
    }

    List<RemoteTrack> tracks() { return tracks; }

    /** The track of this SSRC, the unsignalled one, or null. No allocation. */
    RemoteTrack lookup(long ssrc) {
        for (int i = 0; i < ssrcs.length; i++) if (ssrcs[i] == ssrc) return bySsrc[i];
        return unsignalled;
    }

    boolean acceptsPayloadType(int pt) {
        return pt >= 0 && pt < 128 && opusPts[pt];
    }
}
