package org.passerelle.transcoder.codec;

/** Decodes RTP payloads of one stream into 16-bit mono PCM at {@link AudioCodec#sampleRate()}. */
public interface AudioDecoder extends AutoCloseable {
    AudioCodec codec();

    /**
     * Decodes one payload; returns the number of samples written at {@code pcmOff}, or a negative
     * number when the payload is corrupt (the caller then conceals).
     */
    int decode(byte[] payload, int off, int len, short[] pcm, int pcmOff);

    /**
     * Fills {@code samples} samples standing in for a lost frame (the codec's own PLC, or a fade
     * of the last output); returns the number written.
     */
    int conceal(short[] pcm, int pcmOff, int samples);

    @Override
    void close();
}
