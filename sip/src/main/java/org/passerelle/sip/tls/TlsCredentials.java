package org.passerelle.sip.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Our TLS identity, in memory only: a private key and its certificate chain read from PEM files
 * with Bouncy Castle's parser. Key managers are made from an in-memory key store whose password
 * is random and never leaves this object, so no key store file or clear-text password is
 * written anywhere.
 */
public final class TlsCredentials {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    public TlsCredentials(PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) throw new IllegalArgumentException("no certificate");
        this.key = key;
        this.chain = chain.toArray(X509Certificate[]::new);
    }

    /**
     * Reads {@code certificateFile} (one or more CERTIFICATE blocks, ours first) and
     * {@code keyFile}, and checks that the key belongs to the first certificate.
     */
    public static TlsCredentials load(Path certificateFile, Path keyFile) throws TlsFileException {
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readKey(keyFile);
        if (!matches(key, chain.getFirst().getPublicKey())) {
            throw new TlsFileException("privateKey", keyFile, "does not match the certificate in " + certificateFile);
        }
        return new TlsCredentials(key, chain);
    }

    /** For {@link SelfSignedCertificate#writePem} only. */
    PrivateKey privateKey() {
        return key;
    }

    public X509Certificate certificate() {
        return chain[0];
    }

    public List<X509Certificate> chain() {
        return List.of(chain);
    }

    /** SHA-256 fingerprint of our certificate (RFC 4572 §5 form), for logs and for peers to pin. */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Key managers for an SSLContext, backed by a key store that lives in memory only. */
    public KeyManager[] keyManagers() throws GeneralSecurityException {
        char[] password = new char[24];
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < password.length; i++) password[i] = (char) ('a' + r.nextInt(26));
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("sip", key, password, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            return kmf.getKeyManagers();
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    private static List<X509Certificate> readCertificates(Path file) throws TlsFileException {
        return readCertificates(file, "certificate");
    }

    /** Every CERTIFICATE block of a PEM file; errors name {@code setting}. */
    static List<X509Certificate> readCertificates(Path file, String setting) throws TlsFileException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(converter.getCertificate(h));
                } else {
                    throw new TlsFileException(setting, file,
                            "holds something else than certificates (" + kind(o) + ")");
                }
            }
        } catch (NoSuchFileException e) {
            throw new TlsFileException(setting, file, "no such file");
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new TlsFileException(setting, file, "not a readable PEM certificate: " + e.getMessage());
        }
        if (out.isEmpty()) throw new TlsFileException(setting, file, "no PEM certificate in it");
        return out;
    }

    private static PrivateKey readKey(Path file) throws TlsFileException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            Object o = pem.readObject();
            if (o == null) throw new TlsFileException("privateKey", file, "no PEM private key in it");
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsFileException("privateKey", file, "is encrypted; give an unencrypted key readable "
                        + "by the gateway only");
            }
            if (o instanceof PEMKeyPair kp) return converter.getPrivateKey(kp.getPrivateKeyInfo());
            if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
            throw new TlsFileException("privateKey", file, "holds no private key (" + kind(o) + ")");
        } catch (NoSuchFileException e) {
            throw new TlsFileException("privateKey", file, "no such file");
        } catch (IOException | RuntimeException e) {
            // The parser's message never quotes the key.
            throw new TlsFileException("privateKey", file, "not a readable PEM private key: " + e.getMessage());
        }
    }

    private static String kind(Object o) {
        return o.getClass().getSimpleName();
    }

    /** Signs a challenge with the key and verifies it with the certificate's public key. */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        if (!key.getAlgorithm().equals(pub.getAlgorithm())) return false;
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) return false;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
