package org.passerelle.transcoder.codec;

import org.jitsi.impl.neomedia.codec.audio.opus.Opus;

/**
 * Opus decoder (mono, 48 kHz unless told otherwise) over libjitsi's JNI binding to libopus. It
 * can decode straight to 8, 12, 16, 24 or 48 kHz (RFC 6716 §4.1: any packet decodes at any of
 * these rates, the decoder band-limits or resamples internally), so a room mixing at 8 kHz needs
 * no resampler after it. Losses use Opus's own PLC
 * ({@link #conceal}) or, when the next packet is already there, its in-band FEC
 * ({@link #decodeFec}). Keeps a reusable byte[] for the PCM so decoding allocates nothing. Not
 * thread-safe; close it to free the native decoder.
 */
public final class OpusDecoder implements AudioDecoder {
    private final int sampleRate;
    /** 120 ms at the output rate, the longest an Opus packet can last (RFC 6716 §3.2.5). */
    private final int maxFrame;
    private final byte[] pcmBytes;
    private long decoder;

    /** A decoder giving 48 kHz PCM. */
    public OpusDecoder() {
        this(OpusPcm.RATE);
    }

    /** A decoder giving PCM at {@code sampleRate}: 8000, 12000, 16000, 24000 or 48000. */
    public OpusDecoder(int sampleRate) {
        this.sampleRate = OpusPcm.checkRate(sampleRate);
        this.maxFrame = sampleRate / 1000 * 120;
        this.pcmBytes = new byte[maxFrame * 2];
        decoder = Opus.decoder_create(sampleRate, 1);
        if (decoder == 0) throw new IllegalStateException("opus_decoder_create failed");
    }

    /** The rate of the PCM this decoder writes. */
    public int sampleRate() {
        return sampleRate;
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
        int room = Math.min(pcm.length - pcmOff, maxFrame);
        int n = Opus.decode(dec, payload, off, len, pcmBytes, 0, room, 0);
        if (n > 0) OpusPcm.fromBytes(pcmBytes, n, pcm, pcmOff);
        return n;
    }

    /**
     * Opus packet loss concealment (decoding with no data, RFC 6716 §4.4). {@code samples} must
     * be a multiple of 2.5 ms at the output rate (120 samples at 48 kHz, 20 at 8 kHz), e.g. 960
     * for a lost 20 ms packet at 48 kHz.
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
        int step = sampleRate / 400;
        if (samples <= 0 || samples > maxFrame || samples % step != 0) {
            throw new IllegalArgumentException("concealment of " + samples + " samples: use a multiple of " + step);
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
