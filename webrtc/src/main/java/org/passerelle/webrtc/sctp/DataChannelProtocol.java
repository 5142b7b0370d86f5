package org.passerelle.webrtc.sctp;

import java.nio.charset.StandardCharsets;

/** DCEP, the Data Channel Establishment Protocol (RFC 8832 §5), and the PPIDs of RFC 8831 §8. */
public final class DataChannelProtocol {
    private DataChannelProtocol() {}

    public static final int PPID_DCEP = 50, PPID_STRING = 51, PPID_BINARY = 53, PPID_STRING_EMPTY = 56,
            PPID_BINARY_EMPTY = 57;
    /** Deprecated partial PPIDs (RFC 8831 §8): read as their whole counterparts. */
    static final int PPID_STRING_PARTIAL = 52, PPID_BINARY_PARTIAL = 54;

    static final int DATA_CHANNEL_ACK = 0x02, DATA_CHANNEL_OPEN = 0x03;
    // channel types (§5.1)
    static final int RELIABLE = 0x00, PARTIAL_RELIABLE_REXMIT = 0x01, PARTIAL_RELIABLE_TIMED = 0x02,
            UNORDERED_BIT = 0x80;

    /** A DATA_CHANNEL_OPEN message; {@code maxRetransmits} -1 for reliable (and for timed, which we send reliably). */
    public record Open(String label, String protocol, boolean ordered, int maxRetransmits, int priority) {}

    public static byte[] open(Open o) {
        byte[] label = o.label().getBytes(StandardCharsets.UTF_8);
        byte[] protocol = o.protocol().getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[12 + label.length + protocol.length];
        m[0] = DATA_CHANNEL_OPEN;
        int type = o.maxRetransmits() < 0 ? RELIABLE : PARTIAL_RELIABLE_REXMIT;
        m[1] = (byte) (type | (o.ordered() ? 0 : UNORDERED_BIT));
        SctpPacket.put16(m, 2, o.priority());
        SctpPacket.put32(m, 4, o.maxRetransmits() < 0 ? 0 : o.maxRetransmits());
        SctpPacket.put16(m, 8, label.length);
        SctpPacket.put16(m, 10, protocol.length);
        System.arraycopy(label, 0, m, 12, label.length);
        System.arraycopy(protocol, 0, m, 12 + label.length, protocol.length);
        return m;
    }

    public static byte[] ack() {
        return new byte[] {DATA_CHANNEL_ACK};
    }

    /** Reads a DATA_CHANNEL_OPEN; null when malformed. */
    public static Open parseOpen(byte[] m) {
        if (m.length < 12 || (m[0] & 0xff) != DATA_CHANNEL_OPEN) return null;
        int type = m[1] & 0xff;
        int labelLen = SctpPacket.u16(m, 8), protocolLen = SctpPacket.u16(m, 10);
        if (12 + labelLen + protocolLen > m.length) return null;
        int base = type & ~UNORDERED_BIT;
        if (base != RELIABLE && base != PARTIAL_RELIABLE_REXMIT && base != PARTIAL_RELIABLE_TIMED) return null;
        long param = SctpPacket.u32(m, 4);
        int maxRetransmits = base == PARTIAL_RELIABLE_REXMIT ? (int) Math.min(param, 65535) : -1;
        return new Open(new String(m, 12, labelLen, StandardCharsets.UTF_8),
                new String(m, 12 + labelLen, protocolLen, StandardCharsets.UTF_8),
                (type & UNORDERED_BIT) == 0, maxRetransmits, SctpPacket.u16(m, 2));
    }

    static boolean isAck(byte[] m) {
        return m.length >= 1 && (m[0] & 0xff) == DATA_CHANNEL_ACK;
    }

    /** RFC 8831 §6.6: an empty message is sent as one zero byte with its own PPID. */
    static int ppid(byte[] message, boolean binary) {
        if (message.length == 0) return binary ? PPID_BINARY_EMPTY : PPID_STRING_EMPTY;
        return binary ? PPID_BINARY : PPID_STRING;
    }
}
