package org.passerelle.sip.sdp;

import java.util.Optional;

/**
 * The SDES crypto suites we take (RFC 4568 §6.2): AES counter mode with a 128-bit key and a
 * 112-bit salt, HMAC-SHA1 with an 80- or 32-bit tag on SRTP (SRTCP keeps 80 bits either way,
 * §6.2.2). Both are what desk phones, PBXs and trunks offer.
 */
public enum SrtpSuite {
    AES_CM_128_HMAC_SHA1_80(10),
    AES_CM_128_HMAC_SHA1_32(4);

    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 14;
    /** SRTCP's tag is 80 bits with both suites (RFC 4568 §6.2.2). */
    public static final int SRTCP_TAG_LENGTH = 10;

    private final int srtpTagLength;

    SrtpSuite(int srtpTagLength) {
        this.srtpTagLength = srtpTagLength;
    }

    /** Bytes of authentication tag each SRTP packet carries. */
    public int srtpTagLength() {
        return srtpTagLength;
    }

    /** The suite named in an a=crypto line (names are case-sensitive, RFC 4568 §9.1). */
    public static Optional<SrtpSuite> named(String name) {
        for (SrtpSuite s : values()) if (s.name().equals(name)) return Optional.of(s);
        return Optional.empty();
    }
}
