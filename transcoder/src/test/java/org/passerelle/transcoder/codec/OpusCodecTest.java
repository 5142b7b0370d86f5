package org.passerelle.transcoder.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jitsi.impl.neomedia.codec.audio.opus.Opus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpusCodecTest {
    private static final int RATE = 48000;

    @ParameterizedTest
    @ValueSource(ints = {10, 20, 40, 60})
    void toneOf440HzStaysDominantAtEveryFrameSize(int frameMs) {
        int frame = AudioCodec.OPUS.samplesPerFrame(frameMs);
        short[] in = Signals.sine(440, RATE, RATE, 0.3);
        short[] out = new short[in.length];
        byte[] packet = new byte[1500];
        try (OpusEncoder enc = new OpusEncoder(OpusEncoder.Settings.VOICE.withFrameMs(frameMs));
             OpusDecoder dec = new OpusDecoder()) {
            assertEquals(frame, enc.frameSamples());
            for (int off = 0; off + frame <= in.length; off += frame) {
                int n = enc.encode(in, off, frame, packet, 0);
                assertTrue(n > 0 && n < 400, "packet of " + n + " bytes");
                assertEquals(frame, dec.decode(packet, 0, n, out, off));
            }
        }
        // after the encoder's look-ahead and adaptation: 440 Hz dominates, with most of the power
        int from = RATE / 4;
        int n = RATE / 2;
        assertEquals(440, Signals.dominantFrequency(out, from, n, RATE, 10), 10);
        double tone = Signals.goertzel(out, from, n, RATE, 440);
        double total = Signals.energy(out, from, n) * n / 2; // Goertzel power of a pure tone is E*N/2
        assertTrue(tone > 0.8 * total, "440 Hz carries " + tone / total + " of the power");
    }

    /**
     * Opus takes and gives PCM at 8, 16 and 48 kHz directly (RFC 6716 §2): a 20 ms frame is
     * rate/50 samples both ways, the tone stays at its frequency and level, and the packets are
     * the same Opus a 48 kHz decoder reads (the RTP clock stays 48 kHz).
     */
    @ParameterizedTest
    @ValueSource(ints = {8000, 16000, 48000})
    void encodesAndDecodesAtEachRate(int rate) {
        int frame = rate / 50;
        short[] in = Signals.sine(1000, rate, rate, 0.3);
        short[] out = new short[in.length];
        short[] out48 = new short[RATE];
        byte[] packet = new byte[1500];
        try (OpusEncoder enc = new OpusEncoder(OpusEncoder.Settings.VOICE, rate);
             OpusDecoder dec = new OpusDecoder(rate); OpusDecoder dec48 = new OpusDecoder()) {
            assertEquals(rate, enc.sampleRate());
            assertEquals(rate, dec.sampleRate());
            assertEquals(frame, enc.frameSamples());
            for (int off = 0, f = 0; off + frame <= in.length; off += frame, f++) {
                int n = enc.encode(in, off, frame, packet, 0);
                assertEquals(frame, dec.decode(packet, 0, n, out, off));
                assertEquals(960, dec48.decode(packet, 0, n, out48, f * 960));
            }
            assertEquals(frame, dec.conceal(out, 0, frame), "a lost 20 ms at this rate");
            assertThrows(IllegalArgumentException.class, () -> enc.encode(in, 0, frame + 1, packet, 0));
        }
        int from = rate / 4;
        int n = rate / 2;
        assertEquals(1000, Signals.dominantFrequency(out, from, n, rate, 10), 10);
        double ratio = Signals.energy(out, from, n) / Signals.energy(in, from, n);
        assertTrue(ratio > 0.7 && ratio < 1.4, "level kept: energy ratio " + ratio);
        assertEquals(1000, Signals.dominantFrequency(out48, RATE / 4, RATE / 2, RATE, 10), 10);
    }

    @Test
    void ratesOpusDoesNotTakeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new OpusDecoder(44100));
        assertThrows(IllegalArgumentException.class, () -> new OpusEncoder(OpusEncoder.Settings.VOICE, 32000));
    }

    /**
     * A phone's voice is coded in the band it carries, read from each packet's TOC byte (RFC 6716
     * §3.1), and still decodes at 48 kHz with the tone in place; a browser's stays full band.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PCMU", "PCMA", "G722", "OPUS"})
    void voiceFromACodecIsCodedInTheBandThatCodecCarries(String codecName) {
        AudioCodec source = AudioCodec.valueOf(codecName);
        String expected = switch (source) {
            case PCMU, PCMA -> "NB";
            case G722 -> "WB";
            case OPUS -> "FB";
        };
        OpusEncoder.Settings settings = OpusEncoder.Settings.voiceFrom(source);
        // A band-limited voice-like mix (300 Hz–3.4 kHz), as a phone sends.
        short[] in = new short[RATE * 2];
        short[] a = Signals.sine(440, RATE, in.length, 0.2), b = Signals.sine(1230, RATE, in.length, 0.1),
                c = Signals.sine(2900, RATE, in.length, 0.05);
        for (int i = 0; i < in.length; i++) in[i] = (short) (a[i] + b[i] + c[i]);
        short[] out = new short[in.length];
        byte[] packet = new byte[1500];
        long bytes = 0;
        java.util.Set<String> bands = new java.util.TreeSet<>();
        try (OpusEncoder enc = new OpusEncoder(settings); OpusDecoder dec = new OpusDecoder()) {
            for (int off = 0; off + 960 <= in.length; off += 960) {
                int n = enc.encode(in, off, 960, packet, 0);
                bytes += n;
                if (off >= RATE / 2) bands.add(band(packet[0]));
                assertEquals(960, dec.decode(packet, 0, n, out, off));
            }
        }
        if (!"FB".equals(expected)) assertEquals(java.util.Set.of(expected), bands, codecName);
        else assertTrue(bands.contains("FB") || bands.contains("SWB"), "full band allowed: " + bands);
        assertEquals(440, Signals.dominantFrequency(out, RATE, RATE / 2, RATE, 10), 10);
        double kbps = bytes * 8 / 2.0 / 1000;
        assertTrue(kbps < settings.bitrate() / 1000.0 * 1.3, kbps + " kbit/s for " + settings.bitrate());
    }

    /** The audio band of a packet from its TOC configuration number (RFC 6716 §3.1, Table 2). */
    private static String band(byte toc) {
        int config = (toc & 0xff) >> 3;
        if (config < 12) return new String[] {"NB", "MB", "WB"}[config / 4];   // SILK-only
        if (config < 16) return config < 14 ? "SWB" : "FB";                   // hybrid
        return new String[] {"NB", "WB", "SWB", "FB"}[(config - 16) / 4];     // CELT-only
    }

    @Test
    void bitrateStaysNearTheConfiguredOne() {
        int frame = 960;
        short[] in = Signals.sine(440, RATE, RATE * 2, 0.3);
        byte[] packet = new byte[1500];
        long bytes = 0;
        try (OpusEncoder enc = new OpusEncoder()) {
            for (int off = 0; off + frame <= in.length; off += frame) bytes += enc.encode(in, off, frame, packet, 0);
        }
        double kbps = bytes * 8 / 2.0 / 1000;
        assertTrue(kbps > 10 && kbps < 45, kbps + " kbit/s");
    }

    @Test
    void plcContinuesATone() {
        int frame = 960;
        byte[][] packets = encodeAll(Signals.sine(440, RATE, RATE, 0.3), frame);
        short[] out = new short[frame];
        try (OpusDecoder dec = new OpusDecoder()) {
            for (int k = 0; k < 30; k++) dec.decode(packets[k], 0, packets[k].length, out, 0);
            assertEquals(frame, dec.conceal(out, 0, frame)); // packet 30 lost
            assertEquals(440, Signals.dominantFrequency(out, 0, frame, RATE, 10), 20);
            assertTrue(Signals.energy(out, 0, frame) > 0.1 * Signals.energy(Signals.sine(440, RATE, frame, 0.3), 0, frame));
            assertEquals(frame, dec.decode(packets[31], 0, packets[31].length, out, 0));
        }
    }

    @Test
    void inBandFecRecoversALostOnsetThatPlcCannotGuess() {
        int frame = 960;
        int onset = 25;
        short[] in = new short[2 * RATE];
        short[] voice = Signals.voiceLike(RATE, in.length - onset * frame);
        System.arraycopy(voice, 0, in, onset * frame, voice.length); // silence, then voice from frame 25
        byte[][] packets = encodeAll(in, frame);
        short[] truth = new short[frame];
        short[] fec = new short[frame];
        short[] plc = new short[frame];
        try (OpusDecoder ref = new OpusDecoder(); OpusDecoder a = new OpusDecoder(); OpusDecoder b = new OpusDecoder()) {
            for (int k = 0; k < onset; k++) {
                ref.decode(packets[k], 0, packets[k].length, truth, 0);
                a.decode(packets[k], 0, packets[k].length, fec, 0);
                b.decode(packets[k], 0, packets[k].length, plc, 0);
            }
            ref.decode(packets[onset], 0, packets[onset].length, truth, 0);
            byte[] next = packets[onset + 1];
            // the onset packet is lost; the next one carries it again as LBRR
            assertEquals(frame, a.decodeFec(next, 0, next.length, fec, 0, frame));
            assertEquals(frame, b.conceal(plc, 0, frame));
            assertEquals(frame, a.decode(next, 0, next.length, fec, 0));
        }
        double eTruth = Signals.energy(truth, 0, frame);
        double eFec = Signals.energy(fec, 0, frame);
        double ePlc = Signals.energy(plc, 0, frame);
        assertTrue(eTruth > 0);
        assertTrue(eFec > 0.25 * eTruth, "FEC recovered " + eFec / eTruth + " of the onset energy");
        assertTrue(ePlc < 0.05 * eTruth, "PLC invented " + ePlc / eTruth + " of it");
    }

    private static byte[][] encodeAll(short[] in, int frame) {
        byte[][] packets = new byte[in.length / frame][];
        byte[] buf = new byte[1500];
        try (OpusEncoder enc = new OpusEncoder()) {
            for (int k = 0; k < packets.length; k++) {
                packets[k] = java.util.Arrays.copyOf(buf, enc.encode(in, k * frame, frame, buf, 0));
            }
        }
        return packets;
    }

    @Test
    void corruptOrEmptyPayloadGivesANegativeResult() {
        short[] out = new short[5760];
        try (OpusDecoder dec = new OpusDecoder()) {
            assertTrue(dec.decode(new byte[0], 0, 0, out, 0) < 0);
            // TOC code 3 (arbitrary frame count) with a count byte of zero frames: invalid (RFC 6716 §3.2.5)
            byte[] bad = {(byte) 0x03, 0};
            assertEquals(Opus.INVALID_PACKET, dec.decode(bad, 0, bad.length, out, 0));
        }
    }

    @Test
    void rejectsBadFrameSizesAndUseAfterClose() {
        OpusEncoder enc = new OpusEncoder();
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new short[1440], 0, 1440, new byte[1500], 0));
        enc.close();
        enc.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> enc.encode(new short[960], 0, 960, new byte[1500], 0));
        OpusDecoder dec = new OpusDecoder();
        assertThrows(IllegalArgumentException.class, () -> dec.conceal(new short[1000], 0, 1000));
        dec.close();
        assertThrows(IllegalStateException.class, () -> dec.conceal(new short[960], 0, 960));
        assertThrows(IllegalArgumentException.class, () -> OpusEncoder.Settings.VOICE.withFrameMs(30));
        assertThrows(IllegalArgumentException.class, () -> OpusEncoder.Settings.VOICE.withComplexity(11));
    }
}
