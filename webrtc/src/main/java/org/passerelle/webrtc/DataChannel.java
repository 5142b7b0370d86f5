package org.passerelle.webrtc;

/** One WebRTC data channel (RFC 8831) of a session. Thread-safe. */
public interface DataChannel {
    enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    /** The SCTP stream id; -1 while not yet assigned (ours get one once the DTLS role is known). */
    int streamId();

    String label();

    String protocol();

    boolean ordered();

    /** -1 = fully reliable. */
    int maxRetransmits();

    State state();

    /**
     * Sends one message (binary: PPID 53, string: 51; empty ones 56/57 per RFC 8831 §6.6).
     * false when the channel is not open or the association's send buffer is full (bounded).
     */
    boolean send(byte[] message, boolean binary);

    /** Closes the channel (RFC 8831 §6.7 stream reset, RFC 6525 outgoing SSN reset request). */
    void close();
}
