package org.passerelle.sip.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The TLS listening point (RFC 3261 §26.2: SIP over TLS, 5061 by default).
 *
 * @param port        TCP port of the TLS transport
 * @param certificate PEM file with our certificate, then its chain (issuer after subject)
 * @param privateKey  PEM file with the certificate's private key (PKCS#8, PKCS#1 or SEC1; not
 *                    encrypted)
 * @param trusted     PEM file of the certificates (CAs, or a peer's own) we trust on TLS
 *                    connections we open (outbound trunks), instead of the JDK's CA set; null:
 *                    the JDK's
 */
public record SipTls(int port, Path certificate, Path privateKey, Path trusted) {
    public static final int DEFAULT_PORT = 5061;

    public SipTls {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("TLS port must be 1-65535, not " + port);
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** Trusting the JDK's CA set. */
    public SipTls(int port, Path certificate, Path privateKey) {
        this(port, certificate, privateKey, null);
    }

    /** The certificates of {@link #trusted()}, read and checked; empty when not set. */
    public List<X509Certificate> loadTrusted() throws TlsFileException {
        return trusted == null ? List.of() : TlsCredentials.readCertificates(trusted, "trustedCertificates");
    }

    /** Reads and checks both files. */
    public TlsCredentials load() throws TlsFileException {
        return TlsCredentials.load(certificate, privateKey);
    }
}
