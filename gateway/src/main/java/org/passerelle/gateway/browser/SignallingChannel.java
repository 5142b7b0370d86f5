package org.passerelle.gateway.browser;

/**
 * The socket of one browser, as the session needs it: the WebSocket on Netty in production, a
 * recorder in unit tests. Every method may be called from any thread and must not block.
 */
public interface SignallingChannel {
    /** Sends one text message. */
    void send(String text);

    /** Sends a WebSocket ping (RFC 6455 §5.5.2); the pong comes back as traffic. */
    void ping();

    /**
     * Closes the socket after what was sent: a close frame with the RFC 6455 §7.4.1 status code
     * (1000 normal, 1003 unsupported data, 1008 policy, 1009 too big), then the connection.
     */
    void close(int statusCode, String reason);
}
