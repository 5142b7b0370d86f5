package org.passerelle.transcoder.audio;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link DotProduct} on SIMD lanes (the JDK's vector API); loaded only when the module is present. */
final class VectorDotProduct extends DotProduct {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    float dot(float[] c, float[] h, int off, int k) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int q = 0;
        for (int end = SPECIES.loopBound(k); q < end; q += SPECIES.length()) {
            acc = FloatVector.fromArray(SPECIES, c, q).fma(FloatVector.fromArray(SPECIES, h, off + q), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; q < k; q++) sum += c[q] * h[off + q];
        return sum;
    }

    /**
     * Across time instead of across taps: one vector holds the outputs of one phase for as many
     * consecutive inputs as there are lanes, and each tap is one multiply-add of a broadcast
     * coefficient by the input window shifted by that tap. No horizontal sum per output (most of
     * {@link #dot}'s cost with 16 lanes and 65 taps); four running sums keep the multiply-adds
     * from waiting on each other. Each lane sums exactly as {@link #upsampleSum} does (the same
     * fused multiply-adds in the same order), which also serves the inputs left over after the
     * last whole vector.
     */
    @Override
    void upsample(float[][] c, int up, int k, float[] line, int n, short[] out, int outOff, float[] scratch) {
        final int lanes = SPECIES.length();
        int j = 0;
        for (; j + lanes <= n; j += lanes) {
            for (int p = 0; p < up; p++) {
                float[] cp = c[p];
                FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
                int q = 0;
                for (int end = k - 3; q < end; q += 4) {
                    int b = j + q;
                    a0 = FloatVector.fromArray(SPECIES, line, b).fma(FloatVector.broadcast(SPECIES, cp[q]), a0);
                    a1 = FloatVector.fromArray(SPECIES, line, b + 1).fma(FloatVector.broadcast(SPECIES, cp[q + 1]), a1);
                    a2 = FloatVector.fromArray(SPECIES, line, b + 2).fma(FloatVector.broadcast(SPECIES, cp[q + 2]), a2);
                    a3 = FloatVector.fromArray(SPECIES, line, b + 3).fma(FloatVector.broadcast(SPECIES, cp[q + 3]), a3);
                }
                for (; q < k; q++) {
                    a0 = FloatVector.fromArray(SPECIES, line, j + q).fma(FloatVector.broadcast(SPECIES, cp[q]), a0);
                }
                a0.add(a1).add(a2.add(a3)).intoArray(scratch, 0);
                int o = outOff + j * up + p;
                for (int v = 0; v < lanes; v++, o += up) out[o] = saturate(scratch[v]);
            }
        }
        for (; j < n; j++) {
            int o = outOff + j * up;
            for (int p = 0; p < up; p++) out[o + p] = saturate(upsampleSum(c[p], line, j, k));
        }
    }

    /**
     * The decimator across time, as {@link #upsample}: one vector holds as many consecutive
     * outputs as there are lanes; for each branch of the polyphase split, each tap is one
     * multiply-add of the broadcast coefficient by the branch's line shifted by that tap. Each
     * lane sums exactly as {@link #decimateSum} does, which also serves the outputs left over
     * after the last whole vector.
     */
    @Override
    void decimate(float[][] c, float[] lines, int stride, int n, short[] out, int outOff, float[] scratch) {
        final int lanes = SPECIES.length();
        int j = 0;
        // Two vectors of outputs at a time: each broadcast coefficient serves both.
        for (; j + 2 * lanes <= n; j += 2 * lanes) {
            FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int r = 0; r < c.length; r++) {
                float[] cr = c[r];
                int k = cr.length;
                int b = r * stride + j;
                int e = b + lanes;
                int q = 0;
                for (int end = k - 3; q < end; q += 4) {
                    FloatVector c0 = FloatVector.broadcast(SPECIES, cr[q]);
                    FloatVector c1 = FloatVector.broadcast(SPECIES, cr[q + 1]);
                    FloatVector c2 = FloatVector.broadcast(SPECIES, cr[q + 2]);
                    FloatVector c3 = FloatVector.broadcast(SPECIES, cr[q + 3]);
                    a0 = FloatVector.fromArray(SPECIES, lines, b + q).fma(c0, a0);
                    b0 = FloatVector.fromArray(SPECIES, lines, e + q).fma(c0, b0);
                    a1 = FloatVector.fromArray(SPECIES, lines, b + q + 1).fma(c1, a1);
                    b1 = FloatVector.fromArray(SPECIES, lines, e + q + 1).fma(c1, b1);
                    a2 = FloatVector.fromArray(SPECIES, lines, b + q + 2).fma(c2, a2);
                    b2 = FloatVector.fromArray(SPECIES, lines, e + q + 2).fma(c2, b2);
                    a3 = FloatVector.fromArray(SPECIES, lines, b + q + 3).fma(c3, a3);
                    b3 = FloatVector.fromArray(SPECIES, lines, e + q + 3).fma(c3, b3);
                }
                for (; q < k; q++) {
                    FloatVector c0 = FloatVector.broadcast(SPECIES, cr[q]);
                    a0 = FloatVector.fromArray(SPECIES, lines, b + q).fma(c0, a0);
                    b0 = FloatVector.fromArray(SPECIES, lines, e + q).fma(c0, b0);
                }
            }
            a0.add(a1).add(a2.add(a3)).intoArray(scratch, 0);
            b0.add(b1).add(b2.add(b3)).intoArray(scratch, lanes);
            for (int v = 0; v < 2 * lanes; v++) out[outOff + j + v] = saturate(scratch[v]);
        }
        for (; j + lanes <= n; j += lanes) {
            FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
            for (int r = 0; r < c.length; r++) {
                float[] cr = c[r];
                int k = cr.length;
                int b = r * stride + j;
                int q = 0;
                for (int end = k - 3; q < end; q += 4) {
                    a0 = FloatVector.fromArray(SPECIES, lines, b + q).fma(FloatVector.broadcast(SPECIES, cr[q]), a0);
                    a1 = FloatVector.fromArray(SPECIES, lines, b + q + 1).fma(FloatVector.broadcast(SPECIES, cr[q + 1]), a1);
                    a2 = FloatVector.fromArray(SPECIES, lines, b + q + 2).fma(FloatVector.broadcast(SPECIES, cr[q + 2]), a2);
                    a3 = FloatVector.fromArray(SPECIES, lines, b + q + 3).fma(FloatVector.broadcast(SPECIES, cr[q + 3]), a3);
                }
                for (; q < k; q++) {
                    a0 = FloatVector.fromArray(SPECIES, lines, b + q).fma(FloatVector.broadcast(SPECIES, cr[q]), a0);
                }
            }
            a0.add(a1).add(a2.add(a3)).intoArray(scratch, 0);
            for (int v = 0; v < lanes; v++) out[outOff + j + v] = saturate(scratch[v]);
        }
        for (; j < n; j++) out[outOff + j] = saturate(decimateSum(c, lines, stride, j));
    }

    @Override
    String describe() {
        return "vector " + SPECIES.vectorBitSize() + " bit";
    }
}
