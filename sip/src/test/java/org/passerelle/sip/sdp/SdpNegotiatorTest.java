package org.passerelle.sip.sdp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.passerelle.transcoder.codec.AudioCodec;

class SdpNegotiatorTest {
    private static final List<AudioCodec> WIDEBAND_FIRST = List.of(AudioCodec.OPUS, AudioCodec.G722, AudioCodec.PCMU,
            AudioCodec.PCMA);
    private static final LocalMedia LOCAL = new LocalMedia("192.0.2.10", 20000, 42, 7);

    private static String sdp(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    private static final String LINPHONE = sdp("v=0", "o=alice 1234 678 IN IP4 192.168.1.20", "s=Talk",
            "c=IN IP4 192.168.1.20", "t=0 0", "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics",
            "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100",
            "a=rtpmap:96 opus/48000/2", "a=fmtp:96 useinbandfec=1", "a=rtpmap:97 speex/16000", "a=fmtp:97 vbr=on",
            "a=rtpmap:98 speex/8000", "a=fmtp:98 vbr=on", "a=fmtp:18 annexb=yes", "a=rtpmap:101 telephone-event/48000",
            "a=rtpmap:99 telephone-event/16000", "a=rtpmap:100 telephone-event/8000", "a=rtcp-fb:* trr-int 1000");

    private static final String CISCO = sdp("v=0", "o=CiscoSystemsSIP-GW-UserAgent 4301 6786 IN IP4 10.1.1.5",
            "s=SIP Call", "c=IN IP4 10.1.1.5", "t=0 0", "m=audio 16384 RTP/AVP 0 8 18 101", "c=IN IP4 10.1.1.6",
            "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:18 G729/8000", "a=fmtp:18 annexb=no",
            "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "a=ptime:20");

    private static final String OPUS_ONLY = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5",
            "t=0 0", "m=audio 5004 RTP/AVP 111", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1");

    private static final String STATIC_NO_RTPMAP = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-",
            "c=IN IP4 203.0.113.5", "t=0 0", "m=audio 5004 RTP/AVP 8 9", "a=ptime:30");

    private static final String NO_COMMON = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5",
            "t=0 0", "m=audio 5004 RTP/AVP 18 3", "a=rtpmap:18 G729/8000", "a=rtpmap:3 GSM/8000");

