package org.passerelle.transcoder.codec;

/**
 * State of one G.722 sub-band ADPCM coder (lower or higher band), shared by encoder and decoder
 * so both adapt identically. Names follow ITU-T G.722 (11/88) §6.2 (SL, SZL, DETL, NBL, AL, BL,
 * DLT, PLT, RLT for the lower band; the H equivalents for the higher band). Arithmetic is 16-bit
 * with saturation, as the standard specifies.
 */
final class G722Band {
    /** Log-to-linear scale table ILB (G.722 §6.2.1.4, Table 15 of the ITU text). */
    private static final int[] ILB = {
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774,
        2834, 2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838,
        3922, 4008};

    int s;   // predictor output SL / SH
    int sz;  // zero section output SZL / SZH
    int det; // quantizer scale factor DETL / DETH
    int nb;  // log scale factor NBL / NBH

    private int sp;
    private final int[] a = new int[3];  // pole coefficients A1, A2 (index 0 unused)
    private final int[] ap = new int[3];
    private final int[] b = new int[7];  // zero coefficients B1..B6 (index 0 unused)
    private final int[] bp = new int[7];
    private final int[] d = new int[7];  // quantized differences DLT0..DLT6
    private final int[] p = new int[3];  // partial reconstructions PLT0..PLT2
    private final int[] r = new int[3];  // reconstructed signals RLT0..RLT2
    private final int[] sg = new int[7];

    G722Band(int initialDet) {
        det = initialDet; // §6.2.1.4 reset: DETL = 32, DETH = 8
    }

    static int saturate(int x) {
        return x > 32767 ? 32767 : Math.max(x, -32768);
    }

    /**
     * LOGSCL/LOGSCH then SCALEL/SCALEH (blocks 3L/3H): leak the log scale factor, add the
     * multiplier {@code w}, clamp to {@code nbMax}, convert back to a linear DET.
     */
    void adaptScale(int w, int nbMax, int shiftBase) {
        int wd = (nb * 127) >> 7; // leakage factor 127/128
        nb = wd + w;
        if (nb < 0) nb = 0;
        else if (nb > nbMax) nb = nbMax;
        int wd1 = (nb >> 6) & 31;
        int wd2 = shiftBase - (nb >> 11);
        int wd3 = wd2 < 0 ? ILB[wd1] << -wd2 : ILB[wd1] >> wd2;
        det = wd3 << 2;
    }

    /**
     * Block 4 (§6.2.1.5 to §6.2.1.10): reconstruct, adapt the two-pole/six-zero predictor with the
     * quantized difference {@code dx}, and compute the next prediction {@link #s}.
     */
    void adaptPredictor(int dx) {
        // RECONS and PARREC
        d[0] = dx;
        r[0] = saturate(s + dx);
        p[0] = saturate(sz + dx);

        // UPPOL2: second pole coefficient, gradient sign algorithm with leakage 127/128
        for (int i = 0; i < 3; i++) sg[i] = p[i] >> 15;
        int wd1 = saturate(a[1] << 2);
        int wd2 = sg[0] == sg[1] ? -wd1 : wd1;
        if (wd2 > 32767) wd2 = 32767;
        int wd3 = (sg[0] == sg[2] ? 128 : -128) + (wd2 >> 7) + ((a[2] * 32512) >> 15);
        if (wd3 > 12288) wd3 = 12288;
        else if (wd3 < -12288) wd3 = -12288;
        ap[2] = wd3;

        // UPPOL1: first pole coefficient, limited for stability to 1 - 2^-4 - A2
        wd1 = sg[0] == sg[1] ? 192 : -192;
        wd2 = (a[1] * 32640) >> 15;
        ap[1] = saturate(wd1 + wd2);
        wd3 = saturate(15360 - ap[2]);
        if (ap[1] > wd3) ap[1] = wd3;
        else if (ap[1] < -wd3) ap[1] = -wd3;

        // UPZERO: six zero coefficients, leakage 255/256
        wd1 = dx == 0 ? 0 : 128;
        sg[0] = dx >> 15;
        for (int i = 1; i < 7; i++) {
            sg[i] = d[i] >> 15;
            wd2 = sg[i] == sg[0] ? wd1 : -wd1;
            wd3 = (b[i] * 32640) >> 15;
            bp[i] = saturate(wd2 + wd3);
        }

        // DELAYA: shift the delay lines and take the new coefficients
        for (int i = 6; i > 0; i--) {
            d[i] = d[i - 1];
            b[i] = bp[i];
        }
        for (int i = 2; i > 0; i--) {
            r[i] = r[i - 1];
            p[i] = p[i - 1];
            a[i] = ap[i];
        }

        // FILTEP: pole section
        wd1 = saturate(r[1] + r[1]);
        wd1 = (a[1] * wd1) >> 15;
        wd2 = saturate(r[2] + r[2]);
        wd2 = (a[2] * wd2) >> 15;
        sp = saturate(wd1 + wd2);

        // FILTEZ: zero section
        int acc = 0;
        for (int i = 6; i > 0; i--) {
            wd1 = saturate(d[i] + d[i]);
            acc = saturate(acc + ((b[i] * wd1) >> 15));
        }
        sz = acc;

        // PREDIC
        s = saturate(sp + sz);
    }
}
