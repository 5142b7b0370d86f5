package org.passerelle.dialplan;

/** What to do with a call: the outcome of {@link DialPlan#route(CallFacts)}. */
public sealed interface Decision {

    /** Join the caller to a room. */
    record JoinRoom(String room) implements Decision {}

    /** Refuse the call with a SIP status (e.g. 404 Not Found). */
    record Reject(int sipStatus, String reason) implements Decision {}
}
