package org.passerelle.gateway.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.room.Participant;
import org.passerelle.gateway.room.RoomLimits;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.SipLeg;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/** SIP callers meet the same limits as browsers: 486 for a full room, 503 for too many rooms. */
class CallRegistryLimitsTest {
    private final RoomRegistry rooms = new RoomRegistry(r -> { }, r -> { }, new RoomLimits(2, 1));
    private final CallRegistry calls = new CallRegistry(DialPlan.builtIn(), rooms);

    @Test
    void aCallIntoAFullRoomGets486() {
        rooms.join("demo", new Quiet("a"));
        rooms.join("demo", new Quiet("b"));
        FakeLeg leg = new FakeLeg("demo");
        calls.onIncomingCall(leg);
        assertEquals("486 Room full", leg.outcome);
        assertEquals(0, calls.size());
    }

    @Test
    void aCallThatWouldOpenOneRoomTooManyGets503() {
        rooms.join("demo", new Quiet("a"));
        FakeLeg leg = new FakeLeg("other");
        calls.onIncomingCall(leg);
        assertEquals("503 Too many rooms", leg.outcome);
    }

    @Test
    void aCallWithRoomToSpareIsAnswered() {
        rooms.join("demo", new Quiet("a"));
        FakeLeg leg = new FakeLeg("demo");
        calls.onIncomingCall(leg);
        assertEquals("200", leg.outcome);
        assertEquals(1, calls.size());
    }

    private record Quiet(String id) implements Participant {
        @Override public String displayName() { return id; }
        @Override public boolean readFrame(short[] frame, int rate) { return false; }
        @Override public void writeFrame(short[] mix, int rate) { }
    }

    /** The SIP side of a call as far as routing sees it: it records how it was answered. */
    private static final class FakeLeg implements SipLeg {
        private final String room;
        String outcome;

        FakeLeg(String room) {
            this.room = room;
        }

        @Override public String callId() { return "call-" + room; }
        @Override public String requestUser() { return room; }
        @Override public String fromUser() { return "1001"; }
        @Override public String fromDisplayName() { return "Desk"; }
        @Override public InetSocketAddress remoteSignallingAddress() { return new InetSocketAddress("127.0.0.1", 5062); }
        @Override public Executor executor() { return Runnable::run; }
        @Override public void setListener(Listener listener) { }
        @Override public void ringing() { }
        @Override public void answer() { outcome = "200"; }
        @Override public void reject(int statusCode, String reason) { outcome = statusCode + " " + reason; }
        @Override public void hangup() { }
        @Override public AudioCodec codec() { return AudioCodec.PCMU; }
        @Override public int ptimeMs() { return 20; }
        @Override public boolean onHold() { return false; }
        @Override public RtpPacketPool packetPool() { return new RtpPacketPool(1); }
        @Override public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) { packet.release(); }
        @Override public boolean sendDtmf(char digit, int durationMs) { return true; }
    }
}
