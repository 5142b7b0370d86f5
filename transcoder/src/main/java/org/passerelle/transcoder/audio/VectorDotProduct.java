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

    @Override
    String describe() {
        return "vector " + SPECIES.vectorBitSize() + " bit";
    }
}
