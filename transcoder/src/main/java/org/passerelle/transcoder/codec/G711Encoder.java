package org.passerelle.transcoder.codec;

/** G.711 encoder for PCMU (µ-law) or PCMA (A-law): one byte per 8 kHz sample (RFC 3551 §4.5.14). */
public final class G711Encoder implements AudioEncoder {
    private final AudioCodec codec;
    private final boolean ulaw;

    public G711Encoder(AudioCodec codec) {
        if (codec != AudioCodec.PCMU && codec != AudioCodec.PCMA) {
            throw new IllegalArgumentException("not a G.711 codec: " + codec);
        }
        this.codec = codec;
        this.ulaw = codec == AudioCodec.PCMU;
    }

    @Override
    public AudioCodec codec() {
        return codec;
    }

    @Override
    public int encode(short[] pcm, int pcmOff, int samples, byte[] out, int outOff) {
        if (ulaw) {
            for (int i = 0; i < samples; i++) out[outOff + i] = G711.linearToUlaw(pcm[pcmOff + i]);
        } else {
            for (int i = 0; i < samples; i++) out[outOff + i] = G711.linearToAlaw(pcm[pcmOff + i]);
        }
        return samples;
    }

    @Override
    public void close() {}
}
