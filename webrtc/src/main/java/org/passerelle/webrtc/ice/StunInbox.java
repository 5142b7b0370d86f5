package org.passerelle.webrtc.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.SocketClosedException;

/**
 * The socket ice4j's StunStack reads a host candidate's STUN from: a queue that the candidate's
 * {@link HostSocket} reader fills, so that one thread reads the UDP socket and ice4j's reader
 * (its Connector) only wakes for STUN. Sends go straight to the UDP socket.
 */
final class StunInbox extends IceSocketWrapper {
    /** STUN is a few datagrams per second per pair (checks, consent, RFC 7675); more is dropped. */
    private static final int CAPACITY = 64;
    private static final Datagram CLOSED = new Datagram(new byte[0], null, 0);

    private record Datagram(byte[] data, InetAddress address, int port) { }

    private final DatagramSocket socket;
    private final BlockingQueue<Datagram> queue = new ArrayBlockingQueue<>(CAPACITY);
    private volatile boolean closed;

    StunInbox(DatagramSocket socket) {
        this.socket = socket;
    }

    /** Queues a copy of a STUN datagram read by the host socket's reader; false when full or closed. */
    boolean offer(byte[] buf, int off, int len, InetAddress from, int port) {
        if (closed) return false;
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        return queue.offer(new Datagram(copy, from, port));
    }

    @Override
    public void receive(DatagramPacket p) throws IOException {
        Datagram d;
        try {
            d = closed ? CLOSED : queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketClosedException();
        }
        if (d == CLOSED) {
            queue.offer(CLOSED); // for any other reader
            throw new SocketClosedException();
        }
        int len = Math.min(d.data().length, p.getData().length - p.getOffset());
        System.arraycopy(d.data(), 0, p.getData(), p.getOffset(), len);
        p.setLength(len);
        p.setAddress(d.address());
        p.setPort(d.port());
    }

    @Override
    public void send(DatagramPacket p) throws IOException {
        socket.send(p);
    }

    /** Wakes ice4j's reader; the UDP socket is the candidate's to close. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        queue.offer(CLOSED);
    }

    @Override
    public InetAddress getLocalAddress() { return socket.getLocalAddress(); }

    @Override
    public int getLocalPort() { return socket.getLocalPort(); }

    @Override
    public SocketAddress getLocalSocketAddress() { return socket.getLocalSocketAddress(); }

    @Override
    public Socket getTCPSocket() { return null; }

    @Override
    public DatagramSocket getUDPSocket() { return socket; }
}
