package org.passerelle.webrtc.sctp;

/** Chunk and parameter type codes (RFC 9260 §3.2, RFC 3758 §3, RFC 6525 §3-4). */
final class ChunkType {
    private ChunkType() {}

    static final int DATA = 0, INIT = 1, INIT_ACK = 2, SACK = 3, HEARTBEAT = 4, HEARTBEAT_ACK = 5,
            ABORT = 6, SHUTDOWN = 7, SHUTDOWN_ACK = 8, ERROR = 9, COOKIE_ECHO = 10, COOKIE_ACK = 11,
            SHUTDOWN_COMPLETE = 14, RE_CONFIG = 130, FORWARD_TSN = 192;

    // DATA flags (RFC 9260 §3.3.1)
    static final int FLAG_END = 1, FLAG_BEGIN = 2, FLAG_UNORDERED = 4;
    /** ABORT / SHUTDOWN COMPLETE: the verification tag is the reflected one (§3.3.7). */
    static final int FLAG_T = 1;

    // parameters
    static final int P_HEARTBEAT_INFO = 1, P_STATE_COOKIE = 7, P_SUPPORTED_EXTENSIONS = 0x8008,
            P_FORWARD_TSN_SUPPORTED = 0xC000, P_OUTGOING_RESET = 13, P_INCOMING_RESET = 14,
            P_RECONFIG_RESPONSE = 16;

    // RE-CONFIG results (RFC 6525 §4.4)
    static final int RESULT_NOTHING = 0, RESULT_PERFORMED = 1, RESULT_DENIED = 2, RESULT_BAD_SEQ = 5,
            RESULT_IN_PROGRESS = 6;
}
