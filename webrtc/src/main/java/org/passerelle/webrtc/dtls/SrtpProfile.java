package org.passerelle.webrtc.dtls;

import org.bouncycastle.tls.SRTPProtectionProfile;
import org.jitsi.srtp.SrtpPolicy;

/** The DTLS-SRTP protection profiles we negotiate (RFC 5764 §4.1.2, RFC 7714 §14.2). */
public enum SrtpProfile {
    AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, 16, 12),
    AES128_CM_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 16, 14);

    /** Our preference when we are the client; as server we follow the client's order. */
    static final int[] OFFERED = {AEAD_AES_128_GCM.id, AES128_CM_HMAC_SHA1_80.id};

    final int id;
    final int keyLength;
    final int saltLength;

    SrtpProfile(int id, int keyLength, int saltLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
    }

    /** Master key length in bytes. */
    public int keyLength() { return keyLength; }

    /** Master salt length in bytes. */
    public int saltLength() { return saltLength; }

    static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) if (p.id == id) return p;
        return null;
    }

    /** Bytes of keying material to export: two keys and two salts (RFC 5764 §4.2). */
    int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The jitsi-srtp policy for both SRTP and SRTCP. */
    public SrtpPolicy policy() {
        return switch (this) {
            // RFC 7714 §12: 16-byte GCM tag, no separate authentication
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, keyLength,
                    SrtpPolicy.NULL_AUTHENTICATION, 0, 16, saltLength);
            // RFC 3711 §5: HMAC-SHA1 with a 160-bit key, tag truncated to 80 bits
            case AES128_CM_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, keyLength,
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, saltLength);
        };
    }
}
