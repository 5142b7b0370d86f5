package org.passerelle.transcoder.codec;

/**
 * The 24-tap quadrature mirror filter of G.722 §3.1/§4.4: splits two 16 kHz input samples into one
 * lower- and one higher-band sample (transmit) or recombines them (receive). Samples are 16-bit;
 * the shifts follow the usual 16-bit-PCM convention of the reference implementations (the ITU
 * text works on 14-bit PCM), so a decoded stream keeps the input's level.
 */
final class G722Qmf {
    private final int[] x = new int[24];
    /** Outputs of the last {@link #transmit} / {@link #receive} call. */
    int out0;
    int out1;

    /** Transmit QMF: feeds two input samples, sets out0 = xL (low band) and out1 = xH (high band). */
    void transmit(int first, int second) {
        push(first, second);
        int sumOdd = 0;
        int sumEven = 0;
        for (int i = 0; i < 12; i++) {
            sumOdd += x[2 * i] * G722Tables.QMF[i];
            sumEven += x[2 * i + 1] * G722Tables.QMF[11 - i];
        }
        out0 = (sumEven + sumOdd) >> 14;
        out1 = (sumEven - sumOdd) >> 14;
    }

    /** Receive QMF: feeds the reconstructed rL, rH; sets out0 and out1 to two 16 kHz samples. */
    void receive(int rl, int rh) {
        push(rl + rh, rl - rh);
        int xout1 = 0;
        int xout2 = 0;
        for (int i = 0; i < 12; i++) {
            xout2 += x[2 * i] * G722Tables.QMF[i];
            xout1 += x[2 * i + 1] * G722Tables.QMF[11 - i];
        }
        out0 = G722Band.saturate(xout1 >> 11);
        out1 = G722Band.saturate(xout2 >> 11);
    }

    private void push(int first, int second) {
        System.arraycopy(x, 2, x, 0, 22);
        x[22] = first;
        x[23] = second;
    }
}
