package org.passerelle.webrtc.ice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.passerelle.webrtc.WebRtcConfig;
import org.passerelle.webrtc.WebRtcSdp;

/**
 * Two transports on this machine, one controlling and one controlled, with real ice4j checks:
 * what the readers deliver, to whom, on which thread, and that they stop when closed.
 */
@Timeout(30)
class IceTransportReceiveTest {
    /** Records each datagram's bytes and the thread it came on. */
    private static final class Recorder implements IceTransport.Receiver, IceTransport.Events {
        final byte[] buffer = new byte[1500];
        final BlockingQueue<byte[]> datagrams = new LinkedBlockingQueue<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch connected = new CountDownLatch(1);
        volatile String failed;

        @Override public byte[] receiveBuffer() { return buffer; }

        @Override
        public void onDatagram(int length) {
            threads.add(Thread.currentThread().getName());
            datagrams.add(Arrays.copyOf(buffer, length));
        }

        @Override public void onReceiveFailed(String reason) { failed = reason; }

        @Override public void onIceConnected() { connected.countDown(); }

        @Override public void onIceFailed(String reason) { failed = reason; }
    }

    private final Recorder recA = new Recorder();
    private final Recorder recB = new Recorder();
    private IceTransport a;
    private IceTransport b;

    @AfterEach
    void close() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private void connect(String bind) throws Exception {
        WebRtcConfig config = new WebRtcConfig(bind, null, 45000, 45999, Duration.ofSeconds(10));
        a = new IceTransport(config, true, recA, recA, "a", "call-a");
        b = new IceTransport(config, false, recB, recB, "b", "call-b");
        a.setRemoteCredentials(b.localUfrag(), b.localPassword());
        b.setRemoteCredentials(a.localUfrag(), a.localPassword());
        for (WebRtcSdp.Candidate c : b.localCandidates()) a.addRemoteCandidate(c);
        for (WebRtcSdp.Candidate c : a.localCandidates()) b.addRemoteCandidate(c);
        b.start();
        a.start();
        assertTrue(recA.connected.await(10, TimeUnit.SECONDS), "controlling side connected: " + recA.failed);
        assertTrue(recB.connected.await(10, TimeUnit.SECONDS), "controlled side connected: " + recB.failed);
    }

    private static byte[] rtpLike(int seq) {
        byte[] d = new byte[172];
        d[0] = (byte) 0x80; // RFC 7983: 128-191 is RTP/RTCP, so it is not STUN
        d[1] = 111;
        d[3] = (byte) seq;
        for (int i = 12; i < d.length; i++) d[i] = (byte) (i * 7 + seq);
        return d;
    }

    private static void send(IceTransport from, byte[] d) throws Exception {
        assertTrue(from.send(new DatagramPacket(d, d.length)), "a pair is selected");
    }

    @Test
    void afterStunChecksDatagramsFlowBothWaysOnTheReaderThread() throws Exception {
        connect("127.0.0.1"); // only the StunInbox brings STUN to ice4j: connecting proves it does
        for (int i = 0; i < 50; i++) {
            send(a, rtpLike(i));
            send(b, rtpLike(100 + i));
        }
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(rtpLike(i), recB.datagrams.poll(5, TimeUnit.SECONDS), "datagram " + i + " at b");
            assertArrayEquals(rtpLike(100 + i), recA.datagrams.poll(5, TimeUnit.SECONDS), "datagram " + i + " at a");
        }
        assertEquals(Set.of("b-rx"), recB.threads);
        assertEquals(Set.of("a-rx"), recA.threads);
        assertEquals(0, b.strangerDatagrams());
        assertTrue(a.consentFreshnessMillis() > 0, "ice4j saw the checks' responses (consent, RFC 7675)");
    }

    @Test
    void aDatagramFromAnAddressNoCheckedPairHasIsDropped() throws Exception {
        connect("127.0.0.1");
        int port = b.localPorts().getFirst();
        try (DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] evil = rtpLike(66);
            stranger.send(new DatagramPacket(evil, evil.length, InetAddress.getLoopbackAddress(), port));
        }
        // loopback keeps the order: once the peer's datagram sent after it is in, the stranger's was read
        send(a, rtpLike(1));
        assertArrayEquals(rtpLike(1), recB.datagrams.poll(5, TimeUnit.SECONDS));
        assertEquals(1, b.strangerDatagrams());
        assertTrue(recB.datagrams.isEmpty(), "nothing else was delivered");
    }

    @Test
    void everyInterfaceHasAReaderAndOnlyTheSelectedOneDelivers() throws Exception {
        connect("0.0.0.0");
        List<Thread> readers = b.readerThreads();
        assertEquals(b.localPorts().size(), readers.size());
        for (int i = 0; i < 20; i++) send(a, rtpLike(i));
        for (int i = 0; i < 20; i++) assertArrayEquals(rtpLike(i), recB.datagrams.poll(5, TimeUnit.SECONDS));
        assertEquals(1, recB.threads.size(), "one reader delivers after selection: " + recB.threads);
        assertTrue(readers.stream().anyMatch(t -> recB.threads.contains(t.getName())));
    }

    @Test
    void closingEndsTheReaderThreadsAndFreesThePorts() throws Exception {
        connect("127.0.0.1");
        List<Thread> readers = b.readerThreads();
        assertFalse(readers.isEmpty());
        assertTrue(readers.stream().allMatch(Thread::isAlive));
        b.close();
        for (Thread t : readers) {
            t.join(5000);
            assertFalse(t.isAlive(), t.getName() + " still runs after close");
        }
        assertTrue(b.localPorts().isEmpty());
        assertEquals(null, recB.failed, "a close is not a failure");
        assertNotNull(a.localPorts());
    }
}
