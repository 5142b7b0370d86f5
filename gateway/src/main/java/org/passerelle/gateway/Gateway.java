package org.passerelle.gateway;

import java.util.Set;

/** The running application: SIP, rooms, HTTP. Start with {@link #start(GatewaySettings)}. */
public final class Gateway implements AutoCloseable {
    private final GatewaySettings settings;

    private Gateway(GatewaySettings settings) {
        this.settings = settings;
    }

    public static Gateway start(GatewaySettings settings) throws Exception {
        // Filled in by the gateway work; signatures are what tests build against.
        throw new UnsupportedOperationException("not yet");
    }

    public int sipPort() { return settings.sipPort(); }

    public int httpPort() { return settings.httpPort(); }

    /** Names of the rooms open now. */
    public Set<String> roomNames() { return Set.of(); }

    /** Participants in a room now (0 when the room does not exist). */
    public int participantCount(String room) { return 0; }

    /** Calls in progress. */
    public int activeCalls() { return 0; }

    @Override
    public void close() {}
}
