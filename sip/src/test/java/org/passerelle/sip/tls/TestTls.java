package org.passerelle.sip.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** A certificate made at run time, written as PEM under a test's temp dir, and a client that trusts it. */
public record TestTls(TlsCredentials credentials, Path certificate, Path privateKey) {

    public static TestTls in(Path dir) throws IOException {
        TlsCredentials c = SelfSignedCertificate.generate("passerelle-test", List.of("localhost", "127.0.0.1"),
                Duration.ofDays(1));
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        SelfSignedCertificate.writePem(c, cert, key);
        return new TestTls(c, cert, key);
    }

    public SipTls config(int port) {
        return new SipTls(port, certificate, privateKey);
    }

    /** A client trusting only our certificate, speaking the given protocol versions. */
    public SSLSocketFactory client(String... protocols) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", credentials.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocketFactory f = ctx.getSocketFactory();
        if (protocols.length == 0) return f;
        return new ProtocolSocketFactory(f, protocols);
    }
}
