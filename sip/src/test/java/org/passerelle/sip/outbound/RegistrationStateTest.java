package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;
import static org.passerelle.sip.outbound.RegistrationEvent.*;
import static org.passerelle.sip.outbound.RegistrationState.*;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every (state, event) pair: the legal ones give the expected state, all others are refused. */
class RegistrationStateTest {
    private static final Map<RegistrationState, Map<RegistrationEvent, RegistrationState>> LEGAL = new EnumMap<>(RegistrationState.class);

    static {
        legal(IDLE, START, REGISTERING);
        legal(IDLE, CLOSE, CLOSED);
        for (RegistrationState s : new RegistrationState[] {REGISTERING, REFRESHING}) {
            legal(s, RESEND, s);
            legal(s, ACCEPTED, REGISTERED);
            legal(s, REJECTED, BACKOFF);
            legal(s, TIMED_OUT, BACKOFF);
            legal(s, CLOSE, UNREGISTERING);
        }
        legal(REGISTERED, REFRESH_DUE, REFRESHING);
        legal(REGISTERED, CLOSE, UNREGISTERING);
        legal(BACKOFF, RETRY_DUE, REGISTERING);
        legal(BACKOFF, CLOSE, CLOSED);
        legal(UNREGISTERING, RESEND, UNREGISTERING);
        legal(UNREGISTERING, UNREGISTERED, CLOSED);
    }

    private static void legal(RegistrationState from, RegistrationEvent e, RegistrationState to) {
        LEGAL.computeIfAbsent(from, k -> new EnumMap<>(RegistrationEvent.class)).put(e, to);
    }

    @Test
    void transitionTable() {
        int legal = 0;
        for (RegistrationState s : RegistrationState.values()) {
            for (RegistrationEvent e : RegistrationEvent.values()) {
                RegistrationState expected = LEGAL.getOrDefault(s, Map.of()).get(e);
                assertEquals(expected, s.next(e), s + " + " + e);
                if (expected != null) legal++;
            }
        }
        assertEquals(18, legal);
    }

    @Test
    void aFullLifeWithARefreshAndAFailure() {
        RegistrationState s = IDLE;
        for (RegistrationEvent e : new RegistrationEvent[] {START, RESEND, ACCEPTED, REFRESH_DUE, RESEND, ACCEPTED,
                REFRESH_DUE, REJECTED, RETRY_DUE, ACCEPTED, CLOSE, RESEND, UNREGISTERED}) {
            s = s.next(e);
            assertNotNull(s, "illegal " + e);
        }
        assertEquals(CLOSED, s);
    }

    @Test
    void boundOnlyWhileTheRegistrarHoldsUs() {
        assertTrue(REGISTERED.bound());
        assertTrue(REFRESHING.bound());
        assertFalse(REGISTERING.bound());
        assertFalse(BACKOFF.bound());
    }
}
