package org.passerelle.transcoder.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hot-path rule: encode, decode and conceal allocate nothing per frame once warmed up. */
class CodecAllocationTest {
    private static final int FRAMES = 5000;
    private static final long BOUND_BYTES = 2048;

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void steadyStateAllocatesNothing(AudioCodec c) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int frame = c.samplesPerFrame(20);
        short[] in = Signals.sine(440, c.sampleRate(), frame * 10, 0.3);
        short[] out = new short[frame];
        byte[] payload = new byte[1500];
        try (AudioEncoder enc = AudioCodecs.encoder(c); AudioDecoder dec = AudioCodecs.decoder(c)) {
            run(enc, dec, in, out, payload, frame, 2000); // warm-up: JIT, lazy class init
            long before = threads.getCurrentThreadAllocatedBytes();
            run(enc, dec, in, out, payload, frame, FRAMES);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < BOUND_BYTES, c + " allocated " + allocated + " bytes over " + FRAMES + " frames");
        }
    }

    private static void run(AudioEncoder enc, AudioDecoder dec, short[] in, short[] out, byte[] payload,
                            int frame, int frames) {
        int tones = in.length / frame;
        for (int k = 0; k < frames; k++) {
            int n = enc.encode(in, (k % tones) * frame, frame, payload, 0);
            if (k % 50 == 49) {
                dec.conceal(out, 0, frame); // one loss in fifty
            } else {
                dec.decode(payload, 0, n, out, 0);
            }
        }
    }
}
