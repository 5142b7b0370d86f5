package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.room.Participant;
import org.passerelle.transcoder.audio.ToneAnalyzer;
import org.passerelle.transcoder.codec.OpusEncoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

/**
 * A remote LiveKit track decodes its Opus straight at the local room's rate: 160-sample frames
 * at 8 kHz carrying the browser's tone at its level, whole frames again after the room's rate
 * changes, and nothing allocated per tick.
 */
class RemoteAudioTrackTest {
    private long now = 1_000_000_000L;
    private final RemoteAudioTrack track = new RemoteAudioTrack("TR_a", 1234, "alice", "Alice", () -> now);
    private final OpusEncoder browser = new OpusEncoder();
    private final RtpPacketPool pool = new RtpPacketPool(32);
    private final short[] pcm = new short[960];
    private final short[] frame = new short[Participant.MAX_FRAME_SAMPLES];
    private int seq;

    @AfterEach
    void close() {
        track.close();
        browser.close();
    }

    /** The browser's next 20 ms of a 1 kHz tone (amplitude 8000), as LiveKit forwards it. */
    private void send() {
        for (int i = 0; i < 960; i++) pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * 1000 * ((long) seq * 960 + i) / 48000.0));
        RtpPacket p = pool.acquire();
        int len = browser.encode(pcm, 0, 960, p.buffer(), RtpPacket.FIXED_HEADER);
        p.writeHeader(111, seq == 0, seq & 0xffff, seq * 960L, 1234, len);
        p.setArrivalNanos(now);
        track.onRtp(p);
        seq++;
    }

    /** {@code ticks} ticks at {@code rate}; returns what the track said, frame after frame. */
    private short[] ticks(int ticks, int rate) {
        int n = Participant.frameSamples(rate);
        short[] said = new short[ticks * n];
        int at = 0;
        for (int t = 0; t < ticks; t++) {
            send();
            if (track.readFrame(frame, rate)) {
                System.arraycopy(frame, 0, said, at, n);
                at += n;
            }
            now += 20_000_000L;
        }
        return java.util.Arrays.copyOf(said, at);
    }

    private static void assertTone(short[] said, int rate, String what) {
        int skip = rate / 5;
        assertTrue(said.length > 2 * skip, what + ": " + said.length + " samples");
        assertEquals(1000, ToneAnalyzer.dominantFrequency(said, skip, said.length - skip, rate, 100, 3000, 5), 5, what);
        double db = ToneAnalyzer.toDb(ToneAnalyzer.meanPower(said, skip, said.length - skip), 8000.0 * 8000 / 2);
        assertEquals(0, db, 1.5, what + ": level");
    }

    @Test
    void takesAnyRateAndDecodesAtEightKilohertz() {
        assertEquals(Participant.ANY_RATE, track.neededRate());
        assertTone(ticks(50, 8000), 8000, "room at 8 kHz");
        assertEquals(8000, track.decodedRate());
    }

    @Test
    void followsTheRoomsRateWhenItChanges() {
        assertTone(ticks(40, 8000), 8000, "8 kHz");
        assertTone(ticks(40, 48000), 48000, "then 48 kHz (a browser joined)");
        assertEquals(48000, track.decodedRate());
        assertTone(ticks(40, 16000), 16000, "then 16 kHz");
        assertTone(ticks(40, 8000), 8000, "back to 8 kHz");
    }

    @Test
    void steadyStateAllocatesNothing() {
        ticks(500, 8000);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 10 && allocated >= 16 * 1024; window++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int t = 0; t < 2000; t++) {
                send();
                track.readFrame(frame, 8000);
                now += 20_000_000L;
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(allocated < 16 * 1024, "2000 ticks allocated " + allocated + " bytes");
    }
}
