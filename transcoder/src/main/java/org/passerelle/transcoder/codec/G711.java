package org.passerelle.transcoder.codec;

/**
 * ITU-T G.711 companding of one 16-bit linear sample to an 8-bit µ-law or A-law code and back.
 *
 * <p>The tables are built once from the G.711 segment rules, written as in the ITU-T G.191
 * reference (STL) so that negative inputs use the one's complement, as G.711 Tables 1a/2a place
 * the decision levels symmetrically around -1/2. Lookups allocate nothing.
 */
public final class G711 {
    /** µ-law depends only on the 14 most significant bits (G.711 Table 2a works on 14-bit input). */
    private static final byte[] LINEAR_TO_ULAW = new byte[1 << 14];
    /** A-law depends only on the 12 most significant bits of the magnitude (13-bit input, Table 1a). */
    private static final byte[] LINEAR_TO_ALAW = new byte[1 << 12];
    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];

    static {
        for (int i = 0; i < LINEAR_TO_ULAW.length; i++) {
            // index i holds x >> 2 for x in [-32768, 32767], as an unsigned 14-bit value
            int x = (short) (i << 2);
            LINEAR_TO_ULAW[i] = (byte) computeUlaw(x);
        }
        for (int i = 0; i < LINEAR_TO_ALAW.length; i++) {
            int x = (short) (i << 4);
            LINEAR_TO_ALAW[i] = (byte) computeAlaw(x);
        }
        for (int code = 0; code < 256; code++) {
            ULAW_TO_LINEAR[code] = (short) computeUlawDecode(code);
            ALAW_TO_LINEAR[code] = (short) computeAlawDecode(code);
        }
    }

    private G711() {}

    /** µ-law code (as transmitted, bits inverted per G.711 §3) of a 16-bit linear sample. */
    public static byte linearToUlaw(short sample) {
        return LINEAR_TO_ULAW[(sample >> 2) & 0x3FFF];
    }

    /** A-law code (as transmitted, even bits inverted per G.711 §2) of a 16-bit linear sample. */
    public static byte linearToAlaw(short sample) {
        return LINEAR_TO_ALAW[(sample >> 4) & 0x0FFF];
    }

    /** 16-bit linear value of a µ-law code. */
    public static short ulawToLinear(byte code) {
        return ULAW_TO_LINEAR[code & 0xFF];
    }

    /** 16-bit linear value of an A-law code. */
    public static short alawToLinear(byte code) {
        return ALAW_TO_LINEAR[code & 0xFF];
    }

    // --- table construction, G.711 segment rules ---

    private static int computeUlaw(int x) {
        // Magnitude on 13 bits plus the bias of 33 (G.711 Table 2a: segment ends at 2^(s+5) - 33).
        int abs = (x < 0 ? (~x) >> 2 : x >> 2) + 33;
        if (abs > 0x1FFF) abs = 0x1FFF;
        int segment = 1;
        for (int i = abs >> 6; i != 0; i >>= 1) segment++;
        int high = 8 - segment;
        int low = 0xF - ((abs >> segment) & 0xF);
        int code = (high << 4) | low;
        return x >= 0 ? code | 0x80 : code;
    }

    private static int computeUlawDecode(int code) {
        int inverted = ~code & 0xFF;
        int exponent = (inverted >> 4) & 0x7;
        int mantissa = inverted & 0xF;
        int step = 4 << (exponent + 1);
        // Reconstruction at the middle of the interval (Table 2a, column "decoder output").
        int magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33;
        return code < 0x80 ? -magnitude : magnitude;
    }

    private static int computeAlaw(int x) {
        int ix = x < 0 ? (~x) >> 4 : x >> 4; // 12-bit magnitude
        if (ix > 15) {
            int exponent = 1;
            while (ix > 16 + 15) {
                ix >>= 1;
                exponent++;
            }
            ix -= 16;
            ix += exponent << 4;
        }
        if (x >= 0) ix |= 0x80;
        return ix ^ 0x55; // G.711 §2: even bits inverted on the line
    }

    private static int computeAlawDecode(int code) {
        int ix = (code ^ 0x55) & 0x7F;
        int exponent = ix >> 4;
        int mantissa = ix & 0xF;
        if (exponent > 0) mantissa += 16;
        mantissa = (mantissa << 4) + 8; // middle of the interval
        if (exponent > 1) mantissa <<= exponent - 1;
        return code > 127 ? mantissa : -mantissa;
    }
}