    private static final String VIDEO_THEN_TWO_AUDIO = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-",
            "c=IN IP4 203.0.113.5", "t=0 0", "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000",
            "m=audio 5004 RTP/AVP 0", "m=audio 5008 RTP/AVP 8");

    private static final String VIDEO_ONLY = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5",
            "t=0 0", "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000");

    private static String hold(String direction, String address) {
        return sdp("v=0", "o=- 1 2 IN IP4 203.0.113.5", "s=-", "c=IN IP4 " + address, "t=0 0",
                "m=audio 5004 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000" + (direction == null ? "" : "\r\na=" + direction));
    }

    private static final String SESSION_LEVEL_SENDONLY = sdp("v=0", "o=- 1 2 IN IP4 203.0.113.5", "s=-",
            "c=IN IP4 203.0.113.5", "t=0 0", "a=sendonly", "m=audio 5004 RTP/AVP 0");

    /** name, preference, offer, codec, pt, telephone-event pt, te rate, ptime, held, local direction. */
    static Stream<Arguments> offers() {
        return Stream.of(
                Arguments.of("linphone, wideband first", WIDEBAND_FIRST, LINPHONE, AudioCodec.OPUS, 96, 101, 48000, 20, false, MediaDirection.SENDRECV),
                Arguments.of("linphone, narrowband only", List.of(AudioCodec.PCMA, AudioCodec.PCMU), LINPHONE, AudioCodec.PCMA, 8, 100, 8000, 20, false, MediaDirection.SENDRECV),
                Arguments.of("cisco", WIDEBAND_FIRST, CISCO, AudioCodec.PCMU, 0, 101, 8000, 20, false, MediaDirection.SENDRECV),
                Arguments.of("opus only", WIDEBAND_FIRST, OPUS_ONLY, AudioCodec.OPUS, 111, -1, 0, 20, false, MediaDirection.SENDRECV),
                Arguments.of("static PT without rtpmap, ptime 30", WIDEBAND_FIRST, STATIC_NO_RTPMAP, AudioCodec.G722, 9, -1, 0, 30, false, MediaDirection.SENDRECV),
                Arguments.of("sendonly hold", WIDEBAND_FIRST, hold("sendonly", "203.0.113.5"), AudioCodec.PCMU, 0, 101, 8000, 20, true, MediaDirection.RECVONLY),
                Arguments.of("inactive hold", WIDEBAND_FIRST, hold("inactive", "203.0.113.5"), AudioCodec.PCMU, 0, 101, 8000, 20, true, MediaDirection.INACTIVE),
                Arguments.of("RFC 2543 hold c=0.0.0.0", WIDEBAND_FIRST, hold(null, "0.0.0.0"), AudioCodec.PCMU, 0, 101, 8000, 20, true, MediaDirection.RECVONLY),
                Arguments.of("phone only receives", WIDEBAND_FIRST, hold("recvonly", "203.0.113.5"), AudioCodec.PCMU, 0, 101, 8000, 20, false, MediaDirection.SENDONLY),
                Arguments.of("resume sendrecv", WIDEBAND_FIRST, hold("sendrecv", "203.0.113.5"), AudioCodec.PCMU, 0, 101, 8000, 20, false, MediaDirection.SENDRECV),
                Arguments.of("session-level sendonly", WIDEBAND_FIRST, SESSION_LEVEL_SENDONLY, AudioCodec.PCMU, 0, -1, 0, 20, true, MediaDirection.RECVONLY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void answersOffer(String name, List<AudioCodec> preference, String offer, AudioCodec codec, int pt, int tePt,
                      int teRate, int ptime, boolean held, MediaDirection local) {
        Negotiation n = new SdpNegotiator(preference).answerOffer(offer);
        MediaPlan p = assertInstanceOf(Negotiation.Accepted.class, n, name).plan();
        assertEquals(codec, p.codec());
        assertEquals(pt, p.payloadType());
        assertEquals(tePt, p.telephoneEventPayloadType());
        assertEquals(teRate, p.telephoneEventRate());
        assertEquals(ptime, p.ptimeMs());
        assertEquals(held, p.held());
        assertEquals(local, p.localDirection());
        assertEquals(local.sends() && p.remoteRtp() != null, p.weSend());
    }

    @Test
    void ciscoMediaLevelConnectionWins() {
        MediaPlan p = accepted(new SdpNegotiator(WIDEBAND_FIRST).answerOffer(CISCO));
        assertEquals("10.1.1.6", p.remoteRtp().getHostString());
        assertEquals(16384, p.remoteRtp().getPort());
    }

    @Test
    void nullAddressHoldHasNoRemote() {
        MediaPlan p = accepted(new SdpNegotiator(WIDEBAND_FIRST).answerOffer(hold(null, "0.0.0.0")));
        assertNull(p.remoteRtp());
        assertFalse(p.weSend());
    }

    @Test
    void noCommonCodecIs305() {
        Negotiation n = new SdpNegotiator(WIDEBAND_FIRST).answerOffer(NO_COMMON);
        assertEquals(305, assertInstanceOf(Negotiation.NotAcceptable.class, n).warningCode());
        n = new SdpNegotiator(List.of(AudioCodec.PCMU)).answerOffer(OPUS_ONLY);
        assertEquals(305, assertInstanceOf(Negotiation.NotAcceptable.class, n).warningCode());
    }

    @Test
    void noAudioIs304() {
        Negotiation n = new SdpNegotiator(WIDEBAND_FIRST).answerOffer(VIDEO_ONLY);
        assertEquals(304, assertInstanceOf(Negotiation.NotAcceptable.class, n).warningCode());
    }

    @Test
    void garbageIsMalformed() {
        assertInstanceOf(Negotiation.Malformed.class, new SdpNegotiator(WIDEBAND_FIRST).answerOffer("hello\r\nworld"));
    }

    @Test
    void answerMirrorsEveryMediaLineAndRefusesOthersWithPortZero() {
        SdpNegotiator neg = new SdpNegotiator(WIDEBAND_FIRST);
        MediaPlan p = accepted(neg.answerOffer(VIDEO_THEN_TWO_AUDIO));
        assertEquals(1, p.audioLine());
        assertEquals(AudioCodec.PCMU, p.codec());
        String answer = neg.answer(p, LOCAL);
        List<String> mLines = answer.lines().filter(l -> l.startsWith("m=")).toList();
        assertEquals(List.of("m=video 0 RTP/AVP 96", "m=audio 20000 RTP/AVP 0", "m=audio 0 RTP/AVP 8"), mLines);
        // The answer parses as an offer of its own and names our address.
        assertTrue(answer.contains("c=IN IP4 192.0.2.10"), answer);
        assertTrue(answer.contains("o=passerelle 42 7 IN IP4 192.0.2.10"), answer);
    }

    @Test
    void answerKeepsOfferPayloadNumbersAndPtime() {
        SdpNegotiator neg = new SdpNegotiator(WIDEBAND_FIRST);
        String answer = neg.answer(accepted(neg.answerOffer(LINPHONE)), LOCAL);
        assertTrue(answer.contains("m=audio 20000 RTP/AVP 96 101"), answer);
        assertTrue(answer.contains("a=rtpmap:96 opus/48000/2"), answer);
        assertTrue(answer.contains("a=rtpmap:101 telephone-event/48000"), answer);
        assertTrue(answer.contains("a=ptime:20"), answer);
        assertTrue(answer.contains("a=sendrecv"), answer);
        String held = neg.answer(accepted(neg.answerOffer(hold("sendonly", "203.0.113.5"))), LOCAL);
        assertTrue(held.contains("a=recvonly"), held);
        String ptime30 = neg.answer(accepted(neg.answerOffer(STATIC_NO_RTPMAP)), LOCAL);
        assertTrue(ptime30.contains("a=ptime:30"), ptime30);
    }

    @Test
    void reInviteKeepsTheCodecInUse() {
        SdpNegotiator neg = new SdpNegotiator(WIDEBAND_FIRST);
        assertEquals(AudioCodec.OPUS, accepted(neg.answerOffer(LINPHONE)).codec());
        assertEquals(AudioCodec.PCMU, accepted(neg.answerOffer(LINPHONE, AudioCodec.PCMU)).codec());
        // Not offered any more: back to preference.
        assertEquals(AudioCodec.OPUS, accepted(neg.answerOffer(OPUS_ONLY, AudioCodec.PCMU)).codec());
    }

    @Test
    void ourOfferListsEveryCodecAndTelephoneEvents() {
        SdpNegotiator neg = new SdpNegotiator(WIDEBAND_FIRST);
        String offer = neg.offer(LOCAL, MediaDirection.SENDRECV);
        assertTrue(offer.contains("m=audio 20000 RTP/AVP 111 9 0 8 110 101"), offer);
        // Our own offer is acceptable to ourselves: round trip through the parser.
        MediaPlan p = accepted(neg.answerOffer(offer));
        assertEquals(AudioCodec.OPUS, p.codec());
        assertEquals(110, p.telephoneEventPayloadType());
        assertEquals(48000, p.telephoneEventRate());
    }

    @Test
    void answerToOurOfferIsRead() {
        SdpNegotiator neg = new SdpNegotiator(WIDEBAND_FIRST);
        String answer = sdp("v=0", "o=- 5 5 IN IP4 203.0.113.9", "s=-", "c=IN IP4 203.0.113.9", "t=0 0",
                "m=audio 6000 RTP/AVP 8 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
                "a=ptime:40");
        MediaPlan p = accepted(neg.acceptAnswer(answer));
        assertEquals(AudioCodec.PCMA, p.codec());
        assertEquals(8, p.payloadType());
        assertEquals(101, p.telephoneEventPayloadType());
        assertEquals(40, p.ptimeMs());
        assertEquals(6000, p.remoteRtp().getPort());
        assertInstanceOf(Negotiation.NotAcceptable.class, neg.acceptAnswer(NO_COMMON));
    }

    private static MediaPlan accepted(Negotiation n) {
        return assertInstanceOf(Negotiation.Accepted.class, n).plan();
    }
}
