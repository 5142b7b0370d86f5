package org.passerelle.transcoder.srtp;

import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;

/**
 * Which AES jitsi-srtp uses, chosen once per process for every SRTP session (WebRTC's DTLS-SRTP
 * and the phones' SDES-SRTP alike). Left to choose, jitsi-srtp benchmarks every AES provider
 * (thousands of warm-up runs each) the first time each cipher mode is used, under a lock on its
 * Aes class: ~0.7 s added to the first call of the process (all others waiting meanwhile), and a
 * noisy pick. A named provider is taken without a benchmark. OpenSSL (jitsi-srtp's bundled
 * binding) allocates ~100 B per packet where the JDK's GCM allocates ~1.2 KB; the JDK's serves
 * when the binding cannot load (no libcrypto 3).
 */
public final class SrtpAes {
    private static final String PROVIDER = choose();

    private SrtpAes() {}

    /** Makes the choice (once) and says it: "OpenSSL" or "SunJCE". Call before making any SRTP context. */
    public static String provider() {
        return PROVIDER;
    }

    private static String choose() {
        boolean openSsl;
        try {
            openSsl = JitsiOpenSslProvider.isLoaded();
        } catch (LinkageError e) {
            openSsl = false; // JNA or the binding missing
        }
        Aes.setFactoryClassName(openSsl ? Aes.OpenSSLCipherFactory.class.getName()
                : Aes.SunJCECipherFactory.class.getName());
        return openSsl ? "OpenSSL" : "SunJCE";
    }
}
