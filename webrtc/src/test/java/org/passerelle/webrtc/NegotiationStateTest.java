package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The offer/answer transitions as a table: from, to, result ("-" for illegal). */
class NegotiationStateTest {
    @ParameterizedTest
    @CsvSource({
            "STABLE, HAVE_LOCAL_OFFER, HAVE_LOCAL_OFFER",
            "HAVE_LOCAL_OFFER, STABLE, STABLE",
            "STABLE, STABLE, -",
            "HAVE_LOCAL_OFFER, HAVE_LOCAL_OFFER, -",
    })
    void transitions(NegotiationState from, NegotiationState to, String expected) {
        NegotiationState next = from.next(to);
        assertEquals(expected, next == null ? "-" : next.name());
    }
}
