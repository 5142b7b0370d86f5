package org.passerelle.transcoder.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test signals and measurements: tones, Goertzel power, dominant frequency, SNR, resources. */
final class Signals {
    private Signals() {}

    static short[] sine(double hz, int rate, int samples, double amplitude) {
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) {
            s[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    /** Voice-like test signal: ten harmonics of a pitch gliding 80..160 Hz, amplitude-modulated at 3 Hz. */
    static short[] voiceLike(int rate, int samples) {
        short[] s = new short[samples];
        double phase = 0;
        for (int i = 0; i < samples; i++) {
            double t = (double) i / rate;
            phase += 2 * Math.PI * (120 + 40 * Math.sin(2 * Math.PI * 0.7 * t)) / rate;
            double v = 0;
            for (int h = 1; h <= 10; h++) v += Math.sin(h * phase) / h;
            s[i] = (short) (6000 * v * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)));
        }
        return s;
    }

    /** Power of {@code hz} in {@code x[off, off+n)} by the Goertzel recurrence. */
    static double goertzel(short[] x, int off, int n, int rate, double hz) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double s0 = x[off + i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    /** Frequency with the most power, scanned from 50 Hz to near Nyquist in {@code stepHz} steps. */
    static double dominantFrequency(short[] x, int off, int n, int rate, double stepHz) {
        double best = 0;
        double bestPower = -1;
        for (double f = 50; f < rate / 2.0 - 50; f += stepHz) {
            double p = goertzel(x, off, n, rate, f);
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        return best;
    }

    static double energy(short[] x, int off, int n) {
        double e = 0;
        for (int i = 0; i < n; i++) e += (double) x[off + i] * x[off + i];
        return e;
    }

    /**
     * Best SNR in dB of {@code out} against {@code ref} delayed by 0..maxDelay samples, measured on
     * {@code ref[from, from+n)} (the codec's group delay shifts the output).
     */
    static double snrWithDelay(short[] ref, short[] out, int from, int n, int maxDelay) {
        double best = Double.NEGATIVE_INFINITY;
        for (int delay = 0; delay <= maxDelay; delay++) {
            double sig = 0;
            double noise = 0;
            for (int i = from; i < from + n; i++) {
                double e = out[i + delay] - ref[i];
                sig += (double) ref[i] * ref[i];
                noise += e * e;
            }
            best = Math.max(best, 10 * Math.log10(sig / Math.max(noise, 1e-9)));
        }
        return best;
    }

    static byte[] resource(String name) {
        try (InputStream in = Signals.class.getResourceAsStream("/codec/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource /codec/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static short[] s16le(byte[] bytes) {
        short[] s = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }
}
