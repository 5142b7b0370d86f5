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
