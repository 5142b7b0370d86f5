package org.passerelle.transcoder.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** G.722 against ffmpeg's reference vectors (see src/test/resources/codec/make-g722-vectors.sh). */
class G722Test {
    private static final int RATE = 16000;
    private static final int FRAME = 320; // 20 ms at 16 kHz

    @ParameterizedTest
    @ValueSource(strings = {"sweep-16k", "noise-16k"})
    void decoderMatchesFfmpegOnFfmpegsBitstream(String vector) {
        byte[] bitstream = Signals.resource(vector + ".g722");
        short[] expected = Signals.s16le(Signals.resource(vector + ".g722.dec.s16le"));
        short[] out = new short[bitstream.length * 2];
        G722Decoder dec = new G722Decoder();
        // decode in uneven chunks: the state must carry across calls
        int off = 0;
        int[] chunks = {160, 1, 7, 331};
        for (int k = 0; off < bitstream.length; k++) {
            int n = Math.min(chunks[k % chunks.length], bitstream.length - off);
            assertEquals(2 * n, dec.decode(bitstream, off, n, out, 2 * off));
            off += n;
        }
        assertArrayEquals(expected, out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sweep-16k", "noise-16k"})
    void encoderMatchesFfmpegsBitstream(String vector) {
        short[] pcm = Signals.s16le(Signals.resource(vector + ".s16le"));
        byte[] expected = Signals.resource(vector + ".g722");
        byte[] out = new byte[pcm.length / 2];
        G722Encoder enc = new G722Encoder();
        for (int off = 0; off < pcm.length; off += FRAME) {
            int n = Math.min(FRAME, pcm.length - off);
            assertEquals(n / 2, enc.encode(pcm, off, n, out, off / 2));
        }
        assertArrayEquals(expected, out);
    }

    @Test
    void toneRoundTripKeepsFrequencyAndSnr() {
        for (int hz : new int[] {300, 1000, 3000}) {
            short[] in = Signals.sine(hz, RATE, RATE, 0.3);
            short[] out = roundTrip(in);
            assertEquals(hz, Signals.dominantFrequency(out, 1600, 8000, RATE, 10), 10, hz + " Hz");
            // skip the first 100 ms while the ADPCM adapts; search the QMF group delay
            double snr = Signals.snrWithDelay(in, out, 1600, 12000, 40);
            assertTrue(snr > 30, hz + " Hz SNR " + snr);
        }
    }

    @Test
    void higherBandToneStaysInTheHigherBand() {
        short[] in = Signals.sine(6000, RATE, RATE, 0.3);
        short[] out = roundTrip(in);
        assertEquals(6000, Signals.dominantFrequency(out, 1600, 8000, RATE, 10), 10);
        assertTrue(Signals.snrWithDelay(in, out, 1600, 12000, 40) > 20); // 2-bit band: ~27 dB
    }

    @Test
    void oneKilohertzToneStaysOneKilohertzAtEveryFrame() {
        short[] in = Signals.sine(1000, RATE, RATE, 0.5);
        short[] out = roundTrip(in);
        for (int off = FRAME; off + FRAME <= out.length; off += FRAME) {
            assertEquals(1000, Signals.dominantFrequency(out, off, FRAME, RATE, 25), 50, "frame at " + off);
        }
    }

    static short[] roundTrip(short[] in) {
        short[] out = new short[in.length];
        byte[] payload = new byte[FRAME / 2];
        try (G722Encoder enc = new G722Encoder(); G722Decoder dec = new G722Decoder()) {
            for (int off = 0; off + FRAME <= in.length; off += FRAME) {
                int n = enc.encode(in, off, FRAME, payload, 0);
                assertEquals(FRAME / 2, n);
                assertEquals(FRAME, dec.decode(payload, 0, n, out, off));
            }
        }
        return out;
    }

    @Test
    void concealmentFadesTheLastFrameToSilence() {
        short[] in = Signals.sine(800, RATE, 5 * FRAME, 0.5);
        byte[] payload = new byte[FRAME / 2];
        short[] good = new short[FRAME];
        G722Encoder enc = new G722Encoder();
        G722Decoder dec = new G722Decoder();
        for (int off = 0; off < in.length; off += FRAME) {
            dec.decode(payload, 0, enc.encode(in, off, FRAME, payload, 0), good, 0);
        }
        short[][] lost = new short[4][FRAME];
        for (short[] f : lost) assertEquals(FRAME, dec.conceal(f, 0, FRAME));
        assertEquals(good[0], lost[0][0]);
        double e0 = Signals.energy(lost[0], 0, FRAME);
        double e1 = Signals.energy(lost[1], 0, FRAME);
        double e2 = Signals.energy(lost[2], 0, FRAME);
        assertTrue(e0 > e1 && e1 > e2 && e2 > 0);
        assertArrayEquals(new short[FRAME], lost[3]);
        assertEquals(800, Signals.dominantFrequency(lost[0], 0, FRAME, RATE, 10), 50);
    }

    @Test
    void rejectsOddSampleCounts() {
        assertThrows(IllegalArgumentException.class,
                () -> new G722Encoder().encode(new short[3], 0, 3, new byte[2], 0));
    }
}
