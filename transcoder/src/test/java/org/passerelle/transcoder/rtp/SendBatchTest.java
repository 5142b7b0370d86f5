package org.passerelle.transcoder.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendBatchTest {
    private static final InetSocketAddress TO = new InetSocketAddress("127.0.0.1", 4000);

    @Test
    void packetsLeaveOnFlushInTheOrderQueued() {
        RtpPacketPool pool = new RtpPacketPool(8);
        List<Integer> written = new ArrayList<>();
        SendBatch.Sender sender = (p, to) -> {
            written.add(p.sequence());
            assertSame(TO, to);
            p.release();
        };
        SendBatch batch = new SendBatch(4);
        for (int seq = 1; seq <= 3; seq++) {
            RtpPacket p = pool.acquire();
            p.writeHeader(0, false, seq, 160L * seq, 1, 160);
            assertTrue(batch.add(sender, p, TO));
        }
        assertEquals(List.of(), written, "nothing before the flush");
        batch.flush();
        assertEquals(List.of(1, 2, 3), written);
        assertEquals(0, batch.size());
        assertEquals(3, pool.available(), "the three packets are back in the pool");
    }

    @Test
    void aFullBatchSaysSoAndTheCallerWritesAtOnce() {
        SendBatch batch = new SendBatch(1);
        SendBatch.Sender sender = (p, to) -> p.release();
        assertTrue(batch.add(sender, RtpPacket.unpooled(), TO));
        assertFalse(batch.add(sender, RtpPacket.unpooled(), TO));
        assertEquals(1, batch.size());
    }

    @Test
    void aSenderThatThrowsDoesNotStopTheOthers() {
        RtpPacketPool pool = new RtpPacketPool(4);
        List<String> written = new ArrayList<>();
        SendBatch batch = new SendBatch(4);
        batch.add((p, to) -> { throw new IllegalStateException("closed"); }, pool.acquire(), TO);
        batch.add((p, to) -> { written.add("second"); p.release(); }, pool.acquire(), TO);
        batch.flush();
        assertEquals(List.of("second"), written);
        assertEquals(1, pool.available(), "the good sender's packet is back; the broken one's is its own business");
    }

    @Test
    void eachThreadHasItsOwnBatchOrNone() throws Exception {
        SendBatch mine = new SendBatch(2);
        SendBatch[] seen = new SendBatch[1];
        Thread t = Thread.ofPlatform().start(() -> {
            mine.bind();
            seen[0] = SendBatch.current();
        });
        t.join();
        assertSame(mine, seen[0]);
        assertNull(SendBatch.current(), "a thread that bound nothing writes at once");
    }
}
