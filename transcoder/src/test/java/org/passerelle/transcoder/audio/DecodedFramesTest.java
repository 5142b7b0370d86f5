package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.codec.AudioCodec;
import org.passerelle.transcoder.codec.AudioDecoder;
import org.passerelle.transcoder.rtp.RtpPacket;
import org.passerelle.transcoder.rtp.RtpPacketPool;

class DecodedFramesTest {
    private static final long MS = 1_000_000L;
    private static final int FRAME = 160; // 20 ms at 8 kHz

    /**
     * One sample per payload byte, valued as the byte (so a frame shows which packet it came
     * from); concealment writes -1s. A payload starting with 0x7f is "corrupt".
     */
    private static final class ByteDecoder implements AudioDecoder {
        int concealedSamples;
        boolean closed;

        @Override
        public AudioCodec codec() {
            return AudioCodec.PCMU;
        }

        @Override
        public int decode(byte[] payload, int off, int len, short[] pcm, int pcmOff) {
            if (payload[off] == 0x7f) return -1;
            for (int i = 0; i < len; i++) pcm[pcmOff + i] = payload[off + i];
            return len;
        }

        @Override
        public int conceal(short[] pcm, int pcmOff, int samples) {
            Arrays.fill(pcm, pcmOff, pcmOff + samples, (short) -1);
            concealedSamples += samples;
            return samples;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final RtpPacketPool pool = new RtpPacketPool(256);
    private long now = 1_000_000_000L;
    private final ByteDecoder decoder = new ByteDecoder();
    private final DecodedFrames frames = new DecodedFrames(new JitterBuffer(() -> now, 8000), decoder, 8000);
    private final short[] frame = new short[FRAME];

    @AfterEach
    void everyPacketReleased() {
        frames.close();
        assertTrue(decoder.closed, "the decoder is closed with the stream");
        assertEquals(pool.misses(), pool.available(), "leaked or double-released packets");
    }

    /** A packet of {@code samples} bytes, all {@code value}, stamped as arriving now. */
    private void put(int seq, long ts, int samples, int value) {
        RtpPacket p = pool.acquire();
        p.writeHeader(0, seq == 0, seq, ts, 0x1234, samples);
        Arrays.fill(p.buffer(), RtpPacket.FIXED_HEADER, RtpPacket.FIXED_HEADER + samples, (byte) value);
        p.setArrivalNanos(now);
        frames.put(p);
    }

    private static short[] filled(int value) {
        short[] f = new short[FRAME];
        Arrays.fill(f, (short) value);
        return f;
    }

    @Test
    void nothingBeforeTheFirstPacket() {
        assertFalse(frames.take(frame, FRAME));
    }

    @Test
    void eachTwentyMillisecondPacketIsOneFrame() {
        for (int i = 0; i < 10; i++) {
            put(i, 160L * i, FRAME, i + 1);
            assertTrue(frames.take(frame, FRAME), "tick " + i);
            assertArrayEquals(filled(i + 1), frame, "tick " + i);
            now += 20 * MS;
        }
        assertEquals(0, decoder.concealedSamples);
    }

    @Test
    void aSixtyMillisecondPacketLastsThreeTicks() {
        put(0, 0, 3 * FRAME, 5);
        for (int t = 0; t < 3; t++) {
            assertTrue(frames.take(frame, FRAME), "tick " + t);
            assertArrayEquals(filled(5), frame);
            now += 20 * MS;
        }
        assertFalse(frames.take(frame, FRAME), "no fourth frame: the jitter buffer is empty");
    }

    @Test
    void tenMillisecondPacketsAreJoinedIntoOneFrame() {
        // packet n carries the value 10 + n; each tick two arrive and one frame is taken
        java.util.List<Integer> halves = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i += 2) {
            put(i, 80L * i, FRAME / 2, 10 + i);
            now += 10 * MS;
            put(i + 1, 80L * (i + 1), FRAME / 2, 11 + i);
            assertTrue(frames.take(frame, FRAME));
            for (int h = 0; h < 2; h++) {
                for (int s = 1; s < FRAME / 2; s++) assertEquals(frame[h * FRAME / 2], frame[h * FRAME / 2 + s]);
                halves.add((int) frame[h * FRAME / 2]);
            }
            now += 10 * MS;
        }
        // the jitter buffer learns the packets' length from the first two (the first frame may
        // end in silence); after that every 10 ms packet plays once, in order, none concealed
        int from = halves.indexOf(11);
        assertTrue(from > 0 && from <= 2, "packet 1 plays in the first two ticks: " + halves);
        for (int k = from; k < halves.size(); k++) assertEquals(10 + 1 + k - from, halves.get(k), "" + halves);
        assertEquals(0, decoder.concealedSamples);
    }

    @Test
    void aLostPacketIsConcealedForItsLength() {
        put(0, 0, FRAME, 1);
        assertTrue(frames.take(frame, FRAME));
        now += 20 * MS;
        // packet 1 never arrives; 2 and 3 do
        put(2, 320, FRAME, 3);
        put(3, 480, FRAME, 4);
        assertTrue(frames.take(frame, FRAME));
        assertArrayEquals(filled(-1), frame, "the gap is concealed");
        assertEquals(FRAME, decoder.concealedSamples);
        now += 20 * MS;
        assertTrue(frames.take(frame, FRAME));
        assertArrayEquals(filled(3), frame);
    }

    @Test
    void aCorruptPayloadIsConcealedNotSkipped() {
        put(0, 0, FRAME, 0x7f);
        assertTrue(frames.take(frame, FRAME));
        assertArrayEquals(filled(-1), frame);
    }

    @Test
    void anUnderrunPartWayThroughAFrameIsFinishedWithSilence() {
        put(0, 0, FRAME + FRAME / 2, 7); // 30 ms
        assertTrue(frames.take(frame, FRAME));
        now += 20 * MS;
        assertTrue(frames.take(frame, FRAME), "the 10 ms left are played, not dropped");
        for (int s = 0; s < FRAME; s++) assertEquals(s < FRAME / 2 ? 7 : 0, frame[s], "sample " + s);
    }

    @Test
    void aNewDecoderDropsWhatTheOldOneDecoded() {
        put(0, 0, 3 * FRAME, 5);
        assertTrue(frames.take(frame, FRAME)); // 40 ms left decoded at the old rate
        ByteDecoder next = new ByteDecoder();
        frames.decodeWith(next, 16000);
        assertTrue(decoder.closed, "the old decoder is closed");
        assertEquals(16000, frames.rate());
        assertFalse(frames.take(frame, FRAME), "the old rate's samples are gone");
    }

    @Test
    void heldAudioIsDiscardedBeforeItIsDecoded() {
        put(0, 0, FRAME, 1);
        put(1, 160, FRAME, 2);
        frames.discardReceived();
        assertFalse(frames.take(frame, FRAME));
    }
}
