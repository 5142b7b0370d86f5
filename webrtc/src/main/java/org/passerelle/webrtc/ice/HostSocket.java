package org.passerelle.webrtc.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

import org.slf4j.MDC;

/**
 * The UDP socket of one host candidate and the one thread that reads it. Per datagram
 * (RFC 7983 §7, by the first byte): STUN (0-3) is queued for ice4j's StunStack through a
 * {@link StunInbox} (checks, consent, RFC 7675); anything else from an authorised remote goes to
 * the {@link IceTransport}'s receiver, others are dropped. Once ICE has selected this socket's
 * pair the datagram is read straight into the receiver's buffer and handed over on this thread:
 * no queue and no other thread between the kernel and the session's demultiplexer.
 */
final class HostSocket implements Runnable {
    /** What the reader needs from its transport. */
    interface Route {
        /** True once ICE selected a pair whose local side is {@code host}. */
        boolean selects(HostSocket host);

        /** Whether a datagram from this address may reach the session (a checked pair's remote). */
        boolean authorised(InetAddress address, int port);

        /** Delivers a datagram read into the reader's own buffer (before selection; serialised). */
        void deliverCopy(HostSocket from, byte[] buf, int len);

        /** Waits for any {@link #deliverCopy} in progress to return. */
        void awaitCopies();

        /** The receiver's buffer, read into once this socket is selected. */
        byte[] receiveBuffer();

        /** A datagram of {@code len} bytes is in {@link #receiveBuffer()} (selected socket only). */
        void deliver(int len);

        void readerFailed(HostSocket host, IOException e);
    }

    /** An Ethernet MTU's datagram; RtpPacket.MAX_SIZE. */
    static final int MAX_DATAGRAM = 1500;

    final DatagramSocket socket;
    final StunInbox stun;
    private final Route route;
    private final String call;
    private final Thread thread;
    private volatile boolean closed;
    // written by the reader thread only
    private volatile long strangers;
    private volatile long stunDropped;

    HostSocket(DatagramSocket socket, Route route, String threadName, String call) {
        this.socket = socket;
        this.stun = new StunInbox(socket);
        this.route = route;
        this.call = call;
        this.thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Non-STUN datagrams dropped because they came from an address no checked pair has. */
    long strangers() { return strangers; }

    long stunDropped() { return stunDropped; }

    Thread thread() { return thread; }

    /** Stops the reader: closes the socket (which also ends a blocked receive). */
    void close() {
        closed = true;
        socket.close();
    }

    @Override
    public void run() {
        if (call != null) MDC.put("call", call);
        byte[] own = new byte[MAX_DATAGRAM];
        DatagramPacket p = new DatagramPacket(own, own.length);
        boolean direct = false;
        try {
            while (!closed) {
                if (!direct && route.selects(this)) {
                    route.awaitCopies(); // no other reader writes into the receiver's buffer after this
                    direct = true;
                }
                byte[] buf = direct ? route.receiveBuffer() : own;
                p.setData(buf, 0, Math.min(buf.length, MAX_DATAGRAM));
                socket.receive(p);
                int len = p.getLength();
                if (len == 0) continue;
                if ((buf[0] & 0xff) < 4) { // RFC 7983 §7: 0-3 is STUN
                    if (!stun.offer(buf, 0, len, p.getAddress(), p.getPort())) stunDropped++;
                    continue;
                }
                // as ice4j's ComponentSocket: only the remote of a pair that passed its check
                if (!route.authorised(p.getAddress(), p.getPort())) {
                    strangers++;
                    continue;
                }
                if (direct) route.deliver(len);
                else route.deliverCopy(this, own, len);
            }
        } catch (SocketException e) {
            if (!closed && !socket.isClosed()) route.readerFailed(this, e);
        } catch (IOException e) {
            if (!closed) route.readerFailed(this, e);
        } finally {
            MDC.remove("call");
        }
    }
}
