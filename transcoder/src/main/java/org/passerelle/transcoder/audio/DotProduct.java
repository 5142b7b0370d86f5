package org.passerelle.transcoder.audio;

/**
 * The filter's inner product {@code sum c[q] * h[off + q]}, most of a call's CPU. With the JDK's
 * vector module present (the launcher adds {@code --add-modules jdk.incubator.vector}) it uses
 * SIMD lanes; without it, a scalar loop with eight running sums. Both give the same result to
 * within float rounding.
 */
abstract class DotProduct {
    static final DotProduct INSTANCE = choose();

    abstract float dot(float[] c, float[] h, int off, int k);

    /**
     * Up-sampling by {@code up} (no decimation) of {@code n} inputs: for each input {@code j}, whose
     * window of the last {@code k} inputs, oldest first, is {@code line[j .. j+k)}, writes
     * {@code up} outputs {@code out[outOff + j*up + p] = saturate(sum_q c[p][q] * line[j+q])}.
     * {@code line} holds at least {@code n + k - 1} floats; {@code scratch} at least 64.
     *
     * <p>Every implementation sums in the same order, {@link #upsampleSum}'s, so the output does not
     * depend on the machine's SIMD width nor on how the stream is cut into blocks.
     */
    void upsample(float[][] c, int up, int k, float[] line, int n, short[] out, int outOff, float[] scratch) {
        for (int j = 0; j < n; j++) {
            int o = outOff + j * up;
            for (int p = 0; p < up; p++) out[o + p] = saturate(upsampleSum(c[p], line, j, k));
        }
    }

    /**
     * One up-sampler output: four running sums of fused multiply-adds over taps q, q+1, q+2,
     * q+3 (the rest into the first), added as (s0 + s1) + (s2 + s3). A SIMD lane of
     * {@code VectorDotProduct.upsample} does exactly this, so both give the same bits.
     */
    static float upsampleSum(float[] c, float[] line, int j, int k) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int q = 0;
        for (int end = k - 3; q < end; q += 4) {
            int b = j + q;
            a0 = Math.fma(line[b], c[q], a0);
            a1 = Math.fma(line[b + 1], c[q + 1], a1);
            a2 = Math.fma(line[b + 2], c[q + 2], a2);
            a3 = Math.fma(line[b + 3], c[q + 3], a3);
        }
        for (; q < k; q++) a0 = Math.fma(line[j + q], c[q], a0);
        return (a0 + a1) + (a2 + a3);
    }

    /**
     * Decimation of {@code n} outputs through polyphase lines. The filter's taps, split by their
     * index modulo the factor M, are {@code c[r]} (tap {@code M*a + r} is {@code c[r][a]}); the
     * input, split the same way, is {@code lines}, one line of {@code stride} floats per branch
     * (branch r from {@code r * stride}). Output {@code j} is
     * {@code out[outOff + j] = saturate(sum_r sum_a c[r][a] * lines[r*stride + j + a])}: M contiguous
     * convolutions at the output rate, which a vector computes for consecutive outputs at once.
     * Each line holds at least {@code n + c[r].length - 1} floats; {@code scratch} at least 64.
     *
     * <p>Every implementation sums in {@link #decimateSum}'s order, so the output does not depend
     * on the machine's SIMD width nor on how the stream is cut into blocks.
     */
    void decimate(float[][] c, float[] lines, int stride, int n, short[] out, int outOff, float[] scratch) {
        for (int j = 0; j < n; j++) out[outOff + j] = saturate(decimateSum(c, lines, stride, j));
    }

    /**
     * One decimator output: four running sums of fused multiply-adds over taps a, a+1, a+2, a+3
     * of each branch in turn (a branch's remainder into the first), added as (s0 + s1) + (s2 + s3).
     * A SIMD lane of {@code VectorDotProduct.decimate} does exactly this.
     */
    static float decimateSum(float[][] c, float[] lines, int stride, int j) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (int r = 0; r < c.length; r++) {
            float[] cr = c[r];
            int k = cr.length;
            int b = r * stride + j;
            int q = 0;
            for (int end = k - 3; q < end; q += 4) {
                a0 = Math.fma(lines[b + q], cr[q], a0);
                a1 = Math.fma(lines[b + q + 1], cr[q + 1], a1);
                a2 = Math.fma(lines[b + q + 2], cr[q + 2], a2);
                a3 = Math.fma(lines[b + q + 3], cr[q + 3], a3);
            }
            for (; q < k; q++) a0 = Math.fma(lines[b + q], cr[q], a0);
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** Rounded and saturated to 16 bits. */
    static short saturate(float v) {
        int r = Math.round(v);
        if (r > Short.MAX_VALUE) return Short.MAX_VALUE;
        if (r < Short.MIN_VALUE) return Short.MIN_VALUE;
        return (short) r;
    }

    /** What is in use, for logs and benchmarks. */
    abstract String describe();

    private static DotProduct choose() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                // Loaded by name: the class links against the incubator module, absent otherwise.
                return (DotProduct) Class.forName("org.passerelle.transcoder.audio.VectorDotProduct")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall back to scalar
            }
        }
        return new Scalar();
    }

    /**
     * Eight running sums break the chain of dependent additions, so the CPU overlaps them (the
     * JIT keeps float addition in order and would not split one sum itself).
     */
    static final class Scalar extends DotProduct {
        @Override
        float dot(float[] c, float[] h, int off, int k) {
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            int q = 0;
            for (int end = k - 7; q < end; q += 8) {
                int j = off + q;
                a0 += c[q] * h[j];
                a1 += c[q + 1] * h[j + 1];
                a2 += c[q + 2] * h[j + 2];
                a3 += c[q + 3] * h[j + 3];
                a4 += c[q + 4] * h[j + 4];
                a5 += c[q + 5] * h[j + 5];
                a6 += c[q + 6] * h[j + 6];
                a7 += c[q + 7] * h[j + 7];
            }
            for (; q < k; q++) a0 += c[q] * h[off + q];
            return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
        }

        @Override
        String describe() {
            return "scalar";
        }
    }
}
