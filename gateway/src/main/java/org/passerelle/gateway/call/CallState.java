package org.passerelle.gateway.call;

/**
 * The life of one call on the gateway side, as one pure transition function (tested as a table).
 * The SIP dialog has its own states in the sip module; these are the ones the application acts on.
 */
public enum CallState {
    /** INVITE received, dial plan being consulted. */
    ROUTING,
    /** Accepted by the dial plan; 180 sent, 200 sent or coming once the room's platform is known to be up. */
    ANSWERING,
    /**
     * The room's platform cannot be reached: the caller hears why as early media (183), then gets
     * 503 (RFC 3261 §21.5.4), so that a PBX can try another route.
     */
    REFUSING,
    /** ACK received; the caller talks to the gateway (PIN entry, a message). */
    IN_IVR,
    /** The caller is in the room. */
    IN_ROOM,
    /** Over; the end reason is recorded. */
    ENDED;

    /** What happens to a call. */
    public enum Event {
        ACCEPTED,
        /** The room cannot be reached; refused before answering. */
        REFUSED,
        /** ACK received for a call that goes straight to its room. */
        ESTABLISHED,
        /** ACK received for a call that first talks to the IVR. */
        IVR_STARTED,
        /** The IVR let the caller into a room. */
        JOINED,
        ENDED
    }

    /** The next state, or null when the event is not legal in this state. */
    public CallState on(Event e) {
        if (e == Event.ENDED) return this == ENDED ? null : ENDED;
        return switch (this) {
            case ROUTING -> e == Event.ACCEPTED ? ANSWERING : null;
            case ANSWERING -> switch (e) {
                case ESTABLISHED -> IN_ROOM;
                case IVR_STARTED -> IN_IVR;
                case REFUSED -> REFUSING;
                default -> null;
            };
            case REFUSING -> null;
            case IN_IVR -> e == Event.JOINED ? IN_ROOM : null;
            case IN_ROOM, ENDED -> null;
        };
    }
}
