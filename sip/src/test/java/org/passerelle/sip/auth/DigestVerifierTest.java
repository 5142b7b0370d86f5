package org.passerelle.sip.auth;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.passerelle.sip.MutableClock;

class DigestVerifierTest {
    private static final String SRC = "198.51.100.7";
    private static final String URI = "sip:+33142000000@gw.example.org";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final DigestVerifier verifier = new DigestVerifier(new NonceIssuer(clock, Duration.ofMinutes(5)), clock);

    private DigestAuthorization auth(DigestAlgorithm a, String password, String nonce, String nc, String cnonce) {
        String response = a.response("trunk", "gw", password, "INVITE", URI, nonce, nc, cnonce, "auth");
        return new DigestAuthorization("trunk", "gw", nonce, URI, response, a.token(), "auth", nc, cnonce);
    }

    private DigestVerifier.Outcome verify(DigestAuthorization a) {
        return verifier.verify(a, "INVITE", true, "trunk", "pw", "gw", SRC);
    }

    @Test
    void rightCredentialsWithEitherAlgorithm() {
        String nonce = verifier.nonces().issue(SRC, "gw");
        assertEquals(DigestVerifier.Outcome.ACCEPTED, verify(auth(DigestAlgorithm.SHA_256, "pw", nonce, "00000001", "c1")));
        assertEquals(DigestVerifier.Outcome.ACCEPTED, verify(auth(DigestAlgorithm.MD5, "pw", nonce, "00000001", "c2")));
        // No algorithm parameter means MD5.
        DigestAuthorization md5 = auth(DigestAlgorithm.MD5, "pw", nonce, "00000002", "c2");
        assertEquals(DigestVerifier.Outcome.ACCEPTED, verify(new DigestAuthorization(md5.username(), md5.realm(),
                md5.nonce(), md5.uri(), md5.response().toUpperCase(), null, "auth", md5.nc(), md5.cnonce())));
    }

    @Test
    void wrongPasswordUserRealmOrUri() {
        String nonce = verifier.nonces().issue(SRC, "gw");
        assertEquals(DigestVerifier.Outcome.WRONG, verify(auth(DigestAlgorithm.SHA_256, "pW", nonce, "00000001", "c")));
        DigestAuthorization ok = auth(DigestAlgorithm.MD5, "pw", nonce, "00000001", "c");
        assertEquals(DigestVerifier.Outcome.WRONG, verifier.verify(ok, "INVITE", true, "other", "pw", "gw", SRC));
        assertEquals(DigestVerifier.Outcome.WRONG, verifier.verify(ok, "INVITE", false, "trunk", "pw", "gw", SRC));
        assertEquals(DigestVerifier.Outcome.WRONG, verifier.verify(ok, "BYE", true, "trunk", "pw", "gw", SRC));
    }

    @Test
    void qopNcAndCnonceAreRequired() {
        String nonce = verifier.nonces().issue(SRC, "gw");
        DigestAuthorization a = auth(DigestAlgorithm.MD5, "pw", nonce, "00000001", "c");
        assertEquals(DigestVerifier.Outcome.WRONG, verify(new DigestAuthorization(a.username(), a.realm(), a.nonce(),
                a.uri(), a.response(), a.algorithm(), null, a.nc(), a.cnonce())));
        assertEquals(DigestVerifier.Outcome.WRONG, verify(auth(DigestAlgorithm.MD5, "pw", nonce, "1", "c")));
        assertEquals(DigestVerifier.Outcome.WRONG, verify(auth(DigestAlgorithm.MD5, "pw", nonce, "00000001", "")));
        assertEquals(DigestVerifier.Outcome.WRONG, verify(new DigestAuthorization(a.username(), a.realm(), a.nonce(),
                a.uri(), a.response(), "MD5-sess", "auth", a.nc(), a.cnonce())));
    }

    @Test
    void staleOnlyWhenTheDigestWasRight() {
        String nonce = verifier.nonces().issue(SRC, "gw");
        clock.advance(Duration.ofMinutes(6));
        assertEquals(DigestVerifier.Outcome.STALE, verify(auth(DigestAlgorithm.SHA_256, "pw", nonce, "00000001", "c")));
        assertEquals(DigestVerifier.Outcome.WRONG, verify(auth(DigestAlgorithm.SHA_256, "no", nonce, "00000001", "c")));
    }

    @Test
    void replayAndForeignNoncesAreNotOurs() {
        String nonce = verifier.nonces().issue(SRC, "gw");
        DigestAuthorization a = auth(DigestAlgorithm.SHA_256, "pw", nonce, "00000001", "c");
        assertEquals(DigestVerifier.Outcome.ACCEPTED, verify(a));
        assertEquals(DigestVerifier.Outcome.NOT_OURS, verify(a), "the same (nonce, nc, cnonce) twice is a replay");
        // The next nc with the same nonce is fine (RFC 7616 §3.4).
        assertEquals(DigestVerifier.Outcome.ACCEPTED, verify(auth(DigestAlgorithm.SHA_256, "pw", nonce, "00000002", "c")));
        String elsewhere = verifier.nonces().issue("203.0.113.9", "gw");
        assertEquals(DigestVerifier.Outcome.NOT_OURS, verify(auth(DigestAlgorithm.SHA_256, "pw", elsewhere, "00000001", "c")));
        assertEquals(DigestVerifier.Outcome.NOT_OURS, verify(auth(DigestAlgorithm.SHA_256, "pw", "made-up", "00000001", "c")));
    }
}
