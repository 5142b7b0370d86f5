package org.passerelle.gateway.livekit;

/**
 * Life of one signal connection. Legal moves are given by {@link #canMoveTo}: one pure function,
 * tested as a table.
 */
public enum SignalState {
    /** Not connected yet. */
    NEW,
    /** WebSocket opening, then waiting for the JoinResponse. */
    CONNECTING,
    /** Joined: the JoinResponse (or ReconnectResponse after a resume) arrived. */
    CONNECTED,
    /** The socket dropped or pongs stopped: re-opening it with reconnect=1 to resume the session. */
    RECONNECTING,
    /** Over (left, removed, failed); final. */
    DISCONNECTED;

    public boolean canMoveTo(SignalState next) {
        return switch (this) {
            case NEW -> next == CONNECTING || next == DISCONNECTED;
            case CONNECTING -> next == CONNECTED || next == DISCONNECTED;
            case CONNECTED -> next == RECONNECTING || next == DISCONNECTED;
            case RECONNECTING -> next == CONNECTED || next == DISCONNECTED;
            case DISCONNECTED -> false;
        };
    }
}
