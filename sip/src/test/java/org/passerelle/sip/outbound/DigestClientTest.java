package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.sip.trunk.Credentials;

/** RFC 7616 §3.9.1 example vectors, and how a challenge is chosen and answered. */
class DigestClientTest {
    // RFC 7616 §3.9.1.
    private static final String REALM = "http-auth@example.org";
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private static final String OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
    private static final Credentials MUFASA = new Credentials("Mufasa", "Circle of Life", REALM);

    @Test
    void rfc7616Md5Vector() {
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", DigestClient.response("MD5", "Mufasa", "Circle of Life",
                REALM, NONCE, CNONCE, "00000001", "auth", "GET", "/dir/index.html"));
    }

    @Test
    void rfc7616Sha256Vector() {
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                DigestClient.response("SHA-256", "Mufasa", "Circle of Life", REALM, NONCE, CNONCE, "00000001", "auth",
                        "GET", "/dir/index.html"));
    }

    @Test
    void headerCarriesEveryFieldOfTheVector() {
        DigestClient client = new DigestClient(() -> CNONCE);
        DigestChallenge c = new DigestChallenge(REALM, NONCE, "SHA-256", List.of("auth", "auth-int"), OPAQUE, false, false);
        String h = client.authorize(c, MUFASA, "GET", "/dir/index.html");
        assertTrue(h.startsWith("Digest username=\"Mufasa\""), h);
        assertTrue(h.contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""), h);
        assertTrue(h.contains("algorithm=SHA-256"), h);
        assertTrue(h.contains("qop=auth,"), h);
        assertTrue(h.contains("nc=00000001"), h);
        assertTrue(h.contains("cnonce=\"" + CNONCE + "\""), h);
        assertTrue(h.contains("opaque=\"" + OPAQUE + "\""), h);
        assertFalse(h.contains("Circle of Life"), "the password itself never travels");
    }

    @Test
    void nonceCountGrowsForTheSameNonceOnly() {
        DigestClient client = new DigestClient(() -> CNONCE);
        DigestChallenge c = new DigestChallenge(REALM, NONCE, "MD5", List.of("auth"), null, false, false);
        assertTrue(client.authorize(c, MUFASA, "REGISTER", "sip:x").contains("nc=00000001"));
        assertTrue(client.authorize(c, MUFASA, "REGISTER", "sip:x").contains("nc=00000002"));
        DigestChallenge fresh = new DigestChallenge(REALM, "other", "MD5", List.of("auth"), null, false, false);
        assertTrue(client.authorize(fresh, MUFASA, "REGISTER", "sip:x").contains("nc=00000001"));
    }

    @Test
    void withoutQopTheRfc2069FormIsUsed() {
        // RFC 2617 §3.5 example (no qop): response of the classic form.
        DigestChallenge c = new DigestChallenge("testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093", null,
                List.of(), null, false, false);
        String h = DigestClient.header(c, new Credentials("Mufasa", "Circle Of Life", null), "GET", "/dir/index.html",
                "ignored", 1);
        assertTrue(h.contains("response=\"670fd8c2df070c60b045671b8b24ff02\""), h);
        assertFalse(h.contains("qop="), h);
        assertFalse(h.contains("cnonce="), h);
        assertTrue(h.contains("algorithm=MD5"), h);
    }

    @Test
    void strongestSupportedChallengeWins() {
        DigestChallenge md5 = new DigestChallenge("r", "n1", "MD5", List.of("auth"), null, false, false);
        DigestChallenge sha = new DigestChallenge("r", "n2", "SHA-256", List.of("auth"), null, false, false);
        DigestChallenge unknown = new DigestChallenge("r", "n3", "SHA-1024", List.of("auth"), null, false, false);
        DigestChallenge authIntOnly = new DigestChallenge("r", "n4", "SHA-512-256", List.of("auth-int"), null, false, false);
        assertEquals(sha, DigestClient.strongest(List.of(md5, sha, unknown, authIntOnly)).orElseThrow());
        assertEquals(md5, DigestClient.strongest(List.of(unknown, md5)).orElseThrow());
        assertTrue(DigestClient.strongest(List.of(unknown, authIntOnly)).isEmpty());
    }

    @Test
    void sessionVariantMixesTheNonces() {
        String plain = DigestClient.response("MD5", "u", "p", "r", "n", "c", "00000001", "auth", "REGISTER", "sip:r");
        String sess = DigestClient.response("MD5-sess", "u", "p", "r", "n", "c", "00000001", "auth", "REGISTER", "sip:r");
        assertNotEquals(plain, sess);
        assertEquals(64, DigestClient.response("SHA-512-256", "u", "p", "r", "n", "c", "00000001", "auth", "REGISTER",
                "sip:r").length());
    }
}
