package org.passerelle.transcoder.codec;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jitsi.impl.neomedia.codec.audio.opus.Opus;
import org.junit.jupiter.api.Test;

/** libjitsi's static init loads linux-x86-64/libjnopus.so from its jar; check that works here. */
class OpusNativeLoadTest {
    @Test
    void nativeLoadsAndCreatesCodecs() {
        assertTrue(Opus.encoder_get_size(1) > 0);
        long enc = Opus.encoder_create(48000, 1);
        long dec = Opus.decoder_create(48000, 1);
        try {
            assertNotEquals(0L, enc);
            assertNotEquals(0L, dec);
        } finally {
            Opus.encoder_destroy(enc);
            Opus.decoder_destroy(dec);
        }
    }
}
