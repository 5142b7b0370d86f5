package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;
import static org.passerelle.sip.CallEvent.*;
import static org.passerelle.sip.CallState.*;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallStateTest {
    /** Every legal transition; everything else must be refused. */
    private static final Map<CallState, Map<CallEvent, CallState>> LEGAL = new EnumMap<>(CallState.class);

    private static void legal(CallState from, CallEvent e, CallState to) {
        LEGAL.computeIfAbsent(from, k -> new EnumMap<>(CallEvent.class)).put(e, to);
    }

    static {
        for (CallState s : new CallState[] {INCOMING, RINGING}) {
            legal(s, RING, RINGING);
            legal(s, PROGRESS, EARLY);
        }
        for (CallState s : new CallState[] {INCOMING, RINGING, EARLY}) {
            legal(s, ANSWER, ANSWERED);
            legal(s, CANCEL_RECEIVED, TERMINATED);
            legal(s, REJECT, TERMINATED);
            legal(s, HANGUP, TERMINATED);
            legal(s, ERROR, TERMINATED);
        }
        legal(ANSWERED, ACK, CONFIRMED);
        legal(ANSWERED, ACK_TIMEOUT, TERMINATED);
        legal(CONFIRMED, REINVITE, UPDATING);
        legal(UPDATING, ACK, CONFIRMED);
        legal(UPDATING, ACK_TIMEOUT, TERMINATED);
        for (CallState s : new CallState[] {ANSWERED, CONFIRMED, UPDATING}) {
            legal(s, BYE_RECEIVED, TERMINATED);
            legal(s, RTP_TIMEOUT, TERMINATED);
            legal(s, HANGUP, TERMINATED);
            legal(s, ERROR, TERMINATED);
        }
    }

    @Test
    void transitionTable() {
        for (CallState s : CallState.values()) {
            for (CallEvent e : CallEvent.values()) {
                CallState expected = LEGAL.getOrDefault(s, Map.of()).get(e);
                assertEquals(expected, s.next(e), s + " + " + e);
            }
        }
    }

    @Test
    void everyEndingEventHasOneReasonAndOnlyThose() {
        for (CallEvent e : CallEvent.values()) {
            boolean ends = false;
            for (CallState s : CallState.values()) ends |= s.next(e) == TERMINATED;
            assertEquals(ends, e.endReason() != null, e.toString());
        }
        assertEquals(SipLeg.EndReason.REMOTE_BYE, BYE_RECEIVED.endReason());
        assertEquals(SipLeg.EndReason.CANCELLED, CANCEL_RECEIVED.endReason());
    }

    @Test
    void aTypicalCall() {
        CallState s = INCOMING;
        for (CallEvent e : new CallEvent[] {RING, ANSWER, ACK, REINVITE, ACK, BYE_RECEIVED}) {
            s = s.next(e);
            assertNotNull(s, e.toString());
        }
        assertEquals(TERMINATED, s);
    }

    @Test
    void earlyMediaThenAFinalErrorOrTheAnswer() {
        assertEquals(TERMINATED, INCOMING.next(RING).next(PROGRESS).next(REJECT));
        assertEquals(CONFIRMED, INCOMING.next(PROGRESS).next(ANSWER).next(ACK));
        assertTrue(EARLY.pending());
        assertFalse(ANSWERED.pending());
    }
}
