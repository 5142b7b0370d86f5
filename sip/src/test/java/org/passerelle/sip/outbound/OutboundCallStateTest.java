package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;
import static org.passerelle.sip.outbound.OutboundCallEvent.*;
import static org.passerelle.sip.outbound.OutboundCallState.*;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every (state, event) pair of a dial-out against the table of legal transitions. */
class OutboundCallStateTest {
    private static final Map<OutboundCallState, Map<OutboundCallEvent, OutboundCallState>> LEGAL = new EnumMap<>(OutboundCallState.class);

    static {
        for (OutboundCallState s : new OutboundCallState[] {CALLING, PROCEEDING, OutboundCallState.EARLY_MEDIA}) {
            legal(s, PROVISIONAL, s == OutboundCallState.EARLY_MEDIA ? OutboundCallState.EARLY_MEDIA : PROCEEDING);
            legal(s, OutboundCallEvent.EARLY_ANSWER, OutboundCallState.EARLY_MEDIA);
            legal(s, CHALLENGED, CALLING);
            legal(s, OFFER_REFUSED, CALLING);
            legal(s, ANSWERED, CONFIRMED);
            legal(s, CANCEL, CANCELLING);
            legal(s, FINAL_ERROR, TERMINATED);
            legal(s, FAILURE, TERMINATED);
        }
        legal(CANCELLING, PROVISIONAL, CANCELLING);
        legal(CANCELLING, OutboundCallEvent.EARLY_ANSWER, CANCELLING);
        legal(CANCELLING, ANSWERED, TERMINATED);
        legal(CANCELLING, FINAL_ERROR, TERMINATED);
        legal(CANCELLING, FAILURE, TERMINATED);
        legal(CANCELLING, CHALLENGED, TERMINATED);
        legal(CONFIRMED, ANSWERED, CONFIRMED);
        legal(CONFIRMED, BYE_RECEIVED, TERMINATED);
        legal(CONFIRMED, HANGUP, TERMINATED);
        legal(CONFIRMED, RTP_TIMEOUT, TERMINATED);
        legal(CONFIRMED, FAILURE, TERMINATED);
    }

    private static void legal(OutboundCallState from, OutboundCallEvent e, OutboundCallState to) {
        LEGAL.computeIfAbsent(from, k -> new EnumMap<>(OutboundCallEvent.class)).put(e, to);
    }

    @Test
    void transitionTable() {
        int legal = 0;
        for (OutboundCallState s : OutboundCallState.values()) {
            for (OutboundCallEvent e : OutboundCallEvent.values()) {
                OutboundCallState expected = LEGAL.getOrDefault(s, Map.of()).get(e);
                assertEquals(expected, s.next(e), s + " + " + e);
                if (expected != null) legal++;
            }
        }
        assertEquals(35, legal);
    }

    @Test
    void theCalleeCannotByeAnEarlyDialog() {
        assertNull(PROCEEDING.next(BYE_RECEIVED));
        assertNull(OutboundCallState.EARLY_MEDIA.next(HANGUP));
    }
}
