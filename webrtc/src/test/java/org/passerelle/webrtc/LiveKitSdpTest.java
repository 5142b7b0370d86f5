package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The subscriber offers a LiveKit server (pion/webrtc v4) makes, as pion writes them: session-level
 * fingerprint, candidates (both components, UDP and passive TCP) on the first m-line only, one
 * audio m-line per subscribed track (a=sendrecv: pion's AddTrack transceivers) with a=ssrc
 * cname/msid/mslabel/label and a=msid "PA_…|TR_… TR_…", extmap and rtcp-fb nack, RED, PCMU and
 * PCMA, a data channel m-line, and re-offers as tracks come and go. Taken from what LiveKit
 * v1.13.5 sent to this stack in a manual check.
 */
class LiveKitSdpTest {
    private static final String FP = "5D:1A:07:8B:33:9C:E2:7F:40:21:A4:16:B8:C3:0E:62:9D:55:F1:73:0A:8E:2B:C4:91:3D:6F:E0:27:B5:48:1C";

    static String head(String bundle, boolean lite) {
        return lines("v=0", "o=- 3963154519563932562 1715000000 IN IP4 0.0.0.0", "s=-", "t=0 0",
                "a=msid-semantic:WMS*", "a=fingerprint:sha-256 " + FP) + (lite ? lines("a=ice-lite") : "")
                + lines("a=extmap-allow-mixed", "a=group:BUNDLE " + bundle);
    }

    static String data(String mid, boolean first) {
        return lines("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=setup:actpass",
                "a=mid:" + mid, "a=sendrecv", "a=sctp-port:5000", "a=max-message-size:1073741823",
                "a=ice-ufrag:yTQcUqkxlbWmsRNt", "a=ice-pwd:KYpwIXqHxAmtcQtqWNnXbBrJkPQSbgzS")
                + (first ? candidates() : "");
    }

    static String candidates() {
        return lines("a=candidate:2930150396 1 udp 2130706431 127.0.0.1 7882 typ host ufrag yTQcUqkxlbWmsRNt",
                "a=candidate:2930150396 2 udp 2130706431 127.0.0.1 7882 typ host ufrag yTQcUqkxlbWmsRNt",
                "a=candidate:1183921421 1 tcp 1671430143 127.0.0.1 7881 typ host tcptype passive ufrag yTQcUqkxlbWmsRNt",
                "a=candidate:1183921421 2 tcp 1671430143 127.0.0.1 7881 typ host tcptype passive ufrag yTQcUqkxlbWmsRNt",
                "a=end-of-candidates");
    }

    /** One subscribed track; {@code ssrc} 0: the transceiver has no track (removed: inactive). */
    static String audio(String mid, long ssrc, String participant, String track) {
        String s = lines("m=audio 9 UDP/TLS/RTP/SAVPF 111 63 0 8", "c=IN IP4 0.0.0.0", "a=setup:actpass", "a=mid:" + mid,
                "a=ice-ufrag:yTQcUqkxlbWmsRNt", "a=ice-pwd:KYpwIXqHxAmtcQtqWNnXbBrJkPQSbgzS", "a=rtcp-mux", "a=rtcp-rsize",
                "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtcp-fb:111 nack",
                "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:0 PCMU/8000", "a=rtcp-fb:0 nack",
                "a=rtpmap:8 PCMA/8000", "a=rtcp-fb:8 nack",
                "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time");
        if (ssrc == 0) return s + lines("a=inactive");
        String stream = participant + "|" + track;
        return s + lines("a=ssrc:" + ssrc + " cname:" + stream, "a=ssrc:" + ssrc + " msid:" + stream + " " + track,
                "a=ssrc:" + ssrc + " mslabel:" + stream, "a=ssrc:" + ssrc + " label:" + track,
                "a=msid:" + stream + " " + track, "a=sendrecv");
    }

    static String lines(String... l) {
        return String.join("\r\n", l) + "\r\n";
    }

    /** The first offer on joining an empty room: only the server's data channels. */
    static final String DATA_ONLY = head("0", false) + data("0", true);
    /** Two participants publish a microphone each. */
    static final String TWO_TRACKS = head("0 1 2", false) + data("0", true)
            + audio("1", 1876543210L, "PA_alice", "TR_AMalice") + audio("2", 24681357L, "PA_bob", "TR_AMbob");
    /** Alice left (her transceiver inactive), Carol joined on a new m-line, a stopped one has port 0. */
    static final String ALICE_LEFT = head("0 1 2 3", false) + data("0", true)
            + audio("1", 0, null, null) + audio("2", 24681357L, "PA_bob", "TR_AMbob")
            + audio("3", 99887766L, "PA_carol", "TR_AMcarol")
            + lines("m=video 0 UDP/TLS/RTP/SAVPF 0", "c=IN IP4 0.0.0.0", "a=mid:4", "a=inactive");

    private static WebRtcSdp.Local local(WebRtcSdp.Setup setup, int pt) {
        return new WebRtcSdp.Local(42, "ufrg", "passwordpasswordpassword", "AA:BB", setup, "0", pt, 12345678L,
                "cnameABC", "stream1", "track1",
                List.of(new WebRtcSdp.Candidate("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host", null, -1)));
    }

    private static List<String> mLines(String sdp) {
        return List.of(sdp.split("\r\n")).stream().filter(l -> l.startsWith("m=")).toList();
    }

    /** The lines of the m-line with this mid, from its m= line to the next. */
    private static List<String> section(String sdp, String mid) {
        List<String> all = List.of(sdp.split("\r\n"));
        int at = all.indexOf("a=mid:" + mid);
        if (at < 0) return List.of();
        int start = at, end = at + 1;
        while (!all.get(start).startsWith("m=")) start--;
        while (end < all.size() && !all.get(end).startsWith("m=")) end++;
        return all.subList(start, end);
    }

    @Test
    void readsTheDataOnlyOfferAsTransportOnly() throws Exception {
        assertThrows(WebRtcException.class, () -> WebRtcSdp.parse(DATA_ONLY), "a browser offer needs audio");
        WebRtcSdp.Remote r = WebRtcSdp.parse(DATA_ONLY, true);
        assertTrue(r.noAudio());
        assertEquals("yTQcUqkxlbWmsRNt", r.iceUfrag());
        assertEquals(FP, r.fingerprint(), "pion writes the fingerprint at session level");
        assertEquals(WebRtcSdp.Setup.ACTPASS, r.setup());
        assertFalse(r.iceLite());
        assertEquals(List.of("0"), r.bundle());
        // one UDP candidate usable: the RTCP component and the ICE/TCP ones are not
        assertEquals(1, r.candidates().stream().filter(WebRtcSdp.Candidate::usable).count());
        assertEquals(7882, r.candidates().stream().filter(WebRtcSdp.Candidate::usable).findFirst().orElseThrow().port());
    }

    @Test
    void answersTheDataOnlyOfferByTakingItsTransportWithoutSctp() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(DATA_ONLY, true);
        String a = WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, r.opusPayloadType()), 2, Set.of());
        List<String> lines = List.of(a.split("\r\n"));
        assertEquals(List.of("m=application 40000 UDP/DTLS/SCTP webrtc-datachannel"), mLines(a));
        assertTrue(lines.contains("a=group:BUNDLE 0"));
        assertTrue(lines.contains("a=mid:0"));
        assertTrue(lines.contains("a=sctp-port:5000"));
        assertTrue(lines.contains("a=setup:passive"));
        assertTrue(lines.contains("a=ice-ufrag:ufrg"));
        assertTrue(lines.contains("a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host generation 0"));
        assertEquals(Set.of("0"), WebRtcSdp.takenMids(r, Set.of()));
        assertNull(WebRtcSdp.sendMid(r, Set.of()), "nothing to send on");
    }

    @Test
    void readsOneAudioMLinePerTrackWithItsSsrcAndMsid() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(TWO_TRACKS, true);
        assertFalse(r.noAudio());
        assertEquals(1, r.mLineIndex());
        assertEquals("1", r.mid());
        assertEquals(List.of("0", "1", "2"), r.bundle());
        assertEquals(3, r.media().size());
        WebRtcSdp.Media bob = r.media("2");
        assertTrue(bob.opusAudio());
        assertEquals("sendrecv", bob.direction());
        assertEquals(111, bob.opusPayloadType());
        assertEquals("PA_bob|TR_AMbob", bob.streamId());
        assertEquals("TR_AMbob", bob.trackId());
        assertEquals(List.of(new WebRtcSdp.Ssrc(24681357L, "PA_bob|TR_AMbob", "PA_bob|TR_AMbob", "TR_AMbob")), bob.ssrcs());
        assertEquals(1, r.candidates().stream().filter(WebRtcSdp.Candidate::usable).count(),
                "the candidates of the BUNDLE tag (the data m-line) are the transport's");
    }

    @Test
    void answersEveryTrackRecvonlyInOneBundleAndKeepsTheDataTransport() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(TWO_TRACKS, true);
        // the previous answer took mid 0 (data only): it stays taken
        String a = WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, 111), 3, Set.of("0"), false);
        List<String> lines = List.of(a.split("\r\n"));
        assertTrue(lines.contains("o=- 42 3 IN IP4 127.0.0.1"), "the session version moves on");
        assertTrue(lines.contains("a=group:BUNDLE 0 1 2"));
        assertEquals(List.of("m=application 40000 UDP/DTLS/SCTP webrtc-datachannel",
                "m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=audio 40000 UDP/TLS/RTP/SAVPF 111"), mLines(a));
        assertEquals(2, lines.stream().filter(l -> l.equals("a=recvonly")).count(), "receive-only though offered sendrecv");
        assertFalse(a.contains("a=ssrc:"), "we send nothing on the subscriber connection");
        assertFalse(a.contains("a=msid:"));
        assertFalse(a.contains("red/48000"), "Opus only");
        assertEquals(1, lines.stream().filter(l -> l.startsWith("a=candidate:")).count(), "candidates on the tag only");
        assertEquals(3, lines.stream().filter(l -> l.equals("a=setup:passive")).count());

        TrackTable t = TrackTable.of(r, WebRtcSdp.takenMids(r, Set.of("0")));
        assertEquals(List.of(new RemoteTrack("1", "PA_alice|TR_AMalice", "TR_AMalice", 1876543210L),
                new RemoteTrack("2", "PA_bob|TR_AMbob", "TR_AMbob", 24681357L)), t.tracks());
        assertEquals("TR_AMbob", t.lookup(24681357L).trackId());
        assertNull(t.lookup(5), "an SSRC nobody announced");
        assertTrue(t.acceptsPayloadType(111));
        assertFalse(t.acceptsPayloadType(63));
    }

    @Test
    void aReOfferKeepsMidsMakesRemovedTracksInactiveAndAppendsNewOnes() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(ALICE_LEFT, true);
        String a = WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, 111), 4, Set.of("0"), false);
        List<String> lines = List.of(a.split("\r\n"));
        assertTrue(lines.contains("a=group:BUNDLE 0 1 2 3"));
        assertEquals(List.of("m=application 40000 UDP/DTLS/SCTP webrtc-datachannel",
                "m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=audio 40000 UDP/TLS/RTP/SAVPF 111",
                "m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=video 0 UDP/TLS/RTP/SAVPF 0"), mLines(a));
        assertTrue(section(a, "1").contains("a=inactive"), "alice's transceiver has no track");
        assertTrue(section(a, "3").contains("a=recvonly"));
        assertTrue(section(a, "4").contains("a=inactive"));
        TrackTable t = TrackTable.of(r, WebRtcSdp.takenMids(r, Set.of("0")));
        assertEquals(List.of("TR_AMbob", "TR_AMcarol"), t.tracks().stream().map(RemoteTrack::trackId).toList());
        assertNull(t.lookup(1876543210L), "alice's packets no longer map to a track");
    }

    @Test
    void aBrowserLikeOfferStillRejectsItsDataChannel() throws Exception {
        // audio present from the start: the data m-line is rejected as before
        WebRtcSdp.Remote r = WebRtcSdp.parse(TWO_TRACKS, true);
        String a = WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, 111), 2, Set.of());
        assertEquals("m=application 0 UDP/DTLS/SCTP webrtc-datachannel", mLines(a).getFirst());
        assertTrue(a.contains("a=group:BUNDLE 1 2\r\n"));
        // a browser-facing answer sends on the first audio m-line the remote receives on
        assertTrue(section(a, "1").contains("a=sendrecv") && section(a, "1").contains("a=msid:stream1 track1"));
        assertTrue(section(a, "2").contains("a=recvonly"));
    }

    @Test
    void readsIceLiteAndLeavesOutRepairSources() throws Exception {
        String sdp = (head("0", true) + audio("0", 1111L, "PA_x", "TR_x"))
                .replace("a=sendrecv", "a=ssrc-group:FID 1111 2222\r\na=ssrc:2222 cname:PA_x|TR_x\r\na=sendrecv");
        WebRtcSdp.Remote r = WebRtcSdp.parse(sdp);
        assertTrue(r.iceLite());
        assertEquals(List.of(1111L), r.media().getFirst().ssrcs().stream().map(WebRtcSdp.Ssrc::ssrc).toList());
    }

    @Test
    void aTrackWithoutSsrcTakesTheUnknownSsrc() throws Exception {
        String sdp = (head("0", false) + audio("0", 1111L, "PA_x", "TR_x")).replaceAll("a=ssrc:[^\r]*\r\n", "");
        WebRtcSdp.Remote r = WebRtcSdp.parse(sdp);
        TrackTable t = TrackTable.of(r, WebRtcSdp.takenMids(r, Set.of()));
        RemoteTrack only = t.tracks().getFirst();
        assertEquals(-1, only.ssrc());
        assertEquals("TR_x", only.trackId(), "from the media-level a=msid");
        assertSame(only, t.lookup(424242));
    }
}
