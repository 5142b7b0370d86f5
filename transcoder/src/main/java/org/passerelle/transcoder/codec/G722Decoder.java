package org.passerelle.transcoder.codec;

/**
 * ITU-T G.722 decoder, 64 kbit/s (mode 1): two 16 kHz samples per byte. Every byte is a valid
 * code, so decode never fails; losses are concealed by repeating the last frame with a fade to
 * silence over three frames. Not thread-safe; allocates nothing per frame.
 */
public final class G722Decoder implements AudioDecoder {
    private final G722Qmf qmf = new G722Qmf();
    private final G722Band low = new G722Band(32);
    private final G722Band high = new G722Band(8);
    private final FadeConcealer concealer = new FadeConcealer(AudioCodec.G722.samplesPerFrame(20));

    @Override
    public AudioCodec codec() {
        return AudioCodec.G722;
    }

    @Override
    public int decode(byte[] payload, int off, int len, short[] pcm, int pcmOff) {
        for (int j = 0; j < len; j++) {
            int code = payload[off + j] & 0xFF;
            int rl = decodeLow(code & 0x3F);
            int rh = decodeHigh(code >> 6);
            qmf.receive(rl, rh);
            pcm[pcmOff + 2 * j] = (short) qmf.out0;
            pcm[pcmOff + 2 * j + 1] = (short) qmf.out1;
        }
        concealer.remember(pcm, pcmOff, 2 * len);
        return 2 * len;
    }

    private int decodeLow(int il) {
        // Block 5L INVQBL with the 6-bit table (mode 1), RECONS, LIMIT (§6.2.1.3 of the decoder)
        int dl = (low.det * G722Tables.QM6[il]) >> 15;
        int rl = clamp14(low.s + dl);
        // Predictor and scale adapt on the 4-bit core only, as in the encoder
        int ril = il >> 2;
        int dlt = (low.det * G722Tables.QM4[ril]) >> 15;
        low.adaptScale(G722Tables.WL[G722Tables.RL42[ril]], G722Tables.NBL_MAX, 8);
        low.adaptPredictor(dlt);
        return rl;
    }

    private int decodeHigh(int ih) {
        int dh = (high.det * G722Tables.QM2[ih]) >> 15;
        int rh = clamp14(high.s + dh);
        high.adaptScale(G722Tables.WH[G722Tables.RH2[ih]], G722Tables.NBH_MAX, 10);
        high.adaptPredictor(dh);
        return rh;
    }

    /** LIMIT blocks: the reconstructed band signal is held to 15 bits (-16384..16383). */
    private static int clamp14(int x) {
        return x > 16383 ? 16383 : Math.max(x, -16384);
    }

    @Override
    public int conceal(short[] pcm, int pcmOff, int samples) {
        return concealer.conceal(pcm, pcmOff, samples);
    }

    @Override
    public void close() {}
}
