package org.passerelle.gateway.call;

/**
 * The life of one call on the gateway side, as one pure transition function (tested as a table).
 * The SIP dialog has its own states in the sip module; these are the ones the application acts on.
 */
public enum CallState {
    /** INVITE received, dial plan being consulted. */
    ROUTING,
    /** Accepted by the dial plan; 180 and 200 sent, waiting for the ACK. */
    ANSWERING,
    /** ACK received: the caller is in the room. */
    IN_ROOM,
    /** Over; the end reason is recorded. */
    ENDED;

    /** What happens to a call. */
    public enum Event { ACCEPTED, ESTABLISHED, ENDED }

    /** The next state, or null when the event is not legal in this state. */
    public CallState on(Event e) {
        return switch (this) {
            case ROUTING -> switch (e) {
                case ACCEPTED -> ANSWERING;
                case ENDED -> ENDED;
                case ESTABLISHED -> null;
            };
            case ANSWERING -> switch (e) {
                case ESTABLISHED -> IN_ROOM;
                case ENDED -> ENDED;
                case ACCEPTED -> null;
            };
            case IN_ROOM -> e == Event.ENDED ? ENDED : null;
            case ENDED -> null;
        };
    }
}
