package org.passerelle.transcoder.codec;

/**
 * G.711 decoder for PCMU or PCMA. Every payload is valid (one sample per byte); losses are
 * concealed by repeating the last frame with a fade to silence over three frames.
 */
public final class G711Decoder implements AudioDecoder {
    private final AudioCodec codec;
    private final boolean ulaw;
    private final FadeConcealer concealer = new FadeConcealer(AudioCodec.PCMU.samplesPerFrame(20));

    public G711Decoder(AudioCodec codec) {
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
    public int decode(byte[] payload, int off, int len, short[] pcm, int pcmOff) {
        if (ulaw) {
            for (int i = 0; i < len; i++) pcm[pcmOff + i] = G711.ulawToLinear(payload[off + i]);
        } else {
            for (int i = 0; i < len; i++) pcm[pcmOff + i] = G711.alawToLinear(payload[off + i]);
        }
        concealer.remember(pcm, pcmOff, len);
        return len;
    }

    @Override
    public int conceal(short[] pcm, int pcmOff, int samples) {
        return concealer.conceal(pcm, pcmOff, samples);
    }

    @Override
    public void close() {}
}
