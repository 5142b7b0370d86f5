package org.passerelle.transcoder.codec;

import org.jitsi.impl.neomedia.codec.audio.opus.Opus;

/**
 * Opus decoder (48 kHz mono) over libjitsi's JNI binding to libopus. Losses use Opus's own PLC
 * ({@link #conceal}) or, when the next packet is already there, its in-band FEC
 * ({@link #decodeFec}). Keeps a reusable byte[] for the PCM so decoding allocates nothing. Not
 * thread-safe; close it to free the native decoder.
 */
public final class OpusDecoder implements AudioDecoder {
    /** 120 ms, the longest an Opus packet can last (RFC 6716 §3.2.5). */
    private static final int MAX_FRAME = OpusPcm.RATE / 1000 * 120;

    private final byte[] pcmBytes = new byte[MAX_FRAME * 2];
    private long decoder;

    public OpusDecoder() {
        decoder = Opus.decoder_create(OpusPcm.RATE, 1);
        if (decoder == 0) throw new IllegalStateException("opus_decoder_create failed");
    }

    @Override
    public AudioCodec codec() {
        return AudioCodec.OPUS;
    }

    /**
     * Decodes one packet; returns the samples written, or a negative libopus error (e.g.
     * {@link Opus#INVALID_PACKET}) for a corrupt or empty payload, or when {@code pcm} is too short.
     */
    @Override
    public int decode(byte[] payload, int off, int len, short[] pcm, int pcmOff) {
        long dec = handle();
        if (len <= 0) return Opus.INVALID_PACKET; // an empty payload would silently run the PLC
        int room = Math.min(pcm.length - pcmOff, MAX_FRAME);
        int n = Opus.decode(dec, payload, off, len, pcmBytes, 0, room, 0);
        if (n > 0) OpusPcm.fromBytes(pcmBytes, n, pcm, pcmOff);
        return n;
    }

    /**
     * Opus packet loss concealment (decoding with no data, RFC 6716 §4.4). {@code samples} must
     * be a multiple of 2.5 ms (120 samples), e.g. 960 for a lost 20 ms packet.
     */
    @Override
    public int conceal(short[] pcm, int pcmOff, int samples) {
        return run(null, 0, 0, pcm, pcmOff, samples, 0);
    }

    /**
     * Recovers a lost packet from the in-band FEC (LBRR) carried in the packet that follows it
     * (RFC 6716 §2.1.7): call with that next packet before decoding it normally. Without FEC data
     * in it, libopus falls back to PLC. {@code samples} is the lost packet's duration.
     */
    public int decodeFec(byte[] nextPayload, int off, int len, short[] pcm, int pcmOff, int samples) {
        return run(nextPayload, off, len, pcm, pcmOff, samples, 1);
    }

    private int run(byte[] data, int off, int len, short[] pcm, int pcmOff, int samples, int fec) {
        long dec = handle();
        if (samples <= 0 || samples > MAX_FRAME || samples % OpusPcm.SAMPLES_PER_2_5_MS != 0) {
            throw new IllegalArgumentException("concealment of " + samples + " samples: use a multiple of 120");
        }
        int n = Opus.decode(dec, data, off, len, pcmBytes, 0, samples, fec);
        if (n > 0) OpusPcm.fromBytes(pcmBytes, n, pcm, pcmOff);
        return n;
    }

    private long handle() {
        if (decoder == 0) throw new IllegalStateException("Opus decoder closed");
        return decoder;
    }

    /** Frees the native decoder; idempotent. */
    @Override
    public void close() {
        if (decoder != 0) {
            Opus.decoder_destroy(decoder);
            decoder = 0;
        }
    }
}
