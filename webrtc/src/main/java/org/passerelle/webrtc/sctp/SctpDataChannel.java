package org.passerelle.webrtc.sctp;

import org.passerelle.webrtc.DataChannel;

/** One data channel on an {@link SctpTransport}'s association (RFC 8831). */
final class SctpDataChannel implements DataChannel {
    private final SctpTransport transport;
    private final String label;
    private final String protocol;
    private final boolean ordered;
    private final int maxRetransmits;
    /** Opened by the peer (we answered its DATA_CHANNEL_OPEN). */
    final boolean remote;
    private volatile int streamId;
    private volatile State state = State.CONNECTING;
    // guarded by the transport's lock
    /** RFC 8832 §6: until the peer's ACK, our messages go ordered. */
    boolean acked;
    boolean outgoingReset, incomingReset, resetRequested;

    SctpDataChannel(SctpTransport transport, int streamId, String label, String protocol, boolean ordered,
                    int maxRetransmits, boolean remote) {
        this.transport = transport;
        this.streamId = streamId;
        this.label = label;
        this.protocol = protocol;
        this.ordered = ordered;
        this.maxRetransmits = maxRetransmits;
        this.remote = remote;
        this.acked = remote;
    }

    @Override public int streamId() { return streamId; }

    void streamId(int id) { streamId = id; }

    @Override public String label() { return label; }

    @Override public String protocol() { return protocol; }

    @Override public boolean ordered() { return ordered; }

    @Override public int maxRetransmits() { return maxRetransmits; }

    @Override public State state() { return state; }

    void state(State s) { state = s; }

    @Override
    public boolean send(byte[] message, boolean binary) {
        return transport.send(this, message, binary);
    }

    @Override
    public void close() {
        transport.closeChannel(this);
    }

    @Override
    public String toString() {
        return "DataChannel[" + streamId + " '" + label + "' " + state + "]";
    }
}
