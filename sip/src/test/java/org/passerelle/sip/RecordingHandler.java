package org.passerelle.sip;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.passerelle.transcoder.rtp.RtpPacket;

/** A call handler for tests: does what {@code onCall} says and records every leg event. */
final class RecordingHandler implements SipCallHandler {
    final BlockingQueue<SipLeg> legs = new LinkedBlockingQueue<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final BlockingQueue<RtpPacket> rtp = new LinkedBlockingQueue<>();
    final BlockingQueue<SipLeg.EndReason> ended = new LinkedBlockingQueue<>();
    /** DTMF as "digit:durationMs". */
    final BlockingQueue<String> dtmf = new LinkedBlockingQueue<>();
    volatile Consumer<SipLeg> onCall = leg -> {
        leg.ringing();
        leg.answer();
    };

    @Override
    public void onIncomingCall(SipLeg leg) {
        leg.setListener(new SipLeg.Listener() {
            @Override public void onEstablished() { events.add("established"); }

            @Override
            public void onRtp(RtpPacket packet) {
                RtpPacket copy = RtpPacket.unpooled();
                copy.fill(packet.buffer(), 0, packet.length());
                copy.setArrivalNanos(packet.arrivalNanos());
                packet.release();
                rtp.add(copy);
            }

            @Override public void onDtmf(char digit, int durationMs) { dtmf.add(digit + ":" + durationMs); }

            @Override public void onHoldChanged(boolean held) { events.add(held ? "held" : "resumed"); }

            @Override
            public void onEnded(SipLeg.EndReason reason) {
                events.add("ended:" + reason);
                ended.add(reason);
            }
        });
        legs.add(leg);
        onCall.accept(leg);
    }

    SipLeg awaitLeg() throws InterruptedException {
        SipLeg l = legs.poll(5, TimeUnit.SECONDS);
        if (l == null) throw new AssertionError("no call reached the handler");
        return l;
    }

    String awaitEvent() throws InterruptedException {
        String e = events.poll(5, TimeUnit.SECONDS);
        if (e == null) throw new AssertionError("no leg event");
        return e;
    }

    SipLeg.EndReason awaitEnded() throws InterruptedException {
        SipLeg.EndReason r = ended.poll(5, TimeUnit.SECONDS);
        if (r == null) throw new AssertionError("leg did not end");
        return r;
    }
}
