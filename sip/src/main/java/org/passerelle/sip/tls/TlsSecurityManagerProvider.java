package org.passerelle.sip.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
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
 * no key store file nor password goes through system properties or disk. Trust (for our own TLS
 * connections out) is the JDK's default CA set.
 */
public final class TlsSecurityManagerProvider implements gov.nist.core.net.SecurityManagerProvider {
    private static final Map<String, TlsCredentials> OFFERED = new ConcurrentHashMap<>();

    private KeyManager[] keyManagers;
    private TrustManager[] trustManagers;

    /** Makes {@code credentials} the identity of the stack named {@code stackName} created next. */
    public static void offer(String stackName, TlsCredentials credentials) {
        OFFERED.put(stackName, credentials);
    }

    /** Drops an offer the stack did not take (it failed to start). */
    public static void withdraw(String stackName) {
        OFFERED.remove(stackName);
    }

    public TlsSecurityManagerProvider() {}

    @Override
    public void init(Properties properties) throws GeneralSecurityException {
        String name = properties.getProperty("javax.sip.STACK_NAME");
        TlsCredentials c = name == null ? null : OFFERED.remove(name);
        if (c == null) throw new GeneralSecurityException("no TLS credentials offered for stack " + name);
        keyManagers = c.keyManagers();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
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
