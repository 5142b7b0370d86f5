package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.passerelle.transcoder.rtp.RtpPacket;

/**
 * Counts the bytes allocated per packet on the media path over thousands of packets: our send
 * path (the caller's thread), our receive thread (the ICE socket's reader), and every other
 * thread. Prints the figures. The floor is the libraries': jitsi-srtp allocates about 90 B (GCM)
 * to 300 B (AES-CM) per packet and direction, the JDK's DatagramSocket some more. Other threads
 * took about 900 B per packet while ice4j's merging socket read the socket and queued each
 * datagram to ours; now no other thread is on the receive path. The bounds catch regressions.
 */
@Timeout(30)
class PeerConnectionAllocationTest {
    private static final WebRtcConfig CONFIG = new WebRtcConfig("127.0.0.1", null, 43000, 43999, Duration.ofSeconds(8));

    @Test
    void steadyStateAllocationPerPacket() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 5000;
        CountDownLatch connected = new CountDownLatch(2);
        AtomicInteger received = new AtomicInteger();
        WebRtcSession.Listener sink = new WebRtcSession.Listener() {
            @Override public void onConnected() { connected.countDown(); }
            @Override public void onRtp(RtpPacket p) { received.incrementAndGet(); p.release(); }
            @Override public void onClosed(String reason) { }
        };
        try (WebRtcSession offerer = WebRtcSession.offer(CONFIG, sink);
             WebRtcSession answerer = WebRtcSession.answer(CONFIG, offerer.localDescription(), sink)) {
            offerer.applyAnswer(answerer.localDescription());
            assertTrue(connected.await(10, TimeUnit.SECONDS));
            send(offerer, 3000, received, 3000); // warm up: JIT, pools, SRTP contexts

            // The best of three rounds: a round where the JIT recompiles or the machine is busy
            // (other builds, loopback drops) is not the steady state being measured.
            String rx = ((PeerConnection) answerer).id() + "-rx";
            long self = Thread.currentThread().threadId();
            long bestSender = Long.MAX_VALUE;
            long bestReceiver = Long.MAX_VALUE;
            long bestOthers = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                int base = received.get();
                Map<Long, Long> before = allocations(mx);
                send(offerer, n, received, base + n);
                Map<Long, Long> after = allocations(mx);
                int got = received.get() - base;
                // Loopback UDP may drop a burst when the machine is busy; what is measured is
                // allocation, so a few lost packets are tolerated and the receiver is charged per
                // packet received.
                assertTrue(got >= n * 80 / 100, "only " + got + " of " + n + " packets arrived");
                long receiver = 0;
                long others = 0;
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    long id = t.threadId();
                    if (!before.containsKey(id) || !after.containsKey(id) || id == self) continue;
                    long bytes = after.get(id) - before.get(id);
                    if (t.getName().equals(rx)) receiver = bytes;
                    else others += Math.max(0, bytes);
                }
                bestSender = Math.min(bestSender, (after.get(self) - before.get(self)) / n);
                bestReceiver = Math.min(bestReceiver, receiver / got);
                bestOthers = Math.min(bestOthers, others / got);
            }
            System.out.printf("allocated per packet: send path %d B, our receive thread %d B, other threads %d B%n",
                    bestSender, bestReceiver, bestOthers);
            assertTrue(bestSender < 400, "send path allocates " + bestSender + " B per packet");
            assertTrue(bestReceiver < 600, "receive thread allocates " + bestReceiver + " B per packet");
            assertTrue(bestOthers < 300, "other threads allocate " + bestOthers + " B per packet received: a hand-off?");
        }
    }

    /** Sends {@code n} 20 ms frames and waits until the receiver has {@code total} packets. */
    private static void send(WebRtcSession s, int n, AtomicInteger received, int total) {
        for (int i = 0; i < n; i++) {
            RtpPacket p = s.packetPool().acquire();
            s.sendAudio(p, 100, 960);
            // pace lightly so the loopback socket buffers never overflow
            if (i % 50 == 49) {
                long until = System.nanoTime() + 2_000_000;
                while (System.nanoTime() < until) Thread.onSpinWait();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.get() < total && System.nanoTime() < deadline) Thread.onSpinWait();
        // (a shortfall is judged by the caller)
    }

    private static Map<Long, Long> allocations(com.sun.management.ThreadMXBean mx) {
        Map<Long, Long> m = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) m.put(t.threadId(), mx.getThreadAllocatedBytes(t.threadId()));
        return m;
    }
}
