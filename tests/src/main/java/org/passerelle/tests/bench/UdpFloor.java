package org.passerelle.tests.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The UDP floor: what moving the calls' RTP through the kernel costs with one socket per stream,
 * as the gateway does, and nothing else — no parsing, no jitter buffer, no codec. One "lane"
 * thread sends one 172-byte datagram (PCMU/20 ms) per gateway socket every 20 ms and one reader
 * thread drains them with a selector, against a peer doing the same on its own sockets, all on
 * 127.0.0.1 in this process. Only the gateway side's two threads are counted (thread CPU time,
 * user + system). On loopback a send also delivers the datagram and wakes its reader, so this
 * is what the same shape of I/O costs the gateway in the load run; the codec limit plus this
 * floor is what a gateway with this I/O model could not go below.
 */
final class UdpFloor {
    private static final int PACKET = 12 + 160;
    private static final long TICK_NANOS = 20_000_000L;
    private static final int FRAMES_PER_MINUTE = 3000;

    private UdpFloor() {}

    /**
     * @param calls       calls to model (one gateway socket per stream, as the gateway)
     * @param sendsPerCall datagrams each call sends per 20 ms (1 embedded; 2 on LiveKit: phone and SFU)
     * @return gateway-side CPU seconds per call-minute; NaN when the datagrams did not all arrive
     */
    static double measure(int calls, int sendsPerCall, double seconds) throws IOException {
        if (calls < 1 || calls > 1000 || sendsPerCall < 1 || sendsPerCall > 2) throw new IllegalArgumentException();
        List<DatagramChannel> ours = new ArrayList<>(), theirs = new ArrayList<>();
        try {
            for (int i = 0; i < calls * sendsPerCall; i++) {
                ours.add(open());
                theirs.add(open());
            }
            // The gateway sends on every stream and receives on each call's phone stream; the peer
            // sends to those and receives everything.
            Side gateway = new Side("udp-floor-gateway", ours, theirs, ours.subList(0, calls));
            Side peer = new Side("udp-floor-peer", theirs.subList(0, calls), ours.subList(0, calls), theirs);
            peer.start();
            gateway.start();
            try {
                sleep(1_000_000_000L); // the JIT, the first wake-ups
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                long cpu0 = gateway.cpu(mx);
                long received0 = gateway.received.get();
                long t0 = System.nanoTime();
                sleep((long) (seconds * 1e9));
                long cpu = gateway.cpu(mx) - cpu0;
                double frames = (System.nanoTime() - t0) / (double) TICK_NANOS;
                double receivedShare = (gateway.received.get() - received0) / (frames * calls);
                // Fewer datagrams than due: the floor would be understated, so it is not given.
                if (receivedShare < 0.95) return Double.NaN;
                return cpu / (frames * calls) * FRAMES_PER_MINUTE / 1e9;
            } finally {
                gateway.stop();
                peer.stop();
            }
        } finally {
            for (DatagramChannel c : ours) c.close();
            for (DatagramChannel c : theirs) c.close();
        }
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
        c.bind(new InetSocketAddress("127.0.0.1", 0));
        c.configureBlocking(false);
        return c;
    }

    private static void sleep(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) LockSupport.parkNanos(left);
    }

    /** One side: a paced sender over {@code senders} → {@code targets}, a selector reader over what it receives. */
    private static final class Side {
        private final Thread sender, reader;
        private final Selector selector;
        private volatile boolean running = true;
        private final AtomicLong received = new AtomicLong();

        Side(String name, List<DatagramChannel> senders, List<DatagramChannel> targets, List<DatagramChannel> readOn)
                throws IOException {
            List<InetSocketAddress> to = new ArrayList<>();
            for (DatagramChannel t : targets) to.add((InetSocketAddress) t.getLocalAddress());
            int peers = to.size();
            selector = Selector.open();
            for (DatagramChannel c : readOn) c.register(selector, SelectionKey.OP_READ);
            sender = Thread.ofPlatform().name(name + "-lane").unstarted(() -> {
                ByteBuffer out = ByteBuffer.allocateDirect(PACKET);
                long next = System.nanoTime();
                while (running) {
                    for (int i = 0; i < senders.size(); i++) {
                        out.clear().limit(PACKET);
                        try {
                            senders.get(i).send(out, to.get(i % peers));
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                    next += TICK_NANOS;
                    long wait = next - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                }
            });
            reader = Thread.ofPlatform().name(name + "-reader").unstarted(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(2048);
                while (running) {
                    try {
                        if (selector.select(100) == 0) continue;
                        for (SelectionKey k : selector.selectedKeys()) {
                            DatagramChannel c = (DatagramChannel) k.channel();
                            while (true) {
                                in.clear();
                                if (c.receive(in) == null) break;
                                received.incrementAndGet();
                            }
                        }
                        selector.selectedKeys().clear();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        void start() {
            reader.start();
            sender.start();
        }

        long cpu(ThreadMXBean mx) {
            return mx.getThreadCpuTime(sender.threadId()) + mx.getThreadCpuTime(reader.threadId());
        }

        void stop() {
            running = false;
            selector.wakeup();
            try {
                sender.join(2000);
                reader.join(2000);
                selector.close();
            } catch (InterruptedException | IOException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
