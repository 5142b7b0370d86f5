package org.passerelle.webrtc.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS 1.2 association over ICE, fed datagrams by the session's demultiplexer (RFC 7983)
 * and sending through the selected candidate pair; it has no socket of its own. Client or
 * server per a=setup (RFC 5763 §5). {@link #handshake()} blocks its caller until the SRTP keys
 * are known; {@link #serviceUntilClosed()} then keeps answering retransmissions and alerts.
 */
public final class DtlsEndpoint {
    /** Sends one datagram to the peer. */
    @FunctionalInterface
    public interface Sender {
        void send(byte[] buf, int off, int len) throws IOException;
    }

    /** Below a 1280-byte IPv6 minimum MTU minus IP/UDP headers. */
    private static final int SEND_LIMIT = 1200;
    private static final int RECEIVE_LIMIT = 1500;
    private static final byte[] CLOSED = new byte[0];
    /**
     * First DTLS retransmission (BC's default is 1 s, RFC 6347 §4.2.4.1). A flight can be lost
     * in the moment one side has finished ICE and the other has not yet authorised its address,
     * so resend soon (browsers start at 50 ms); BC doubles it on each retry.
     */
    static final int INITIAL_RESEND_MILLIS = 150;

    private final boolean client;
    private final DtlsSrtpPeer peer;
    private final Sender sender;
    /** Handshake flights, and SCTP packets (data channels) in bursts of up to the peer's cwnd. */
    private final BlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(256);
    private volatile boolean closed;
    private volatile DTLSTransport transport;
    private volatile ApplicationData applicationData;
    /** BC's DTLSTransport is not made for concurrent senders. */
    private final Object sendLock = new Object();

    /** Where decrypted application data (SCTP packets, RFC 8261) goes; on the service thread. */
    @FunctionalInterface
    public interface ApplicationData {
        void receive(byte[] buf, int off, int len);
    }

    public DtlsEndpoint(boolean client, String fingerprintAlgorithm, String fingerprint, int timeoutMillis,
                        Sender sender) {
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        this.client = client;
        this.peer = client
                ? new DtlsSrtpClient(crypto, fingerprintAlgorithm, fingerprint, timeoutMillis)
                : new DtlsSrtpServer(crypto, fingerprintAlgorithm, fingerprint, timeoutMillis);
        this.sender = sender;
    }

    public boolean isClient() { return client; }

    /** A received DTLS datagram (first byte 20-63); copied, so the caller keeps its buffer. */
    public void receive(byte[] buf, int off, int len) {
        if (closed) return;
        // DTLS datagrams are rare next to RTP: handshake, alerts, data channels (not the media path)
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        inbound.offer(copy); // a full queue drops, as the network would
    }

    /** Runs the handshake on the calling thread and returns the negotiated SRTP keys. */
    public SrtpKeys handshake() throws IOException {
        Transport t = new Transport();
        DTLSTransport dtls = client
                ? new DTLSClientProtocol().connect((TlsClient) peer, t)
                : new DTLSServerProtocol().accept((TlsServer) peer, t);
        transport = dtls;
        return peer.keys();
    }

    /** Sets the receiver of application data; before {@link #serviceUntilClosed()}. Without one it is dropped. */
    public void onApplicationData(ApplicationData handler) {
        this.applicationData = handler;
    }

    /** Sends one application data record (an SCTP packet) once the handshake is done. */
    public void sendApplicationData(byte[] buf, int off, int len) throws IOException {
        DTLSTransport dtls = transport;
        if (dtls == null || closed) throw new IOException("DTLS is not connected");
        synchronized (sendLock) {
            dtls.send(buf, off, len);
        }
    }

    /**
     * After the handshake: reads records so that the peer's retransmitted final flight gets our
     * answer and its close_notify is noticed, and hands application data (SCTP) to its receiver.
     * Returns when the peer or {@link #close()} ended it.
     *
     * @return true when the peer closed the association
     */
    public boolean serviceUntilClosed() {
        DTLSTransport dtls = transport;
        byte[] buf = new byte[RECEIVE_LIMIT];
        while (!closed && dtls != null) {
            try {
                int n = dtls.receive(buf, 0, buf.length, 1000);
                ApplicationData h = applicationData;
                if (n > 0 && h != null) h.receive(buf, 0, n);
                if (peer.closedByPeer()) return true;
            } catch (IOException e) {
                return !closed;
            }
        }
        return false;
    }

    /** Sends close_notify when the handshake completed, and stops. */
    public void close() {
        if (closed) return;
        DTLSTransport dtls = transport;
        if (dtls != null) {
            try {
                synchronized (sendLock) {
                    dtls.close();
                }
            } catch (IOException ignored) {
                // best effort: the peer notices through ICE consent anyway
            }
        }
        closed = true;
        inbound.clear();
        inbound.offer(CLOSED);
    }

    /** BC's view of the ICE path. */
    private final class Transport implements DatagramTransport {
        @Override
        public int getReceiveLimit() { return RECEIVE_LIMIT; }

        @Override
        public int getSendLimit() { return SEND_LIMIT; }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (closed) throw new IOException("DTLS closed");
            byte[] d;
            try {
                d = inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (d == null) return -1;
            if (d == CLOSED) throw new IOException("DTLS closed");
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            if (!closed) sender.send(buf, off, len);
        }

        @Override
        public void close() {
            // the session owns the ICE path
        }
    }
}
