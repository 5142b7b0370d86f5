package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionStateTest {
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "NEW, CHECKING, CHECKING",
            "CHECKING, DTLS, DTLS",
            "DTLS, CONNECTED, CONNECTED",
            "NEW, CLOSED, CLOSED",
            "CHECKING, CLOSED, CLOSED",
            "DTLS, CLOSED, CLOSED",
            "CONNECTED, CLOSED, CLOSED",
            "NEW, DTLS, ",
            "NEW, CONNECTED, ",
            "CHECKING, CONNECTED, ",
            "CONNECTED, CHECKING, ",
            "DTLS, DTLS, ",
            "CLOSED, CLOSED, ",
            "CLOSED, NEW, ",
            "CLOSED, CHECKING, ",
    })
    void transitions(SessionState from, SessionState to, SessionState expected) {
        assertEquals(expected, from.next(to));
    }
}
