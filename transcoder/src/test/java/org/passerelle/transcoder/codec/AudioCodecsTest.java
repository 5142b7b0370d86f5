package org.passerelle.transcoder.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AudioCodecsTest {

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void factoryCodecsRoundTripA20msToneOfTheirOwnCodec(AudioCodec c) {
        int frame = c.samplesPerFrame(20);
        short[] in = Signals.sine(700, c.sampleRate(), frame * 25, 0.3);
        short[] out = new short[in.length];
        byte[] payload = new byte[1500];
        try (AudioEncoder enc = AudioCodecs.encoder(c); AudioDecoder dec = AudioCodecs.decoder(c)) {
            assertEquals(c, enc.codec());
            assertEquals(c, dec.codec());
            for (int off = 0; off + frame <= in.length; off += frame) {
                int n = enc.encode(in, off, frame, payload, 0);
                assertEquals(frame, dec.decode(payload, 0, n, out, off));
            }
        }
        int from = frame * 5;
        int n = frame * 20;
        assertEquals(700, Signals.dominantFrequency(out, from, n, c.sampleRate(), 10), 10, c.name());
        assertTrue(Signals.energy(out, from, n) > 0.5 * Signals.energy(in, from, n), c.name());
    }

    @Test
    void g711AndG722PayloadSizesFollowRfc3551() {
        byte[] out = new byte[1500];
        assertEquals(160, AudioCodecs.encoder(AudioCodec.PCMU).encode(new short[160], 0, 160, out, 0));
        assertEquals(160, AudioCodecs.encoder(AudioCodec.PCMA).encode(new short[160], 0, 160, out, 0));
        assertEquals(160, AudioCodecs.encoder(AudioCodec.G722).encode(new short[320], 0, 320, out, 0));
    }
}
