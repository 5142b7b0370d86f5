package org.passerelle.transcoder.codec;

/** Quantizer tables of ITU-T G.722 (11/88) §6.2, 64 kbit/s mode (mode 1). */
final class G722Tables {
    private G722Tables() {}

    /** QMF coefficients h0..h11 scaled by 2^13 (§4.2, Table 11); h(23-i) = h(i). */
    static final int[] QMF = {3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11};

    /** Lower-band quantizer decision levels Q6 (Table 14), scaled. */
    static final int[] Q6 = {
        0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940,
        1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0, 0};
    /** 6-bit code for a negative difference in interval i (Table 14, ILN). */
    static final int[] ILN = {
        0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12,
        11, 10, 9, 8, 7, 6, 5, 4, 0};
    /** 6-bit code for a positive difference in interval i (Table 14, ILP). */
    static final int[] ILP = {
        0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40,
        39, 38, 37, 36, 35, 34, 33, 32, 0};
    /** 4-bit inverse quantizer output QM4 used for predictor adaptation (Table 16). */
    static final int[] QM4 = {
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584,
        1200, 0};
    /** 6-bit inverse quantizer output QM6 for the decoder output in mode 1 (Table 17). */
    static final int[] QM6 = {
        -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192,
        -10232, -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168,
        -2776, -2400, -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512,
        12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168,
        2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136};
    /** 4-bit code to log scale multiplier index (Table 15, RIL to IL4). */
    static final int[] RL42 = {0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0};
    /** Lower-band log scale factor multipliers WL (Table 15). */
    static final int[] WL = {-60, -30, 58, 172, 334, 538, 1198, 3042};

    /** Higher-band 2-bit inverse quantizer QM2 (Table 18). */
    static final int[] QM2 = {-7408, -1616, 7408, 1616};
    /** Higher-band codes for negative / positive difference, by interval (Table 18). */
    static final int[] IHN = {0, 1, 0};
    static final int[] IHP = {0, 3, 2};
    /** Higher-band log scale factor multipliers WH, indexed through RH2 (Table 19). */
    static final int[] WH = {0, -214, 798};
    static final int[] RH2 = {2, 1, 2, 1};

    /** Higher-band quantizer decision level Q2 (§6.2.2.1), scaled like Q6. */
    static final int Q2 = 564;

    static final int NBL_MAX = 18432;
    static final int NBH_MAX = 22528;
}
