package org.passerelle.sip.sdp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.codec.AudioCodec;

/** RTP/SAVP offers with SDES (RFC 4568 §7) against each SrtpMode. */
class SdpSrtpNegotiationTest {
    private static final LocalMedia LOCAL = new LocalMedia("192.0.2.10", 20000, 42, 7);
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[30]);
    private static final String KEY2 = Base64.getEncoder().encodeToString(new byte[] {
            9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
    private final SdpNegotiator n = new SdpNegotiator(List.of(AudioCodec.G722, AudioCodec.PCMU, AudioCodec.PCMA));

    private static String sdp(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    /** A Yealink-like offer: SAVP, an unknown suite first, then _80 and _32. */
    private static final String SAVP = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5",
            "t=0 0", "m=audio 5004 RTP/SAVP 0 8 101", "a=rtpmap:101 telephone-event/8000",
            "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" + KEY + KEY,
            "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31",
            "a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:" + KEY2, "a=sendrecv");

    private static final String AVP = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5",
            "t=0 0", "m=audio 5004 RTP/AVP 0");

    /** Best-effort SRTP the old way: a SAVP line and the same stream as AVP. */
    private static final String SAVP_THEN_AVP = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-",
            "c=IN IP4 203.0.113.5", "t=0 0", "m=audio 5004 RTP/SAVP 0",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY, "m=audio 5006 RTP/AVP 0");

    private static MediaPlan accepted(Negotiation n) {
        if (n instanceof Negotiation.Accepted a) return a.plan();
        return fail("not accepted: " + n);
    }

    @Test
    void savpOverTlsIsAnsweredWithTheFirstUsableSuiteAndOurOwnKey() {
        MediaPlan p = accepted(n.answerOffer(SAVP, null, SrtpMode.OPTIONAL, null));
        assertEquals(AudioCodec.PCMU, p.codec());
        SdesKeys keys = p.srtp();
        assertNotNull(keys);
        assertEquals(2, keys.remote().tag());
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_80, keys.suite());
        assertArrayEquals(new byte[16], keys.remote().masterKey());
        assertEquals(2, keys.local().tag());
        assertNotEquals(keys.remote(), keys.local(), "our key is our own");
        String answer = n.answer(p, LOCAL);
        assertTrue(answer.contains("m=audio 20000 RTP/SAVP 0 101"), answer);
        assertTrue(answer.contains("a=crypto:" + keys.local().attributeValue()), answer);
        assertEquals(1, answer.split("a=crypto").length - 1, answer);
        assertFalse(answer.contains(KEY), "never their key in our answer");
    }

    @Test
    void reInviteKeepsOurKeyWhenTagAndSuiteStay() {
        MediaPlan first = accepted(n.answerOffer(SAVP, null, SrtpMode.OPTIONAL, null));
        MediaPlan again = accepted(n.answerOffer(SAVP, AudioCodec.PCMU, SrtpMode.OPTIONAL, first.srtp().local()));
        assertEquals(first.srtp(), again.srtp());
        assertEquals(n.answer(first, LOCAL), n.answer(again, LOCAL));
        // Another suite chosen: a new key of ours for it.
        String only32 = SAVP.replace("a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31\r\n", "");
        MediaPlan other = accepted(n.answerOffer(only32, AudioCodec.PCMU, SrtpMode.OPTIONAL, first.srtp().local()));
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_32, other.srtp().suite());
        assertEquals(3, other.srtp().local().tag());
    }

    @Test
    void savpWithoutTlsIs488SayingWhy() {
        Negotiation r = n.answerOffer(SAVP, null, SrtpMode.OFF, null);
        Negotiation.NotAcceptable na = assertInstanceOf(Negotiation.NotAcceptable.class, r);
        assertEquals(302, na.warningCode());
        assertTrue(na.warningText().contains("only over SIP over TLS"), na.warningText());
        // The two-argument form (plain RTP only) says the same.
        assertInstanceOf(Negotiation.NotAcceptable.class, n.answerOffer(SAVP));
    }

    @Test
    void savpWithNoUsableCryptoIs488ListingTheReasons() {
        String bad = sdp("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5", "t=0 0",
                "m=audio 5004 RTP/SAVP 0", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA",
                "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31|1:9");
        Negotiation.NotAcceptable na = assertInstanceOf(Negotiation.NotAcceptable.class,
                n.answerOffer(bad, null, SrtpMode.OPTIONAL, null));
        assertEquals(302, na.warningCode());
        assertTrue(na.warningText().contains("key and salt are 3 bytes, not 30"), na.warningText());
        assertTrue(na.warningText().contains("MKI of 9 bytes not supported"), na.warningText());
        String none = bad.replaceAll("a=crypto:[^\r]*\r\n", "");
        na = assertInstanceOf(Negotiation.NotAcceptable.class, n.answerOffer(none, null, SrtpMode.OPTIONAL, null));
        assertTrue(na.warningText().startsWith("no usable a=crypto"), na.warningText());
    }

    @Test
    void plainOffersKeepWorkingAndMandatoryRefusesThem() {
        MediaPlan p = accepted(n.answerOffer(AVP, null, SrtpMode.OPTIONAL, null));
        assertNull(p.srtp());
        assertTrue(n.answer(p, LOCAL).contains("m=audio 20000 RTP/AVP 0"));
        assertFalse(n.answer(p, LOCAL).contains("crypto"));
        Negotiation.NotAcceptable na = assertInstanceOf(Negotiation.NotAcceptable.class,
                n.answerOffer(AVP, null, SrtpMode.MANDATORY, null));
        assertEquals(302, na.warningCode());
    }

    @Test
    void twoLinesOfferTakesSavpOverTlsAndAvpOtherwise() {
        MediaPlan tls = accepted(n.answerOffer(SAVP_THEN_AVP, null, SrtpMode.OPTIONAL, null));
        assertEquals(0, tls.audioLine());
        assertNotNull(tls.srtp());
        String a = n.answer(tls, LOCAL);
        assertTrue(a.contains("m=audio 20000 RTP/SAVP 0") && a.contains("m=audio 0 RTP/AVP 0"), a);
        MediaPlan plain = accepted(n.answerOffer(SAVP_THEN_AVP, null, SrtpMode.OFF, null));
        assertEquals(1, plain.audioLine());
        assertNull(plain.srtp());
        a = n.answer(plain, LOCAL);
        assertTrue(a.contains("m=audio 0 RTP/SAVP 0") && a.contains("m=audio 20000 RTP/AVP 0"), a);
        assertFalse(a.contains("crypto"), a);
    }

    // ---- our own offers (dial-out through a trunk with srtp optional or mandatory) ----

    private static final List<SdesCrypto> OURS = SdpNegotiator.freshCryptoOffer();

    private static String answer(String proto, String... attributes) {
        List<String> lines = new java.util.ArrayList<>(List.of("v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-",
                "c=IN IP4 203.0.113.5", "t=0 0", "m=audio 5004 " + proto + " 0"));
        for (String a : attributes) lines.add("a=" + a);
        return sdp(lines.toArray(String[]::new));
    }

    @Test
    void ourOfferWithKeysIsSavpWithEachOfThem() {
        assertEquals(2, OURS.size());
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_80, OURS.get(0).suite());
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_32, OURS.get(1).suite());
        assertFalse(java.util.Arrays.equals(OURS.get(0).masterKey(), OURS.get(1).masterKey()), "a key per line");
        String offer = n.offer(LOCAL, MediaDirection.SENDRECV, OURS);
        assertTrue(offer.contains("m=audio 20000 RTP/SAVP "), offer);
        assertTrue(offer.contains("a=crypto:" + OURS.get(0).attributeValue() + "\r\n"), offer);
        assertTrue(offer.contains("a=crypto:" + OURS.get(1).attributeValue() + "\r\n"), offer);
        String plain = n.offer(LOCAL, MediaDirection.SENDRECV, List.of());
        assertTrue(plain.contains("m=audio 20000 RTP/AVP "), plain);
        assertFalse(plain.contains("crypto"), plain);
    }

    @Test
    void answerNamingOneOfOurLinesKeysBothDirections() {
        String a = answer("RTP/SAVP", "crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + KEY2);
        for (SrtpMode mode : List.of(SrtpMode.OPTIONAL, SrtpMode.MANDATORY)) {
            SdesKeys keys = accepted(n.acceptAnswer(a, mode, OURS)).srtp();
            assertNotNull(keys, mode.name());
            assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_32, keys.suite());
            assertSame(OURS.get(1), keys.local(), "we send with the key we offered on that tag");
            assertEquals(2, keys.remote().tag());
            assertArrayEquals(java.util.Arrays.copyOf(Base64.getDecoder().decode(KEY2), 16), keys.remote().masterKey());
        }
    }

    @Test
    void answerWithoutOurTagAndSuiteIsRefused() {
        // Tag 1 is our _80 line: the same tag with another suite names none of ours (RFC 4568 §7.1.3).
        String wrongSuite = answer("RTP/SAVP", "crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" + KEY2);
        String noCrypto = answer("RTP/SAVP");
        for (SrtpMode mode : List.of(SrtpMode.OPTIONAL, SrtpMode.MANDATORY)) {
            assertInstanceOf(Negotiation.NotAcceptable.class, n.acceptAnswer(wrongSuite, mode, OURS), mode.name());
            assertInstanceOf(Negotiation.NotAcceptable.class, n.acceptAnswer(noCrypto, mode, OURS), mode.name());
        }
    }

    @Test
    void plainAnswerIsPlainRtpWhenOptionalAndRefusedWhenMandatory() {
        String plain = answer("RTP/AVP");
        MediaPlan p = accepted(n.acceptAnswer(plain, SrtpMode.OPTIONAL, OURS));
        assertNull(p.srtp());
        assertEquals(AudioCodec.PCMU, p.codec());
        assertInstanceOf(Negotiation.NotAcceptable.class, n.acceptAnswer(plain, SrtpMode.MANDATORY, OURS));
        // Our plain offer (after a 488) reads any answer as plain RTP.
        assertNull(accepted(n.acceptAnswer(plain, SrtpMode.OPTIONAL, List.of())).srtp());
    }

    @Test
    void ourOfferAnsweredByAnotherNegotiatorAgreesOnTheKeys() {
        SdpNegotiator far = new SdpNegotiator(List.of(AudioCodec.PCMU));
        String offer = n.offer(LOCAL, MediaDirection.SENDRECV, OURS);
        MediaPlan theirs = accepted(far.answerOffer(offer, null, SrtpMode.MANDATORY, null));
        String answer = far.answer(theirs, new LocalMedia("192.0.2.20", 30000, 9, 9));
        MediaPlan ours = accepted(n.acceptAnswer(answer, SrtpMode.MANDATORY, OURS));
        assertEquals(theirs.srtp().suite(), ours.srtp().suite());
        assertArrayEquals(ours.srtp().local().masterKey(), theirs.srtp().remote().masterKey());
        assertArrayEquals(ours.srtp().local().masterSalt(), theirs.srtp().remote().masterSalt());
        assertArrayEquals(theirs.srtp().local().masterKey(), ours.srtp().remote().masterKey());
        assertEquals(AudioCodec.PCMU, ours.codec());
    }
}
