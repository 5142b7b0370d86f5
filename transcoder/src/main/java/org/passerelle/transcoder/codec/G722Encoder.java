package org.passerelle.transcoder.codec;

import static org.passerelle.transcoder.codec.G722Band.saturate;

/**
 * ITU-T G.722 encoder, 64 kbit/s (mode 1): QMF split, 6-bit lower-band and 2-bit higher-band
 * ADPCM, one byte (IH in the two MSBs, IL in the six LSBs) per pair of 16 kHz samples
 * (RFC 3551 §4.5.2). Not thread-safe; allocates nothing per frame.
 */
public final class G722Encoder implements AudioEncoder {
    private final G722Qmf qmf = new G722Qmf();
    private final G722Band low = new G722Band(32);
    private final G722Band high = new G722Band(8);

    @Override
    public AudioCodec codec() {
        return AudioCodec.G722;
    }

    /** {@code samples} must be even: each output byte codes two 16 kHz samples. */
    @Override
    public int encode(short[] pcm, int pcmOff, int samples, byte[] out, int outOff) {
        if ((samples & 1) != 0) throw new IllegalArgumentException("odd sample count " + samples);
        int n = samples >> 1;
        for (int j = 0; j < n; j++) {
            qmf.transmit(pcm[pcmOff + 2 * j], pcm[pcmOff + 2 * j + 1]);
            int il = encodeLow(qmf.out0);
            int ih = encodeHigh(qmf.out1);
            out[outOff + j] = (byte) ((ih << 6) | il);
        }
        return n;
    }

    private int encodeLow(int xl) {
        // Block 1L SUBTRA, QUANTL (§6.2.1.1): 6-bit quantization of the prediction error
        int el = saturate(xl - low.s);
        int wd = el >= 0 ? el : -(el + 1);
        int i = 1;
        while (i < 30 && wd >= (G722Tables.Q6[i] * low.det) >> 12) i++;
        int il = el < 0 ? G722Tables.ILN[i] : G722Tables.ILP[i];
        // Block 2L INVQAL: only the 4 most significant bits feed back (embedded ADPCM, §3.3)
        int ril = il >> 2;
        int dlt = (low.det * G722Tables.QM4[ril]) >> 15;
        low.adaptScale(G722Tables.WL[G722Tables.RL42[ril]], G722Tables.NBL_MAX, 8);
        low.adaptPredictor(dlt);
        return il;
    }

    private int encodeHigh(int xh) {
        // Block 1H SUBTRA, QUANTH (§6.2.2.1): 2-bit quantization
        int eh = saturate(xh - high.s);
        int wd = eh >= 0 ? eh : -(eh + 1);
        int mih = wd >= (G722Tables.Q2 * high.det) >> 12 ? 2 : 1;
        int ih = eh < 0 ? G722Tables.IHN[mih] : G722Tables.IHP[mih];
        // Block 2H INVQAH, 3H LOGSCH/SCALEH, 4H
        int dh = (high.det * G722Tables.QM2[ih]) >> 15;
        high.adaptScale(G722Tables.WH[G722Tables.RH2[ih]], G722Tables.NBH_MAX, 10);
        high.adaptPredictor(dh);
        return ih;
    }

    @Override
    public void close() {}
}
