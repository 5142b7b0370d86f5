package org.passerelle.sip.outbound;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.passerelle.transcoder.rtp.RtpPacket;

/** Records what a dial-out reports, for assertions. */
final class RecordingCallListener implements OutboundCall.Listener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CompletableFuture<DialResult> ended = new CompletableFuture<>();
    final AtomicInteger rtpPackets = new AtomicInteger();
    /** Counts down with each RTP packet received. */
    final java.util.concurrent.CountDownLatch tenPackets = new java.util.concurrent.CountDownLatch(10);

    @Override public void onRinging() { events.add("ringing"); }

    @Override public void onEarlyMedia() { events.add("early"); }

    @Override public void onAnswered() { events.add("answered"); }

    @Override
    public void onRtp(RtpPacket packet) {
        rtpPackets.incrementAndGet();
        tenPackets.countDown();
        packet.release();
    }

    @Override
    public void onEnded(DialResult result) {
        events.add("ended");
        ended.complete(result);
    }
}
