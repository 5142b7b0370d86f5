package org.passerelle.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.SendBatch;

/**
 * On a media thread with a {@link SendBatch}, encrypted audio waits for the end of the tick and
 * then leaves in order; elsewhere it leaves at once.
 */
@Timeout(30)
class PeerConnectionBatchTest {
    private static final WebRtcConfig CONFIG = new WebRtcConfig("127.0.0.1", null, 43000, 43999, Duration.ofSeconds(8));

    @Test
    void audioSentOnAMediaThreadLeavesWhenItsTickIsFlushed() throws Exception {
        CountDownLatch connected = new CountDownLatch(2);
        BlockingQueue<Integer> sequences = new LinkedBlockingQueue<>();
        WebRtcSession.Listener sink = new WebRtcSession.Listener() {
            @Override public void onConnected() { connected.countDown(); }
            @Override public void onRtp(RtpPacket p) { sequences.add(p.sequence()); p.release(); }
            @Override public void onClosed(String reason) { }
        };
        try (WebRtcSession offerer = WebRtcSession.offer(CONFIG, sink);
             WebRtcSession answerer = WebRtcSession.answer(CONFIG, offerer.localDescription(), sink)) {
            offerer.applyAnswer(answerer.localDescription());
            assertTrue(connected.await(10, TimeUnit.SECONDS));

            // Not a media thread: at once.
            offerer.sendAudio(offerer.packetPool().acquire(), 100, 960);
            Integer first = sequences.poll(5, TimeUnit.SECONDS);
            assertNotNull(first, "sent at once without a batch");

            SendBatch batch = new SendBatch(8);
            Thread media = Thread.ofPlatform().start(() -> {
                batch.bind();
                for (int i = 0; i < 3; i++) offerer.sendAudio(offerer.packetPool().acquire(), 100, 960);
            });
            media.join();
            assertEquals(3, batch.size(), "queued on the media thread's batch");
            assertNull(sequences.poll(300, TimeUnit.MILLISECONDS), "nothing leaves before the flush");
            batch.flush();
            for (int i = 1; i <= 3; i++) {
                Integer seq = sequences.poll(5, TimeUnit.SECONDS);
                assertNotNull(seq, "packet " + i + " after the flush");
                assertEquals((first + i) & 0xffff, seq.intValue(), "in order, decrypted by the far end");
            }
        }
    }
}
