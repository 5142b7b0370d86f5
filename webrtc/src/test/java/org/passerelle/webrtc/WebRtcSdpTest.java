package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class WebRtcSdpTest {
    /** What Chrome 120+ offers for one microphone track, with a video transceiver and a data channel. */
    static final String CHROME_OFFER = String.join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1 2",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS 3f1d6a1c-3c1e-4b8e-9a0b-8c5d8b1f0e11",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=candidate:1467250027 1 udp 2122260223 192.168.1.20 51052 typ host generation 0 network-id 1",
            "a=candidate:3b3c4a2e-1f7d-4f0e-8b51-5ad1d5a3a3f0.local 1 udp 2122262783 3b3c4a2e.local 51053 typ host generation 0",
            "a=candidate:842163049 1 udp 1686052607 203.0.113.7 46521 typ srflx raddr 192.168.1.20 rport 51052 generation 0 network-id 1",
            "a=candidate:1191333 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0",
            "a=ice-ufrag:Vf6o",
            "a=ice-pwd:lPqI0Y3vXbiwE0NhKmY9PqzK",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
            "a=setup:actpass",
            "a=mid:0",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=sendrecv",
            "a=msid:3f1d6a1c-3c1e-4b8e-9a0b-8c5d8b1f0e11 9a8b7c6d-1111-2222-3333-444455556666",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:63 red/48000/2",
            "a=fmtp:63 111/111",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:13 CN/8000",
            "a=rtpmap:110 telephone-event/48000",
            "a=rtpmap:126 telephone-event/8000",
            "a=ssrc:1001142937 cname:kS2pV4Nw3o8lYzq1",
            "a=ssrc:1001142937 msid:3f1d6a1c-3c1e-4b8e-9a0b-8c5d8b1f0e11 9a8b7c6d-1111-2222-3333-444455556666",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Vf6o",
            "a=ice-pwd:lPqI0Y3vXbiwE0NhKmY9PqzK",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
            "a=setup:actpass",
            "a=mid:1",
            "a=recvonly",
            "a=rtcp-mux",
            "a=rtpmap:96 VP8/90000",
            "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:Vf6o",
            "a=ice-pwd:lPqI0Y3vXbiwE0NhKmY9PqzK",
            "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
            "a=setup:actpass",
            "a=mid:2",
            "a=sctp-port:5000",
            "") + "\r\n";

    /** What Firefox 120+ offers: fingerprint at session level, fmtp before rtpmap, opus as 109. */
    static final String FIREFOX_OFFER = String.join("\r\n",
            "v=0",
            "o=mozilla...THIS_IS_SDPARTA-99.0 5481283358389148262 0 IN IP4 0.0.0.0",
            "s=-",
            "t=0 0",
            "a=fingerprint:sha-256 1C:61:AF:2F:80:6C:13:84:32:EB:CF:05:51:0B:7F:3F:C1:0F:0A:9B:9D:6C:2B:7D:3F:3A:1A:60:C5:6E:64:2A",
            "a=group:BUNDLE 0",
            "a=ice-options:trickle",
            "a=msid-semantic:WMS *",
            "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101",
            "c=IN IP4 0.0.0.0",
            "a=sendrecv",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level",
            "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1",
            "a=fmtp:101 0-15",
            "a=ice-pwd:7c1f0a7f2b6d46b5a3c5f02ae1f9c1d4",
            "a=ice-ufrag:0b1e2f3a",
            "a=mid:0",
            "a=msid:{5a1b2c3d-0000-4000-8000-000000000001} {6b2c3d4e-0000-4000-8000-000000000002}",
            "a=rtcp-mux",
            "a=rtpmap:109 opus/48000/2",
            "a=rtpmap:9 G722/8000/1",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=setup:actpass",
            "a=ssrc:2655508255 cname:{7c3d4e5f-0000-4000-8000-000000000003}",
            "") + "\r\n";

    private static WebRtcSdp.Local local(WebRtcSdp.Setup setup, String mid, int pt) {
        return new WebRtcSdp.Local(42, "ufrg", "passwordpasswordpassword", "AA:BB", setup, mid, pt, 12345678L,
                "cnameABC", "stream1", "track1",
                List.of(new WebRtcSdp.Candidate("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host", null, -1)));
    }

    @Test
    void theAnswererIsActiveUnlessTheOffererIs() {
        // RFC 5763 §5: active recommended to actpass; the opposite of a fixed role
        assertEquals(WebRtcSdp.Setup.ACTIVE, WebRtcSdp.Setup.ACTPASS.answer());
        assertEquals(WebRtcSdp.Setup.ACTIVE, WebRtcSdp.Setup.PASSIVE.answer());
        assertEquals(WebRtcSdp.Setup.PASSIVE, WebRtcSdp.Setup.ACTIVE.answer());
    }

    @Test
    void readsChromeOffer() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(CHROME_OFFER);
        assertEquals("Vf6o", r.iceUfrag());
        assertEquals("lPqI0Y3vXbiwE0NhKmY9PqzK", r.icePwd());
        assertEquals("sha-256", r.fingerprintAlgorithm());
        assertTrue(r.fingerprint().startsWith("7B:8B:F0"));
        assertEquals(WebRtcSdp.Setup.ACTPASS, r.setup());
        assertEquals("0", r.mid());
        assertEquals(111, r.opusPayloadType());
        assertEquals("minptime=10;useinbandfec=1", r.opusFmtp());
        assertTrue(r.rtcpMux());
        assertEquals("sendrecv", r.direction());
        assertEquals(0, r.mLineIndex());
        assertEquals(4, r.candidates().size(), "every candidate is read, usable or not");
        assertEquals(List.of(true, false, true, false), r.candidates().stream().map(WebRtcSdp.Candidate::usable).toList());
        WebRtcSdp.Candidate srflx = r.candidates().get(2);
        assertEquals("srflx", srflx.type());
        assertEquals("203.0.113.7", srflx.address());
        assertEquals(46521, srflx.port());
        assertEquals("192.168.1.20", srflx.relatedAddress());
        assertEquals(1686052607L, srflx.priority());
        assertEquals(List.of("video", "application"), r.others().stream().map(WebRtcSdp.OtherMedia::media).toList());
    }

    @Test
    void readsFirefoxOffer() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(FIREFOX_OFFER);
        assertEquals("0b1e2f3a", r.iceUfrag());
        assertEquals("sha-256", r.fingerprintAlgorithm());
        assertTrue(r.fingerprint().startsWith("1C:61:AF"), "session-level fingerprint is used");
        assertEquals(109, r.opusPayloadType());
        assertEquals("maxplaybackrate=48000;stereo=1;useinbandfec=1", r.opusFmtp(), "fmtp before rtpmap");
        assertEquals(WebRtcSdp.Setup.ACTPASS, r.setup());
        assertTrue(r.candidates().isEmpty(), "Firefox trickles every candidate");
        assertTrue(r.others().isEmpty());
    }

    @Test
    void answersChromeWithBundleOnOurMidAndRejectsTheOtherMLines() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(CHROME_OFFER);
        String a = WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, r.mid(), r.opusPayloadType()));
        List<String> lines = List.of(a.split("\r\n"));
        assertTrue(a.endsWith("\r\n"));
        assertTrue(lines.contains("a=group:BUNDLE 0"));
        assertTrue(lines.contains("m=audio 40000 UDP/TLS/RTP/SAVPF 111"));
        assertTrue(lines.contains("c=IN IP4 127.0.0.1"));
        assertTrue(lines.contains("a=ice-ufrag:ufrg"));
        assertTrue(lines.contains("a=ice-pwd:passwordpasswordpassword"));
        assertFalse(a.contains("ice-lite"));
        assertTrue(lines.contains("a=fingerprint:sha-256 AA:BB"));
        assertTrue(lines.contains("a=setup:passive"));
        assertTrue(lines.contains("a=mid:0"));
        assertTrue(lines.contains("a=sendrecv"));
        assertTrue(lines.contains("a=rtcp-mux"));
        assertTrue(lines.contains("a=msid:stream1 track1"));
        assertTrue(lines.contains("a=rtpmap:111 opus/48000/2"));
        assertTrue(lines.contains("a=fmtp:111 minptime=10;useinbandfec=1"));
        assertTrue(lines.contains("a=ssrc:12345678 cname:cnameABC"));
        assertTrue(lines.contains("a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host generation 0"));
        assertTrue(lines.contains("a=end-of-candidates"));
        // RFC 8829 §5.3.1: same number and order of m-lines, the others rejected with port 0
        assertEquals(List.of("m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=video 0 UDP/TLS/RTP/SAVPF 96",
                "m=application 0 UDP/DTLS/SCTP webrtc-datachannel"),
                lines.stream().filter(l -> l.startsWith("m=")).toList());
        assertTrue(lines.contains("a=mid:1") && lines.contains("a=mid:2"));
    }

    @Test
    void answersChromeDataChannelWhenWeSpeakSctp() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(CHROME_OFFER);
        String a = WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, r.mid(), r.opusPayloadType()), 2, java.util.Set.of(),
                true, true);
        List<String> lines = List.of(a.split("\r\n"));
        // RFC 8841 §5.1: the SCTP m-line is taken and BUNDLEd with sctp-port and max-message-size
        assertTrue(lines.contains("a=group:BUNDLE 0 2"), a);
        assertEquals(List.of("m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=video 0 UDP/TLS/RTP/SAVPF 96",
                "m=application 40000 UDP/DTLS/SCTP webrtc-datachannel"),
                lines.stream().filter(l -> l.startsWith("m=")).toList());
        String data = a.substring(a.indexOf("m=application"));
        assertTrue(data.contains("a=mid:2\r\n") && data.contains("a=sctp-port:5000\r\n")
                && data.contains("a=max-message-size:262144\r\n") && data.contains("a=setup:passive\r\n"), data);
        assertEquals(java.util.Set.of("0", "2"), WebRtcSdp.takenMids(r, java.util.Set.of(), true));
        assertEquals(java.util.Set.of("0"), WebRtcSdp.takenMids(r, java.util.Set.of(), false));
    }

    @Test
    void readsTheDataMLinesMaxMessageSize() {
        assertEquals(65536, WebRtcSdp.maxMessageSize(CHROME_OFFER.replace("a=max-message-size:262144\r\n", "")));
        assertEquals(1000, WebRtcSdp.maxMessageSize("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=max-message-size:5\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=max-message-size:1000\r\n"));
    }

    @Test
    void ourOfferWithDataChannelsBundlesAnSctpMLine() throws Exception {
        String o = WebRtcSdp.offer(local(WebRtcSdp.Setup.ACTPASS, "0", 111), List.of(), 2, "dc");
        List<String> lines = List.of(o.split("\r\n"));
        assertTrue(lines.contains("a=group:BUNDLE 0 dc"), o);
        assertEquals(List.of("m=audio 40000 UDP/TLS/RTP/SAVPF 111", "m=application 40000 UDP/DTLS/SCTP webrtc-datachannel"),
                lines.stream().filter(l -> l.startsWith("m=")).toList());
        WebRtcSdp.Remote r = WebRtcSdp.parse(o);
        WebRtcSdp.Media data = WebRtcSdp.dataMedia(r);
        assertEquals("dc", data.mid());
        assertTrue(data.dataChannel());
        assertTrue(o.contains("a=sctp-port:5000\r\na=max-message-size:262144\r\n"), o);
        assertEquals(1, r.candidates().size(), "candidates once, on the BUNDLE tag");
    }

    @Test
    void answersFirefoxWithItsOpusPayloadType() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(FIREFOX_OFFER);
        String a = WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, r.mid(), r.opusPayloadType()));
        assertTrue(a.contains("m=audio 40000 UDP/TLS/RTP/SAVPF 109\r\n"));
        assertTrue(a.contains("a=rtpmap:109 opus/48000/2\r\n"));
        assertTrue(a.contains("a=fmtp:109 minptime=10;useinbandfec=1\r\n"));
    }

    @Test
    void ourOfferReadsBackAsOffered() throws Exception {
        String o = WebRtcSdp.offer(local(WebRtcSdp.Setup.ACTPASS, "0", 111));
        assertTrue(o.contains("a=setup:actpass\r\n"));
        WebRtcSdp.Remote r = WebRtcSdp.parse(o);
        assertEquals(111, r.opusPayloadType());
        assertEquals("ufrg", r.iceUfrag());
        assertEquals(WebRtcSdp.Setup.ACTPASS, r.setup());
        assertTrue(r.endOfCandidates());
        assertEquals(1, r.candidates().size());
        assertEquals(40000, r.candidates().getFirst().port());
    }

    @Test
    void answersDirectionMirrored() throws Exception {
        WebRtcSdp.Remote r = WebRtcSdp.parse(CHROME_OFFER.replace("a=sendrecv", "a=sendonly"));
        assertTrue(WebRtcSdp.answer(r, local(WebRtcSdp.Setup.PASSIVE, "0", 111)).contains("a=recvonly\r\n"));
    }

    @Test
    void candidateRoundTripsAndRejectsGarbage() throws Exception {
        WebRtcSdp.Candidate c = WebRtcSdp.Candidate.parse(
                "candidate:842163049 1 udp 1686052607 203.0.113.7 46521 typ srflx raddr 192.168.1.20 rport 51052 generation 0");
        assertEquals(c, WebRtcSdp.Candidate.parse("a=" + c.toSdp()));
        assertThrows(WebRtcException.class, () -> WebRtcSdp.Candidate.parse("candidate:1 1 udp"));
        assertThrows(WebRtcException.class, () -> WebRtcSdp.Candidate.parse("candidate:1 1 udp x 1.2.3.4 5 typ host"));
        assertNull(WebRtcSdp.Candidate.parse("candidate:1 1 udp 1 1.2.3.4 5 typ host").relatedAddress());
    }

    @Test
    void refusesWhatWebRtcCannotUse() {
        assertThrows(WebRtcException.class, () -> WebRtcSdp.parse(""));
        assertThrows(WebRtcException.class, () -> WebRtcSdp.parse(CHROME_OFFER.replace("opus/48000/2", "ISAC/16000")),
                "no Opus");
        assertThrows(WebRtcException.class, () -> WebRtcSdp.parse(CHROME_OFFER.replaceAll("a=fingerprint:[^\r]*\r\n", "")),
                "no fingerprint");
        assertThrows(WebRtcException.class, () -> WebRtcSdp.parse(CHROME_OFFER.replaceAll("a=ice-ufrag:[^\r]*\r\n", "")),
                "no ICE credentials");
        assertThrows(WebRtcException.class, () -> WebRtcSdp.parse(FIREFOX_OFFER.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP")),
                "plain RTP");
    }

    @Test
    void aRejectedAudioLineIsSkippedForTheNextOne() throws Exception {
        String sdp = FIREFOX_OFFER.replace("m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101",
                "m=audio 0 UDP/TLS/RTP/SAVPF 0\r\na=mid:x\r\nm=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101");
        WebRtcSdp.Remote r = WebRtcSdp.parse(sdp);
        assertEquals(1, r.mLineIndex());
        assertEquals("0", r.mid());
        assertEquals("x", r.others().getFirst().mid());
    }
}
