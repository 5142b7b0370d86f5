package org.passerelle.transcoder.codec;

import java.util.Locale;
import java.util.Optional;

/**
 * The audio codecs Passerelle speaks, as they appear in SDP (RFC 3551 static payload types, RFC
 * 7587 for Opus). {@code rank} orders preference: wideband first.
 */
public enum AudioCodec {
    /** Opus: SDP says opus/48000/2 whatever the channel count (RFC 7587 §7); we code mono. */
    OPUS("opus", -1, 48000, 48000, 2, 4),
    /** G.722 samples at 16 kHz but its RTP clock is 8000 (RFC 3551 §4.5.2). */
    G722("G722", 9, 16000, 8000, 1, 3),
    PCMU("PCMU", 0, 8000, 8000, 1, 2),
    PCMA("PCMA", 8, 8000, 8000, 1, 1);

    private final String sdpName;
    private final int staticPayloadType;
    private final int sampleRate;
    private final int rtpClockRate;
    private final int sdpChannels;
    private final int rank;

    AudioCodec(String sdpName, int staticPayloadType, int sampleRate, int rtpClockRate, int sdpChannels,
               int rank) {
        this.sdpName = sdpName;
        this.staticPayloadType = staticPayloadType;
        this.sampleRate = sampleRate;
        this.rtpClockRate = rtpClockRate;
        this.sdpChannels = sdpChannels;
        this.rank = rank;
    }

    /** Encoding name in a=rtpmap. */
    public String sdpName() { return sdpName; }
    /** Static payload type, or -1 for dynamic ones. */
    public int staticPayloadType() { return staticPayloadType; }
    /** Rate of the PCM the codec consumes and produces. */
    public int sampleRate() { return sampleRate; }
    /** Rate of the RTP timestamp clock, as written in a=rtpmap. */
    public int rtpClockRate() { return rtpClockRate; }
    public int sdpChannels() { return sdpChannels; }
    /** Higher is preferred. */
    public int rank() { return rank; }

    /** Samples of PCM in one frame of {@code ms} milliseconds. */
    public int samplesPerFrame(int ms) { return sampleRate / 1000 * ms; }
    /** RTP timestamp units in one frame of {@code ms} milliseconds. */
    public int rtpUnitsPerFrame(int ms) { return rtpClockRate / 1000 * ms; }

    /** Finds a codec by its rtpmap encoding name and clock rate (names are case-insensitive). */
    public static Optional<AudioCodec> fromRtpmap(String name, int clockRate) {
        for (AudioCodec c : values()) {
            if (c.sdpName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))
                    && c.rtpClockRate == clockRate) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Finds a codec by its static payload type, for offers that omit a=rtpmap. */
    public static Optional<AudioCodec> fromStaticPayloadType(int pt) {
        for (AudioCodec c : values()) {
            if (c.staticPayloadType == pt) return Optional.of(c);
        }
        return Optional.empty();
    }
}
