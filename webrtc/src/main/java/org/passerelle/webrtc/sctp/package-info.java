/**
 * WebRTC data channels: SCTP (RFC 9260) over DTLS (RFC 8261), written here because no maintained
 * Java SCTP library is reachable.
 *
 * <ul>
 *   <li>{@link org.passerelle.webrtc.sctp.SctpAssociation}: the protocol, sans I/O (feed packets and
 *       timer ticks with the time, get packets and events back): handshake with a state cookie
 *       (HMAC-SHA256, per-association key), INIT collisions (§5.2.1, §5.2.4), DATA with
 *       fragmentation, SACK with gap blocks, fast retransmit, T3-rtx with RTO (§6.3; 300 ms
 *       initial, 150 ms minimum, as browsers), cwnd/rwnd, HEARTBEAT answers, ABORT, SHUTDOWN,
 *       FORWARD-TSN both ways (RFC 3758), stream resets (RFC 6525). No multihoming, ECN, AUTH,
 *       I-DATA, zero checksum; no heartbeats of our own (ICE consent watches the path).</li>
 *   <li>{@link org.passerelle.webrtc.sctp.SendQueue}, {@link org.passerelle.webrtc.sctp.ReceiveQueue}:
 *       its two halves, bounded in bytes and in chunks.</li>
 *   <li>{@link org.passerelle.webrtc.sctp.DataChannelProtocol}: DCEP (RFC 8832) and PPIDs (RFC 8831).</li>
 *   <li>{@link org.passerelle.webrtc.sctp.SctpTransport}: channels over one association, one lock,
 *       events delivered outside it in order; {@code PeerConnection} drives it from the DTLS thread
 *       and a shared timer thread.</li>
 * </ul>
 * The CRC32c checksum goes on the wire least significant byte first (see {@link org.passerelle.webrtc.sctp.SctpPacket}).
 */
package org.passerelle.webrtc.sctp;
