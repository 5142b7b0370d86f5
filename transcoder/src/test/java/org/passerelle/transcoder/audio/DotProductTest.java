package org.passerelle.transcoder.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SIMD and scalar filters agree (the tests run with the vector module, as the product does). */
class DotProductTest {
    @Test
    void vectorAndScalarGiveTheSameSums() {
        assertEquals(true, Resampler.implementation().startsWith("vector"),
                "tests run with --add-modules jdk.incubator.vector: " + Resampler.implementation());
        Random r = new Random(42);
        DotProduct scalar = new DotProduct.Scalar();
        for (int k : new int[] {1, 7, 8, 15, 16, 63, 64, 65, 385}) {
            float[] c = new float[k];
            float[] h = new float[2 * k + 5];
            for (int i = 0; i < c.length; i++) c[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < h.length; i++) h[i] = (r.nextFloat() - 0.5f) * 30000;
            for (int off = 0; off < 5; off++) {
                float s = scalar.dot(c, h, off, k);
                float v = DotProduct.INSTANCE.dot(c, h, off, k);
                assertEquals(s, v, Math.abs(s) * 1e-4 + 1e-2, "k=" + k + " off=" + off);
            }
        }
    }
}
