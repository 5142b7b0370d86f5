package org.passerelle.webrtc.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.passerelle.webrtc.srtp.SrtpWarmUp;

/**
 * Our self-signed ECDSA P-256 certificate, made once per process. WebRTC authenticates DTLS by
 * the certificate's fingerprint carried in SDP (RFC 8827 §6.5), not by a CA chain.
 */
public final class DtlsCertificate {
    private static volatile DtlsCertificate instance;

    private final AsymmetricKeyParameter privateKey;
    private final byte[] der;
    private final String fingerprint;

    private DtlsCertificate(AsymmetricKeyParameter privateKey, byte[] der) {
        this.privateKey = privateKey;
        this.der = der;
        this.fingerprint = DtlsFingerprint.of("sha-256", der);
    }

    /**
     * The process-wide certificate, generated on first use. Whoever readies it before the first
     * session (the gateway, at startup) readies SRTP's crypto too: {@link SrtpWarmUp} starts here.
     */
    public static DtlsCertificate get() {
        DtlsCertificate c = instance;
        if (c == null) {
            SrtpWarmUp.startOnce();
            synchronized (DtlsCertificate.class) {
                c = instance;
                if (c == null) instance = c = generate();
            }
        }
        return c;
    }

    /** "AB:CD:..." sha-256 of the DER certificate, for a=fingerprint. */
    public String fingerprint() { return fingerprint; }

    byte[] der() { return der.clone(); }

    TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(der)});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, chain,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    private static DtlsCertificate generate() {
        try {
            SecureRandom random = new SecureRandom();
            X9ECParameters curve = ECNamedCurveTable.getByName("P-256");
            ECKeyPairGenerator gen = new ECKeyPairGenerator();
            gen.init(new ECKeyGenerationParameters(
                    new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve), random));
            AsymmetricCipherKeyPair kp = gen.generateKeyPair();
            X500Name name = new X500Name("CN=passerelle");
            Instant now = Instant.now();
            // browsers ignore the validity of WebRTC certificates; keep it generous but finite
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(63, random), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic()));
            AlgorithmIdentifier sigAlg = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digAlg = new DefaultDigestAlgorithmIdentifierFinder().find(sigAlg);
            X509CertificateHolder holder = builder.build(new BcECContentSignerBuilder(sigAlg, digAlg)
                    .build(kp.getPrivate()));
            return new DtlsCertificate(kp.getPrivate(), holder.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the DTLS certificate", e);
        }
    }
}
