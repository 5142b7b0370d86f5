package org.passerelle.transcoder.codec;

/** Encodes 16-bit mono PCM at {@link AudioCodec#sampleRate()} into RTP payloads. */
public interface AudioEncoder extends AutoCloseable {
    AudioCodec codec();

    /**
     * Encodes {@code samples} samples (one frame) into {@code out} at {@code outOff}; returns the
     * payload length in bytes.
     */
    int encode(short[] pcm, int pcmOff, int samples, byte[] out, int outOff);

    @Override
    void close();
}
