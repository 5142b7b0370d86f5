package org.passerelle.gateway.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallStateTest {

    /** Every (state, event) pair: the next state, or "illegal". */
    @ParameterizedTest(name = "{0} --{1}--> {2}")
    @CsvSource({
            "ROUTING,   ACCEPTED,    ANSWERING",
            "ROUTING,   REFUSED,     illegal",
            "ROUTING,   ESTABLISHED, illegal",
            "ROUTING,   IVR_STARTED, illegal",
            "ROUTING,   JOINED,      illegal",
            "ROUTING,   ENDED,       ENDED",
            "ANSWERING, ACCEPTED,    illegal",
            "ANSWERING, REFUSED,     REFUSING",
            "ANSWERING, ESTABLISHED, IN_ROOM",
            "ANSWERING, IVR_STARTED, IN_IVR",
            "ANSWERING, JOINED,      illegal",
            "ANSWERING, ENDED,       ENDED",
            "REFUSING,  ACCEPTED,    illegal",
            "REFUSING,  REFUSED,     illegal",
            "REFUSING,  ESTABLISHED, illegal",
            "REFUSING,  IVR_STARTED, illegal",
            "REFUSING,  JOINED,      illegal",
            "REFUSING,  ENDED,       ENDED",
            "IN_IVR,    ACCEPTED,    illegal",
            "IN_IVR,    REFUSED,     illegal",
            "IN_IVR,    ESTABLISHED, illegal",
            "IN_IVR,    IVR_STARTED, illegal",
            "IN_IVR,    JOINED,      IN_ROOM",
            "IN_IVR,    ENDED,       ENDED",
            "IN_ROOM,   ACCEPTED,    illegal",
            "IN_ROOM,   REFUSED,     illegal",
            "IN_ROOM,   ESTABLISHED, illegal",
            "IN_ROOM,   IVR_STARTED, illegal",
            "IN_ROOM,   JOINED,      illegal",
            "IN_ROOM,   ENDED,       ENDED",
            "ENDED,     ACCEPTED,    illegal",
            "ENDED,     REFUSED,     illegal",
            "ENDED,     ESTABLISHED, illegal",
            "ENDED,     IVR_STARTED, illegal",
            "ENDED,     JOINED,      illegal",
            "ENDED,     ENDED,       illegal",
    })
    void transitions(CallState from, CallState.Event event, String expected) {
        CallState next = from.on(event);
        assertEquals(expected, next == null ? "illegal" : next.name());
    }
}
