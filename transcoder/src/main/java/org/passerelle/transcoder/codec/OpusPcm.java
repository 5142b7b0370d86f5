package org.passerelle.transcoder.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Copies between short[] PCM and the byte[] the libjitsi Opus natives read as opus_int16. */
final class OpusPcm {
    /** The natives cast the byte[] to opus_int16*, so the bytes are in native order. */
    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

    /** 48 kHz, as SDP always says for Opus (RFC 7587 §4.1). */
    static final int RATE = 48000;

    private OpusPcm() {}

    /** The PCM rates libopus encodes from and decodes to (RFC 6716 §2). */
    static int checkRate(int rate) {
        return switch (rate) {
            case 8000, 12000, 16000, 24000, 48000 -> rate;
            default -> throw new IllegalArgumentException("Opus PCM at " + rate + " Hz: use 8000, 12000, 16000, 24000 or 48000");
        };
    }

    static void toBytes(short[] pcm, int off, int samples, byte[] bytes) {
        for (int i = 0; i < samples; i++) SHORTS.set(bytes, i << 1, pcm[off + i]);
    }

    static void fromBytes(byte[] bytes, int samples, short[] pcm, int off) {
        for (int i = 0; i < samples; i++) pcm[off + i] = (short) SHORTS.get(bytes, i << 1);
    }
}
