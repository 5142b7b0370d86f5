package org.passerelle.sip.rtp;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/** The RTP leg on real loopback sockets, with a fake clock for arrival times and the timeout. */
class RtpLegTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private EventLoopGroup group;
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final RtpPacketPool pool = new RtpPacketPool(16);
    private final BlockingQueue<RtpPacket> audio = new LinkedBlockingQueue<>();
    private final CountDownLatch timedOut = new CountDownLatch(1);
    private final BlockingQueue<String> digits = new LinkedBlockingQueue<>();
    private final RtpPortAllocator ports = new RtpPortAllocator(41000, 41999);
    private RtpLeg leg;
    private DatagramSocket phone;

    @BeforeEach
    void open() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        leg = RtpLeg.open(group, LO, ports, now::get, Duration.ofSeconds(2), pool, new RtpLeg.Receiver() {
            @Override public void onAudio(RtpPacket packet) { audio.add(packet); }
            @Override public void onTimeout() { timedOut.countDown(); }
            @Override public void onDtmf(char key, int durationMs) { digits.add(key + "/" + durationMs); }
        });
        phone = new DatagramSocket(new InetSocketAddress(LO, 0));
        phone.setSoTimeout(3000);
    }

    @AfterEach
    void close() {
        leg.close();
        phone.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private void send(int pt, int seq, int payload) throws Exception {
        RtpPacket p = RtpPacket.unpooled();
        p.writeHeader(pt, false, seq, 1000L * seq, 0xabcdef, payload);
        phone.send(new DatagramPacket(p.buffer(), p.length(), new InetSocketAddress(LO, leg.localPort())));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void portIsEvenAndFreedOnClose() {
        assertEquals(0, leg.localPort() % 2);
        assertEquals(1, ports.inUse());
        leg.close();
        await(() -> ports.inUse() == 0, "port release");
    }

    @Test
    void routesByPayloadTypeAndStampsArrival() throws Exception {
        leg.configure(0, 101, null, true);
        send(101, 1, 4);     // telephone-event: to the DTMF receiver, then released
        send(96, 2, 10);     // not negotiated: dropped
        phone.send(new DatagramPacket(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, 13,
                new InetSocketAddress(LO, leg.localPort())));  // version 0: invalid
        send(0, 3, 160);
        RtpPacket p = audio.poll(5, TimeUnit.SECONDS);
        assertNotNull(p);
        assertEquals(3, p.sequence());
        assertEquals(now.get(), p.arrivalNanos());
        assertTrue(audio.isEmpty(), "only the audio packet reaches the listener");
        // Each of the three others went back to the pool before the next arrived: one packet
        // served all four datagrams.
        assertEquals(1, pool.misses());
        assertEquals(0, pool.available());
        assertEquals(2, leg.packetsReceived(), "telephone-event and audio counted");
        p.release();
        assertEquals(1, pool.available());
    }

    @Test
    void sendsToSdpAddressThenLatchesToTheRealSource() throws Exception {
        try (DatagramSocket sdpTarget = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            sdpTarget.setSoTimeout(3000);
            leg.configure(8, -1, (InetSocketAddress) sdpTarget.getLocalSocketAddress(), true);
            sendFrame(160);
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            sdpTarget.receive(in);
            assertEquals(12 + 160, in.getLength());
            assertEquals(8, in.getData()[1] & 0x7f);

            send(8, 1, 160);
            take().release();
            assertEquals(phone.getLocalSocketAddress(), leg.target());
            sendFrame(160);
            phone.receive(in);
            assertEquals(12 + 160, in.getLength());

            // The phone moves (new SDP address): forget the latch until its RTP comes from there.
            try (DatagramSocket moved = new DatagramSocket(new InetSocketAddress(LO, 0))) {
                leg.configure(8, -1, (InetSocketAddress) moved.getLocalSocketAddress(), true);
                assertEquals(moved.getLocalSocketAddress(), leg.target());
            }
        }
    }

    @Test
    void nothingSentWhileNotSending() throws Exception {
        leg.configure(0, -1, (InetSocketAddress) phone.getLocalSocketAddress(), false);
        int before = pool.available();
        sendFrame(160);
        assertEquals(before + 1, pool.available(), "dropped frame went back to the pool");
        phone.setSoTimeout(200);
        assertThrows(SocketTimeoutException.class, () -> phone.receive(new DatagramPacket(new byte[1500], 1500)));
        assertEquals(0, leg.packetsSent());
    }

    @Test
    void timeoutOnlyWhileWatchingAndOnlyOnce() throws Exception {
        leg.configure(0, -1, null, true);
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertFalse(timedOut.await(700, TimeUnit.MILLISECONDS), "not watching before the call is up");
        leg.watchActivity();
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        send(0, 1, 160);
        take().release();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500));
        assertFalse(timedOut.await(700, TimeUnit.MILLISECONDS), "a packet 1.5 s ago is recent enough");
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertTrue(timedOut.await(5, TimeUnit.SECONDS), "2.5 s of silence");
    }

    @Test
    void sendingAllocatesNothingInSteadyState() {
        leg.configure(0, -1, (InetSocketAddress) phone.getLocalSocketAddress(), true);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5_000; i++) sendFrame(160);  // warm-up (JIT, pool filled)
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) sendFrame(160);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // Allow for a stray allocation or two from the JIT or the JDK; not one per packet.
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10000 packets");
        assertEquals(1, pool.misses(), "one packet cycles through the pool");
        assertTrue(leg.packetsSent() > 9_000);
    }

    @Test
    void onAThreadWithABatchFramesLeaveWhenItIsFlushedInOrder() throws Exception {
        leg.configure(0, -1, (InetSocketAddress) phone.getLocalSocketAddress(), true);
        org.passerelle.transcoder.rtp.SendBatch batch = new org.passerelle.transcoder.rtp.SendBatch(8);
        Thread media = Thread.ofPlatform().start(() -> {
            batch.bind();
            for (int i = 0; i < 3; i++) sendFrame(160);
        });
        media.join();
        assertEquals(3, batch.size(), "queued on the media thread's batch");
        phone.setSoTimeout(200);
        assertThrows(SocketTimeoutException.class, () -> phone.receive(new DatagramPacket(new byte[1500], 1500)),
                "nothing on the wire before the flush");
        batch.flush();
        assertEquals(0, batch.size());
        int first = -1;
        for (int i = 0; i < 3; i++) {
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            phone.setSoTimeout(3000);
            phone.receive(in);
            int seq = ((in.getData()[2] & 0xff) << 8) | (in.getData()[3] & 0xff);
            if (first < 0) first = seq;
            assertEquals((first + i) & 0xffff, seq, "in the order queued");
        }
        assertEquals(3, leg.packetsSent());
        assertEquals(3, pool.available(), "the three packets are back in the pool");
    }

    private RtpPacket take() throws InterruptedException {
        RtpPacket p = audio.poll(5, TimeUnit.SECONDS);
        assertNotNull(p, "no audio packet");
        return p;
    }

    private void sendFrame(int len) {
        RtpPacket p = pool.acquire();
        leg.sendAudio(p, len, len);
    }

    private void sendEvent(int seq, long ts, int event, boolean end, int duration) throws Exception {
        RtpPacket p = RtpPacket.unpooled();
        p.writeHeader(101, false, seq, ts, 0xabcdef, 4);
        org.passerelle.transcoder.dtmf.TelephoneEvent.write(p.buffer(), RtpPacket.FIXED_HEADER, event, end, 10,
                duration);
        phone.send(new DatagramPacket(p.buffer(), p.length(), new InetSocketAddress(LO, leg.localPort())));
    }

    @Test
    void receivedTelephoneEventsReportEachKeyOnce() throws Exception {
        leg.configure(0, 101, null, true);
        leg.configureDtmf(8000, 8000);
        // Key 5 held 120 ms: updates, then the end packet three times (RFC 4733 §2.5.1.4).
        sendEvent(1, 8000, 5, false, 160);
        sendEvent(2, 8000, 5, false, 320);
        for (int i = 0; i < 3; i++) sendEvent(3 + i, 8000, 5, true, 960);
        // Then '#' (event 11), 80 ms.
        for (int i = 0; i < 3; i++) sendEvent(6 + i, 16000, 11, true, 640);
        assertEquals("5/120", digits.poll(5, TimeUnit.SECONDS));
        assertEquals("#/80", digits.poll(5, TimeUnit.SECONDS));
        assertNull(digits.poll(200, TimeUnit.MILLISECONDS), "each key reported once");
        await(() -> pool.available() == pool.misses(), "every packet back in the pool");
    }

    @Test
    void dtmfIsSentInPlaceOfAudioFramesWithTheEventTimestamp() throws Exception {
        leg.configure(0, 101, (InetSocketAddress) phone.getLocalSocketAddress(), true);
        leg.configureDtmf(8000, 8000);
        assertTrue(leg.sendDtmf('7', 100));
        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        int events = 0;
        int ends = 0;
        long eventTs = -1;
        int lastSeq = -1;
        int audioAfter = 0;
        for (int frame = 0; frame < 10; frame++) {
            sendFrame(160);
            phone.receive(in);
            RtpPacket got = RtpPacket.unpooled();
            got.fill(in.getData(), 0, in.getLength());
            if (lastSeq >= 0) assertEquals((lastSeq + 1) & 0xffff, got.sequence(), "one sequence space");
            lastSeq = got.sequence();
            if (got.payloadType() == 101) {
                byte[] b = got.buffer();
                int off = got.payloadOffset();
                assertEquals(7, b[off] & 0xff);
                if (events == 0) {
                    assertTrue(got.marker(), "first event packet has the marker");
                    eventTs = got.timestamp();
                }
                assertEquals(eventTs, got.timestamp(), "every packet of the event has its start timestamp");
                events++;
                if ((b[off + 1] & 0x80) != 0) {
                    ends++;
                    assertEquals(800, ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff), "100 ms at 8 kHz");
                }
            } else {
                assertEquals(0, got.payloadType());
                assertTrue(events > 0, "the key press goes out before the next audio frame");
                audioAfter++;
                assertEquals(eventTs + 160L * (events + audioAfter - 1), got.timestamp(),
                        "audio timing continues under the event");
                assertEquals(audioAfter == 1, got.marker(), "audio after the event starts a talkspurt");
            }
        }
        assertEquals(3, ends, "end packet sent three times");
        assertEquals(4 + 3, events, "four updates of 20 ms then three ends");
    }

    @Test
    void dtmfIsRefusedWithoutTelephoneEvent() {
        leg.configure(0, -1, null, true);
        leg.configureDtmf(8000, 0);
        assertFalse(leg.sendDtmf('1', 100));
    }
}
