package org.passerelle.sip.auth;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The request-digest computation against the published example of RFC 7616 §3.9.1. */
class DigestAlgorithmTest {
    private static final String USER = "Mufasa";
    private static final String REALM = "http-auth@example.org";
    private static final String PASSWORD = "Circle of Life";
    private static final String URI = "/dir/index.html";
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @Test
    void md5MatchesRfc7616Example() {
        assertEquals("8ca523f5e9506fed4657c9700eebdbec",
                DigestAlgorithm.MD5.response(USER, REALM, PASSWORD, "GET", URI, NONCE, "00000001", CNONCE, "auth"));
    }

    @Test
    void sha256MatchesRfc7616Example() {
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                DigestAlgorithm.SHA_256.response(USER, REALM, PASSWORD, "GET", URI, NONCE, "00000001", CNONCE, "auth"));
    }

    @Test
    void tokens() {
        assertEquals(DigestAlgorithm.MD5, DigestAlgorithm.fromToken(null), "absent means MD5 (RFC 7616 §3.3)");
        assertEquals(DigestAlgorithm.MD5, DigestAlgorithm.fromToken("md5"));
        assertEquals(DigestAlgorithm.SHA_256, DigestAlgorithm.fromToken("SHA-256"));
        assertNull(DigestAlgorithm.fromToken("MD5-sess"));
        assertNull(DigestAlgorithm.fromToken("SHA-512-256"));
    }

    @Test
    void challengeOffersSha256ThenMd5() {
        var values = DigestChallenge.headerValues("gw", "n0nce", false);
        assertEquals(2, values.size());
        assertTrue(values.get(0).contains("algorithm=SHA-256"), values.get(0));
        assertTrue(values.get(1).contains("algorithm=MD5"), values.get(1));
        assertTrue(values.get(0).contains("qop=\"auth\""));
        assertFalse(values.get(0).contains("stale"));
        assertTrue(DigestChallenge.headerValues("gw", "n0nce", true).get(1).endsWith(", stale=true"));
    }
}
