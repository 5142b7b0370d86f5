package org.passerelle.sip.tls;

import static org.junit.jupiter.api.Assertions.*;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** The identity and trust a stack gets: sip.tls.trustedCertificates, else the JDK's CA set. */
class TlsSecurityManagerProviderTest {
    private static final TlsCredentials OURS = SelfSignedCertificate.generate("gateway", List.of("127.0.0.1"),
            Duration.ofDays(1));
    private static final TlsCredentials TRUNK = SelfSignedCertificate.generate("trunk", List.of("127.0.0.1"),
            Duration.ofDays(1));
    private static final TlsCredentials STRANGER = SelfSignedCertificate.generate("stranger", List.of("127.0.0.1"),
            Duration.ofDays(1));

    private static X509TrustManager trustOf(String stack, List<X509Certificate> trusted) throws GeneralSecurityException {
        TlsSecurityManagerProvider.offer(stack, OURS, trusted);
        TlsSecurityManagerProvider p = new TlsSecurityManagerProvider();
        Properties props = new Properties();
        props.setProperty("javax.sip.STACK_NAME", stack);
        p.init(props);
        assertEquals(1, p.getKeyManagers(true).length);
        TrustManager[] tms = p.getTrustManagers(true);
        return (X509TrustManager) tms[0];
    }

    @Test
    void trustedCertificatesAreTheOnlyOnesTrusted() throws Exception {
        X509TrustManager tm = trustOf("trust-test-1", List.of(TRUNK.certificate()));
        tm.checkServerTrusted(new X509Certificate[] {TRUNK.certificate()}, "UNKNOWN");
        assertThrows(CertificateException.class,
                () -> tm.checkServerTrusted(new X509Certificate[] {STRANGER.certificate()}, "UNKNOWN"));
        assertEquals(List.of(TRUNK.certificate()), List.of(tm.getAcceptedIssuers()));
    }

    @Test
    void withoutTrustedCertificatesTheJdkCaSetDecides() throws Exception {
        X509TrustManager tm = trustOf("trust-test-2", List.of());
        assertTrue(tm.getAcceptedIssuers().length > 10, "the JDK's CAs");
        assertThrows(CertificateException.class,
                () -> tm.checkServerTrusted(new X509Certificate[] {TRUNK.certificate()}, "UNKNOWN"));
    }

    @Test
    void aStackWithoutAnOfferDoesNotStart() {
        Properties props = new Properties();
        props.setProperty("javax.sip.STACK_NAME", "trust-test-none");
        assertThrows(GeneralSecurityException.class, () -> new TlsSecurityManagerProvider().init(props));
    }
}
