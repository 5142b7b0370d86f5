package org.passerelle.transcoder.codec;

/** Creates encoders and decoders by codec, with default settings (Opus: {@link OpusEncoder.Settings#VOICE}). */
public final class AudioCodecs {
    private AudioCodecs() {}

    public static AudioEncoder encoder(AudioCodec c) {
        return switch (c) {
            case PCMU, PCMA -> new G711Encoder(c);
            case G722 -> new G722Encoder();
            case OPUS -> new OpusEncoder();
        };
    }

    public static AudioDecoder decoder(AudioCodec c) {
        return switch (c) {
            case PCMU, PCMA -> new G711Decoder(c);
            case G722 -> new G722Decoder();
            case OPUS -> new OpusDecoder();
        };
    }
}
