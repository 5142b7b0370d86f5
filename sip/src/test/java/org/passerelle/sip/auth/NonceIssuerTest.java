package org.passerelle.sip.auth;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.passerelle.sip.MutableClock;

class NonceIssuerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final NonceIssuer issuer = new NonceIssuer(clock, Duration.ofMinutes(5));

    @Test
    void freshThenStaleAfterItsLifetime() {
        String n = issuer.issue("192.0.2.1", "gw");
        assertEquals(NonceIssuer.Check.FRESH, issuer.check(n, "192.0.2.1", "gw"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(NonceIssuer.Check.FRESH, issuer.check(n, "192.0.2.1", "gw"));
        clock.advance(Duration.ofMillis(1));
        assertEquals(NonceIssuer.Check.STALE, issuer.check(n, "192.0.2.1", "gw"));
    }

    @Test
    void boundToSourceRealmAndProcess() {
        String n = issuer.issue("192.0.2.1", "gw");
        assertEquals(NonceIssuer.Check.UNKNOWN, issuer.check(n, "192.0.2.2", "gw"));
        assertEquals(NonceIssuer.Check.UNKNOWN, issuer.check(n, "192.0.2.1", "other"));
        NonceIssuer restarted = new NonceIssuer(clock, Duration.ofMinutes(5));
        assertEquals(NonceIssuer.Check.UNKNOWN, restarted.check(n, "192.0.2.1", "gw"));
    }

    @Test
    void tamperedOrGarbageIsUnknown() {
        String n = issuer.issue("192.0.2.1", "gw");
        char[] c = n.toCharArray();
        c[3] = c[3] == 'A' ? 'B' : 'A';
        assertEquals(NonceIssuer.Check.UNKNOWN, issuer.check(new String(c), "192.0.2.1", "gw"));
        for (String bad : new String[] {null, "", "***", "AAAA", "x".repeat(500)}) {
            assertEquals(NonceIssuer.Check.UNKNOWN, issuer.check(bad, "192.0.2.1", "gw"), bad);
        }
    }

    @Test
    void twoNoncesDiffer() {
        String a = issuer.issue("192.0.2.1", "gw");
        clock.advance(Duration.ofMillis(1));
        assertNotEquals(a, issuer.issue("192.0.2.1", "gw"));
    }
}
