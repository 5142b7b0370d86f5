package org.passerelle.gateway.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passerelle.gateway.room.Participant;
import org.passerelle.sip.SipLeg;
import org.passerelle.transcoder.audio.ToneAnalyzer;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.AudioCodecs;
import org.passerelle.transcoder.codec.AudioDecoder;
import org.passerelle.transcoder.codec.AudioEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * The bridge between a SIP leg and a room, driven tick by tick with a fake clock: the phone's tone
 * reaches the room at 48 kHz, the room's tone reaches the phone in its codec, and the steady
 * state allocates nothing per packet.
 */
class SipParticipantTest {
    private long now = 1_000_000_000L;

    /** A SIP leg that keeps the last packet sent and decodes it as the phone would. */
    private static final class FakeLeg implements SipLeg {
        final AudioCodec codec;
        final RtpPacketPool pool = new RtpPacketPool(64);
        final AudioDecoder phoneDecoder;
        final short[] heard = new short[48000];
        int heardLength;
        int sent;
        long lastTimestamp = -1;
        int lastDuration;

        FakeLeg(AudioCodec codec) {
            this.codec = codec;
            this.phoneDecoder = AudioCodecs.decoder(codec);
        }

        @Override public String callId() { return "call-1"; }
        @Override public String requestUser() { return "demo"; }
        @Override public String fromUser() { return "1000"; }
        @Override public String fromDisplayName() { return "Alice"; }
        @Override public InetSocketAddress remoteSignallingAddress() { return new InetSocketAddress(5060); }
        @Override public Executor executor() { return Runnable::run; }
        @Override public void setListener(Listener listener) {}
        @Override public void ringing() {}
        @Override public void answer() {}
        @Override public void reject(int statusCode, String reason) {}
        @Override public void hangup() {}
        @Override public AudioCodec codec() { return codec; }
        @Override public int ptimeMs() { return 20; }
        @Override public boolean onHold() { return false; }
        @Override public RtpPacketPool packetPool() { return pool; }
        @Override public void sendDtmf(char digit, int durationMs) {}

        @Override
        public void sendAudio(RtpPacket packet, int payloadLength, int rtpDuration) {
            sent++;
            lastDuration = rtpDuration;
            if (heardLength + 960 <= heard.length) {
                int n = phoneDecoder.decode(packet.buffer(), RtpPacket.FIXED_HEADER, payloadLength, heard, heardLength);
                heardLength += Math.max(0, n);
            }
            packet.release();
        }
    }

    private static void tone(short[] pcm, int n, int rate, double hz, long startSample) {
        for (int i = 0; i < n; i++) {
            pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * (startSample + i) / rate));
        }
    }

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void phoneToneReachesTheRoomAndRoomToneReachesThePhone(AudioCodec codec) {
        FakeLeg leg = new FakeLeg(codec);
        SipParticipant p = new SipParticipant(leg, () -> now);
        RtpPacketPool phonePool = new RtpPacketPool(64);
        AudioEncoder phoneEncoder = AudioCodecs.encoder(codec);
        int phoneFrame = codec.samplesPerFrame(20);
        short[] phonePcm = new short[phoneFrame];
        short[] roomFrame = new short[Participant.FRAME_SAMPLES];
        short[] roomMix = new short[Participant.FRAME_SAMPLES];
        short[] roomHeard = new short[48000];
        int roomHeardLength = 0;

        for (int tick = 0; tick < 100; tick++) {
            // The phone sends 20 ms of 440 Hz.
            tone(phonePcm, phoneFrame, codec.sampleRate(), 440, (long) tick * phoneFrame);
            RtpPacket rtp = phonePool.acquire();
            int len = phoneEncoder.encode(phonePcm, 0, phoneFrame, rtp.buffer(), RtpPacket.FIXED_HEADER);
            rtp.writeHeader(0, tick == 0, tick, (long) tick * codec.rtpUnitsPerFrame(20), 42, len);
            rtp.setArrivalNanos(now);
            p.onRtp(rtp);
            // The room ticks: it reads the phone, and plays it 1000 Hz.
            if (p.readFrame(roomFrame) && roomHeardLength + roomFrame.length <= roomHeard.length) {
                System.arraycopy(roomFrame, 0, roomHeard, roomHeardLength, roomFrame.length);
                roomHeardLength += roomFrame.length;
            }
            tone(roomMix, roomMix.length, 48000, 1000, (long) tick * roomMix.length);
            p.writeFrame(roomMix);
            now += 20_000_000L;
        }
        p.close();

        assertEquals(100, leg.sent, "one packet per tick to the phone");
        assertEquals(codec.rtpUnitsPerFrame(20), leg.lastDuration);
        assertTrue(roomHeardLength >= 48000 / 2, "the room got at least half a second, got " + roomHeardLength);
        int skip = 9600; // past the jitter buffer's start and the filters' delay
        assertEquals(440, dominant(roomHeard, skip, roomHeardLength - skip, 48000), 5);
        int phoneSkip = codec.sampleRate() / 5;
        assertEquals(1000, dominant(leg.heard, phoneSkip, leg.heardLength - phoneSkip, codec.sampleRate()), 5);
    }

    private static double dominant(short[] pcm, int off, int len, int rate) {
        return ToneAnalyzer.dominantFrequency(pcm, off, len, rate, 100, 3000, 5);
    }

    @ParameterizedTest
    @EnumSource(value = AudioCodec.class, names = {"PCMU", "OPUS"})
    void steadyStateAllocatesNothingPerPacket(AudioCodec codec) {
        FakeLeg leg = new FakeLeg(codec);
        SipParticipant p = new SipParticipant(leg, () -> now);
        RtpPacketPool phonePool = new RtpPacketPool(64);
        AudioEncoder phoneEncoder = AudioCodecs.encoder(codec);
        int phoneFrame = codec.samplesPerFrame(20);
        short[] phonePcm = new short[phoneFrame];
        short[] roomFrame = new short[Participant.FRAME_SAMPLES];
        short[] roomMix = new short[Participant.FRAME_SAMPLES];
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = 0;
        int warmup = 500;
        int measured = 5000;
        for (int tick = 0; tick < warmup + measured; tick++) {
            if (tick == warmup) before = threads.getCurrentThreadAllocatedBytes();
            tone(phonePcm, phoneFrame, codec.sampleRate(), 440, (long) tick * phoneFrame);
            RtpPacket rtp = phonePool.acquire();
            int len = phoneEncoder.encode(phonePcm, 0, phoneFrame, rtp.buffer(), RtpPacket.FIXED_HEADER);
            rtp.writeHeader(0, tick == 0, tick & 0xffff, (long) tick * codec.rtpUnitsPerFrame(20), 42, len);
            rtp.setArrivalNanos(now);
            p.onRtp(rtp);
            p.readFrame(roomFrame);
            tone(roomMix, roomMix.length, 48000, 1000, (long) tick * roomMix.length);
            p.writeFrame(roomMix);
            now += 20_000_000L;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        p.close();
        assertTrue(allocated < 16 * 1024, measured + " packets each way allocated " + allocated + " bytes");
    }
}
