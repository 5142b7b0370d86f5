package org.passerelle.sip.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Hands JAIN-SIP our in-memory TLS identity. The stack makes this class by name (stack property
 * {@code gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER}) and calls {@link #init} with its
 * properties; the credentials were {@link #offer offered} under the stack's name just before, so
 * no key store file nor password goes through system properties or disk. Trust, for the TLS
 * connections we open (outbound trunks), is the offered certificates ({@code sip.tls.trustedCertificates}),
 * else the JDK's default CA set. Phones are not asked for a certificate.
 */
public final class TlsSecurityManagerProvider implements gov.nist.core.net.SecurityManagerProvider {
    private record Offer(TlsCredentials credentials, List<X509Certificate> trusted) {}

    private static final Map<String, Offer> OFFERED = new ConcurrentHashMap<>();

    private KeyManager[] keyManagers;
    private TrustManager[] trustManagers;

    /** Makes {@code credentials} the identity of the stack named {@code stackName} created next. */
    public static void offer(String stackName, TlsCredentials credentials) {
        offer(stackName, credentials, List.of());
    }

    /**
     * Same, trusting only {@code trusted} (CAs or peers' own certificates) on connections we open;
     * empty: the JDK's CA set.
     */
    public static void offer(String stackName, TlsCredentials credentials, List<X509Certificate> trusted) {
        OFFERED.put(stackName, new Offer(credentials, List.copyOf(trusted)));
    }

    /** Drops an offer the stack did not take (it failed to start). */
    public static void withdraw(String stackName) {
        OFFERED.remove(stackName);
    }

    public TlsSecurityManagerProvider() {}

    @Override
    public void init(Properties properties) throws GeneralSecurityException {
        String name = properties.getProperty("javax.sip.STACK_NAME");
        Offer o = name == null ? null : OFFERED.remove(name);
        if (o == null) throw new GeneralSecurityException("no TLS credentials offered for stack " + name);
        keyManagers = o.credentials().keyManagers();
        KeyStore trust = null;
        if (!o.trusted().isEmpty()) {
            try {
                trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            for (int i = 0; i < o.trusted().size(); i++) trust.setCertificateEntry("trusted-" + i, o.trusted().get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustManagers = tmf.getTrustManagers();
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return keyManagers;
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return trustManagers;
    }
}
