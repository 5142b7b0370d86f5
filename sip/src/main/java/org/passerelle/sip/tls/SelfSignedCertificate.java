package org.passerelle.sip.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate made with Bouncy Castle, for tests and trials: its
 * subject alternative names are the given DNS names and IP addresses.
 */
public final class SelfSignedCertificate {
    private SelfSignedCertificate() {}

    /** A fresh key pair and a certificate valid from an hour ago for {@code validity}. */
    public static TlsCredentials generate(String commonName, List<String> names, Duration validity) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair kp = g.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(validity)), subject, kp.getPublic());
            GeneralName[] alt = names.stream().map(n -> n.matches("[0-9.]+|.*:.*")
                    ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            if (alt.length > 0) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
            // Self-signed, so it is its own CA for peers that trust it as a CA file (baresip's sip_cafile).
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new TlsCredentials(kp.getPrivate(), List.of(cert));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a certificate", e);
        }
    }

    /** Writes the certificate chain and the key as PEM; the key file readable by its owner only. */
    public static void writePem(TlsCredentials c, Path certificateFile, Path keyFile)
            throws IOException {
        Files.writeString(certificateFile, pem(c.chain().toArray()), StandardCharsets.US_ASCII);
        Files.deleteIfExists(keyFile);
        try {
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(keyFile);
        }
        Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(c.privateKey(), null)), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    static String pem(Object... objects) throws IOException {
        StringWriter s = new StringWriter();
        try (Writer w = s; JcaPEMWriter pw = new JcaPEMWriter(w)) {
            for (Object o : objects) pw.writeObject(o);
        }
        return s.toString();
    }
}
