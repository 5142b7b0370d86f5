package org.passerelle.transcoder.codec;

import org.jitsi.impl.neomedia.codec.audio.opus.Opus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opus encoder (mono, application VoIP; PCM at 48 kHz unless told otherwise) over libjitsi's JNI
 * binding to libopus. It takes 8, 12, 16, 24 or 48 kHz input (RFC 6716 §2): a G.711 caller's
 * 8 kHz PCM is coded as it is, with no resampler before it. Keeps a
 * reusable byte[] for the PCM so encoding allocates nothing. Not thread-safe; close it to free
 * the native encoder.
 */
public final class OpusEncoder implements AudioEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(OpusEncoder.class);
    /** 60 ms at 48 kHz, the longest frame we accept. */
    private static final int MAX_FRAME = OpusPcm.RATE / 1000 * 60;
    /** Upper bound for one packet of up to 60 ms (RFC 6716 §3.2.5: 3 frames of at most 1275 bytes). */
    private static final int MAX_PACKET = 3 * 1275 + 7;

    /**
     * The widest audio band the encoder may code (RFC 6716 §2: NB 4 kHz, WB 8, SWB 12, FB 20).
     * Capping it to what the source carries spends no bits and no CPU on empty bands.
     */
    public enum Bandwidth {
        NARROWBAND(Opus.BANDWIDTH_NARROWBAND),
        WIDEBAND(Opus.BANDWIDTH_WIDEBAND),
        SUPERWIDEBAND(Opus.BANDWIDTH_SUPERWIDEBAND),
        FULLBAND(Opus.BANDWIDTH_FULLBAND);

        final int opusValue;

        Bandwidth(int opusValue) {
            this.opusValue = opusValue;
        }

        /** The band a source sampled at {@code sampleRate} can carry (Nyquist: half the rate). */
        public static Bandwidth forSampleRate(int sampleRate) {
            if (sampleRate <= 8000) return NARROWBAND;
            if (sampleRate <= 16000) return WIDEBAND;
            if (sampleRate <= 24000) return SUPERWIDEBAND;
            return FULLBAND;
        }
    }

    /**
     * Encoder settings. {@code expectedLossPercent} must be above zero for in-band FEC to carry
     * anything: libopus only spends bits on LBRR when it expects losses (RFC 6716 §2.1.7).
     */
    public record Settings(int bitrate, int complexity, int frameMs, boolean inbandFec, int expectedLossPercent,
                           Bandwidth maxBandwidth) {
        /** Full-band voice: 32 kbit/s VBR, 20 ms, FEC for 10 % loss, complexity 5. */
        public static final Settings VOICE = new Settings(32000, 5, 20, true, 10, Bandwidth.FULLBAND);
        /** Narrowband SILK carries telephone speech well from about 12 kbit/s; 20 leaves room for FEC. */
        static final int NARROWBAND_BITRATE = 20000;

        public Settings {
            if (bitrate < 6000 || bitrate > 510000) throw new IllegalArgumentException("bitrate " + bitrate);
            if (complexity < 0 || complexity > 10) throw new IllegalArgumentException("complexity " + complexity);
            if (frameMs != 10 && frameMs != 20 && frameMs != 40 && frameMs != 60) {
                throw new IllegalArgumentException("frame of " + frameMs + " ms: use 10, 20, 40 or 60");
            }
            if (expectedLossPercent < 0 || expectedLossPercent > 100) {
                throw new IllegalArgumentException("expectedLossPercent " + expectedLossPercent);
            }
            if (maxBandwidth == null) throw new IllegalArgumentException("maxBandwidth");
        }

        /**
         * Voice from a source in that codec: G.711 has nothing above 4 kHz and G.722 nothing
         * above 8 kHz, so the encoder is capped there. For a G.711 caller this halves the
         * encoder's CPU (SILK alone instead of the SILK+CELT hybrid) and saves a third of the bitrate.
         */
        public static Settings voiceFrom(AudioCodec source) {
            Bandwidth band = Bandwidth.forSampleRate(source.sampleRate());
            Settings s = VOICE.withMaxBandwidth(band);
            return band == Bandwidth.NARROWBAND ? s.withBitrate(NARROWBAND_BITRATE) : s;
        }

        public Settings withComplexity(int c) {
            return new Settings(bitrate, c, frameMs, inbandFec, expectedLossPercent, maxBandwidth);
        }

        public Settings withFrameMs(int ms) {
            return new Settings(bitrate, complexity, ms, inbandFec, expectedLossPercent, maxBandwidth);
        }

        public Settings withBitrate(int bps) {
            return new Settings(bps, complexity, frameMs, inbandFec, expectedLossPercent, maxBandwidth);
        }

        public Settings withMaxBandwidth(Bandwidth band) {
            return new Settings(bitrate, complexity, frameMs, inbandFec, expectedLossPercent, band);
        }
    }

    private final Settings settings;
    private final int sampleRate;
    private final byte[] pcmBytes = new byte[MAX_FRAME * 2];
    private long encoder;

    public OpusEncoder() {
        this(Settings.VOICE);
    }

    /** An encoder of 48 kHz PCM. */
    public OpusEncoder(Settings settings) {
        this(settings, OpusPcm.RATE);
    }

    /**
     * An encoder of PCM at {@code sampleRate} (8000, 12000, 16000, 24000 or 48000). The RTP
     * clock stays 48 kHz whatever the input rate (RFC 7587 §4.1): a 20 ms packet lasts 960 units.
     */
    public OpusEncoder(Settings settings, int sampleRate) {
        this.settings = settings;
        this.sampleRate = OpusPcm.checkRate(sampleRate);
        encoder = Opus.encoder_create(sampleRate, 1);
        if (encoder == 0) throw new IllegalStateException("opus_encoder_create failed");
        try {
            check(Opus.encoder_set_bitrate(encoder, settings.bitrate()), "bitrate");
            check(Opus.encoder_set_vbr(encoder, 1), "vbr");
            check(Opus.encoder_set_complexity(encoder, settings.complexity()), "complexity");
            check(Opus.encoder_set_inband_fec(encoder, settings.inbandFec() ? 1 : 0), "inband_fec");
            check(Opus.encoder_set_packet_loss_perc(encoder, settings.expectedLossPercent()), "packet_loss_perc");
            check(Opus.encoder_set_force_channels(encoder, 1), "force_channels");
            check(Opus.encoder_set_max_bandwidth(encoder, settings.maxBandwidth().opusValue), "max_bandwidth");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.debug("Opus encoder created: {} from {} Hz PCM", settings, sampleRate);
    }

    private static void check(int rc, String what) {
        if (rc != Opus.OPUS_OK) throw new IllegalStateException("opus_encoder_ctl " + what + " failed: " + rc);
    }

    public Settings settings() {
        return settings;
    }

    /** The rate of the PCM this encoder takes. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Samples in one frame at the configured frame duration and the input rate. */
    public int frameSamples() {
        return sampleRate / 1000 * settings.frameMs();
    }

    /** Adapts the bitrate mid-stream (e.g. to REMB/TMMBR); no allocation. */
    public void setBitrate(int bps) {
        check(Opus.encoder_set_bitrate(handle(), bps), "bitrate");
    }

    /** Adapts the loss the FEC is sized for (e.g. from RTCP receiver reports). */
    public void setExpectedLossPercent(int percent) {
        check(Opus.encoder_set_packet_loss_perc(handle(), percent), "packet_loss_perc");
    }

    /**
     * Encodes one frame of 10, 20, 40 or 60 ms at the input rate (480, 960, 1920 or 2880 samples
     * at 48 kHz; 80, 160, 320 or 480 at 8 kHz); returns the payload length.
     */
    @Override
    public int encode(short[] pcm, int pcmOff, int samples, byte[] out, int outOff) {
        long enc = handle();
        int per10ms = sampleRate / 100;
        switch (samples % per10ms == 0 ? samples / per10ms : 0) {
            case 1, 2, 4, 6 -> { }
            default -> throw new IllegalArgumentException("Opus frame of " + samples + " samples at " + sampleRate + " Hz");
        }
        OpusPcm.toBytes(pcm, pcmOff, samples, pcmBytes);
        int room = Math.min(out.length - outOff, MAX_PACKET);
        int n = Opus.encode(enc, pcmBytes, 0, samples, out, outOff, room);
        if (n < 0) throw new IllegalStateException("opus_encode failed: " + n);
        return n;
    }

    private long handle() {
        if (encoder == 0) throw new IllegalStateException("Opus encoder closed");
        return encoder;
    }

    /** Frees the native encoder; idempotent. */
    @Override
    public void close() {
        if (encoder != 0) {
            Opus.encoder_destroy(encoder);
            encoder = 0;
        }
    }

    @Override
    public AudioCodec codec() {
        return AudioCodec.OPUS;
    }
}
