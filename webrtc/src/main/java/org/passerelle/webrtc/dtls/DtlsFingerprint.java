package org.passerelle.webrtc.dtls;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsFatalAlert;

/** Certificate fingerprints as SDP writes them (RFC 8122 §5): "sha-256 AB:CD:...". */
public final class DtlsFingerprint {
    private DtlsFingerprint() {}

    /** Colon-separated upper-case hex digest of {@code der}. */
    public static String of(String algorithm, byte[] der) {
        try {
            byte[] d = MessageDigest.getInstance(javaName(algorithm)).digest(der);
            StringBuilder b = new StringBuilder(d.length * 3);
            for (int i = 0; i < d.length; i++) {
                if (i > 0) b.append(':');
                b.append(Character.toUpperCase(Character.forDigit((d[i] >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(d[i] & 0xf, 16)));
            }
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unsupported fingerprint algorithm " + algorithm, e);
        }
    }

    /**
     * RFC 8122 §5 / RFC 5763 §5: the peer's end-entity certificate must match the fingerprint
     * from its SDP; anything else aborts the handshake with bad_certificate.
     */
    static void check(Certificate peer, String algorithm, String expected) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer sent no certificate");
        }
        String actual;
        try {
            actual = of(algorithm, peer.getCertificateAt(0).getEncoded());
        } catch (IllegalArgumentException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e.getMessage());
        }
        if (!actual.equalsIgnoreCase(expected)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "certificate fingerprint " + actual + " does not match the SDP's " + expected);
        }
    }

    private static String javaName(String sdpName) {
        return switch (sdpName.toLowerCase(Locale.ROOT)) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint algorithm " + sdpName);
        };
    }
}
