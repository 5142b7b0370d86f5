package org.passerelle.gateway.browser;

/**
 * The life of one browser's socket, as one pure transition function (tested as a table):
 * CONNECTED → JOINING → IN_ROOM → CLOSED, and CLOSED from anywhere.
 */
public enum BrowserState {
    /** Socket open, no join yet. */
    CONNECTED,
    /** Join accepted, answer sent; waiting for ICE and DTLS. */
    JOINING,
    /** Media is up and the participant is in the room. */
    IN_ROOM,
    /** Left, failed or disconnected; nothing more happens. */
    CLOSED;

    /** What happens to a browser session. */
    public enum Event {
        /** A valid join was answered. */
        JOIN,
        /** ICE and DTLS completed. */
        MEDIA_UP,
        /** Leave, socket closed, media failed, timeout or a bad message. */
        CLOSE
    }

    /** The next state, or null when the event is not legal in this state. */
    public BrowserState on(Event e) {
        return switch (this) {
            case CONNECTED -> switch (e) {
                case JOIN -> JOINING;
                case CLOSE -> CLOSED;
                case MEDIA_UP -> null;
            };
            case JOINING -> switch (e) {
                case MEDIA_UP -> IN_ROOM;
                case CLOSE -> CLOSED;
                case JOIN -> null;
            };
            case IN_ROOM -> e == Event.CLOSE ? CLOSED : null;
            case CLOSED -> null;
        };
    }
}
