package org.passerelle.transcoder.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class G711Test {

    @Test
    void ulawKnownValues() {
        // G.711 Table 2a: zero and the extremes; codes are sent with all bits inverted.
        assertEquals((byte) 0xFF, G711.linearToUlaw((short) 0));
        assertEquals((byte) 0x7F, G711.linearToUlaw((short) -1));
        assertEquals((byte) 0x80, G711.linearToUlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x00, G711.linearToUlaw(Short.MIN_VALUE));
        assertEquals((byte) 0xCE, G711.linearToUlaw((short) 1000));
        assertEquals((byte) 0x4E, G711.linearToUlaw((short) -1000));
        assertEquals(0, G711.ulawToLinear((byte) 0xFF));
        assertEquals(0, G711.ulawToLinear((byte) 0x7F));
        assertEquals(32124, G711.ulawToLinear((byte) 0x80));
        assertEquals(-32124, G711.ulawToLinear((byte) 0x00));
        assertEquals(988, G711.ulawToLinear((byte) 0xCE));
    }

    @Test
    void alawKnownValues() {
        // G.711 Table 1a: even bits inverted on the line, so zero is 0xD5 and -0 is 0x55.
        assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
        assertEquals((byte) 0x55, G711.linearToAlaw((short) -1));
        assertEquals((byte) 0xAA, G711.linearToAlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x2A, G711.linearToAlaw(Short.MIN_VALUE));
        assertEquals((byte) 0xFA, G711.linearToAlaw((short) 1000));
        assertEquals(8, G711.alawToLinear((byte) 0xD5));
        assertEquals(-8, G711.alawToLinear((byte) 0x55));
        assertEquals(32256, G711.alawToLinear((byte) 0xAA));
        assertEquals(-32256, G711.alawToLinear((byte) 0x2A));
        assertEquals(1008, G711.alawToLinear((byte) 0xFA));
    }

    @Test
    void decodingMatchesFfmpegForAll256Codes() {
        byte[] codes = Signals.resource("g711-codes.bin");
        short[] ulaw = Signals.s16le(Signals.resource("g711-ulaw.dec.s16le"));
        short[] alaw = Signals.s16le(Signals.resource("g711-alaw.dec.s16le"));
        for (int i = 0; i < 256; i++) {
            assertEquals(ulaw[i], G711.ulawToLinear(codes[i]), "µ-law code " + i);
            assertEquals(alaw[i], G711.alawToLinear(codes[i]), "A-law code " + i);
        }
    }

    @Test
    void everyCodeSurvivesDecodeThenEncode() {
        for (int c = 0; c < 256; c++) {
            byte code = (byte) c;
            assertEquals(code, G711.linearToAlaw(G711.alawToLinear(code)), "A-law " + c);
            // µ-law 0x7F is "negative zero": it decodes to 0, which encodes as 0xFF
            byte expected = c == 0x7F ? (byte) 0xFF : code;
            assertEquals(expected, G711.linearToUlaw(G711.ulawToLinear(code)), "µ-law " + c);
        }
    }

    @Test
    void encodingIsMonotonicAndLandsOnALevelBracketingTheInput() {
        // G.711 decision levels sit between adjacent reconstruction levels: whatever x, its code
        // decodes to the level just below or just above x, and larger inputs never give smaller output.
        int[] ulawLevels = sortedLevels(true);
        int[] alawLevels = sortedLevels(false);
        int prevU = Integer.MIN_VALUE;
        int prevA = Integer.MIN_VALUE;
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            short s = (short) x;
            int u = G711.ulawToLinear(G711.linearToUlaw(s));
            int a = G711.alawToLinear(G711.linearToAlaw(s));
            assertTrue(brackets(ulawLevels, x, u), "µ-law " + x + " -> " + u);
            assertTrue(brackets(alawLevels, x, a), "A-law " + x + " -> " + a);
            assertTrue(u >= prevU && a >= prevA, "monotonic at " + x);
            prevU = u;
            prevA = a;
        }
    }

    private static int[] sortedLevels(boolean ulaw) {
        return java.util.stream.IntStream.range(0, 256)
                .map(c -> ulaw ? G711.ulawToLinear((byte) c) : G711.alawToLinear((byte) c))
                .distinct().sorted().toArray();
    }

    private static boolean brackets(int[] levels, int x, int y) {
        int below = levels[0];
        int above = levels[levels.length - 1];
        for (int v : levels) {
            if (v <= x) below = v;
            if (v >= x) {
                above = v;
                break;
            }
        }
        return y == below || y == above;
    }

    @Test
    void toneKeepsItsFrequencyThroughPcmuAndPcma() {
        for (AudioCodec codec : new AudioCodec[] {AudioCodec.PCMU, AudioCodec.PCMA}) {
            short[] in = Signals.sine(1000, 8000, 8000, 0.5);
            short[] out = roundTrip(codec, in, 160);
            assertEquals(1000, Signals.dominantFrequency(out, 0, out.length, 8000, 10), 10, codec.name());
            assertTrue(Signals.snrWithDelay(in, out, 0, 7000, 0) > 30, codec.name());
        }
    }

    static short[] roundTrip(AudioCodec codec, short[] in, int frame) {
        short[] out = new short[in.length];
        byte[] payload = new byte[frame];
        try (G711Encoder enc = new G711Encoder(codec); G711Decoder dec = new G711Decoder(codec)) {
            for (int off = 0; off + frame <= in.length; off += frame) {
                int n = enc.encode(in, off, frame, payload, 0);
                assertEquals(frame, n);
                assertEquals(frame, dec.decode(payload, 0, n, out, off));
            }
        }
        return out;
    }

    @Test
    void concealmentRepeatsTheLastFrameFadingToSilenceOverThreeFrames() {
        G711Decoder dec = new G711Decoder(AudioCodec.PCMA);
        G711Encoder enc = new G711Encoder(AudioCodec.PCMA);
        short[] tone = Signals.sine(500, 8000, 160, 0.5);
        byte[] payload = new byte[160];
        short[] good = new short[160];
        dec.decode(payload, 0, enc.encode(tone, 0, 160, payload, 0), good, 0);

        short[][] lost = new short[4][160];
        for (short[] f : lost) assertEquals(160, dec.conceal(f, 0, 160));
        // first concealed sample repeats the last frame at full level, then the level falls
        assertEquals(good[1], lost[0][1], 30);
        double e0 = Signals.energy(lost[0], 0, 160);
        double e1 = Signals.energy(lost[1], 0, 160);
        double e2 = Signals.energy(lost[2], 0, 160);
        assertTrue(e0 < Signals.energy(good, 0, 160) && e1 < e0 && e2 < e1 && e2 > 0);
        assertArrayEquals(new short[160], lost[3], "silence after three frames");
        // the repetition keeps the tone's frequency while it fades
        assertEquals(500, Signals.dominantFrequency(lost[0], 0, 160, 8000, 10), 30);

        // a good frame resets the fade
        dec.decode(payload, 0, 160, good, 0);
        short[] again = new short[160];
        dec.conceal(again, 0, 160);
        assertEquals(e0, Signals.energy(again, 0, 160), e0 * 1e-9);
    }

    @Test
    void concealmentBeforeAnyFrameIsSilence() {
        short[] out = {1, 2, 3};
        new G711Decoder(AudioCodec.PCMU).conceal(out, 0, 3);
        assertArrayEquals(new short[3], out);
    }

    @Test
    void rejectsNonG711Codecs() {
        assertThrows(IllegalArgumentException.class, () -> new G711Encoder(AudioCodec.G722));
        assertThrows(IllegalArgumentException.class, () -> new G711Decoder(AudioCodec.OPUS));
    }
}
