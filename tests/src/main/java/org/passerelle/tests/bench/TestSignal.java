package org.passerelle.tests.bench;

/** Deterministic audio for benchmarks: a tone with a little noise, so codecs see speech-like levels. */
final class TestSignal {
    private TestSignal() {}

    /** {@code samples} of a {@code hz} tone at {@code amplitude} plus ±1 % pseudo-random noise. */
    static short[] tone(int rate, int hz, int amplitude, int samples) {
        short[] pcm = new short[samples];
        long seed = 0x2545F4914F6CDD1DL;
        for (int i = 0; i < samples; i++) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            double noise = (seed % 1000) / 1000.0 * amplitude * 0.01;
            pcm[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate) + noise);
        }
        return pcm;
    }
}
