package org.passerelle.webrtc.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** The DTLS server side (the answer to our offer said active, or an active offerer): DTLS 1.2, use_srtp, mutual certificates. */
final class DtlsSrtpServer extends DefaultTlsServer implements DtlsSrtpPeer {
    private final BcTlsCrypto bc;
    private final String fingerprintAlgorithm;
    private final String fingerprint;
    private final int handshakeTimeoutMillis;
    private SrtpProfile profile;
    private volatile SrtpKeys keys;
    private volatile boolean closedByPeer;

    DtlsSrtpServer(BcTlsCrypto crypto, String fingerprintAlgorithm, String fingerprint, int handshakeTimeoutMillis) {
        super(crypto);
        this.bc = crypto;
        this.fingerprintAlgorithm = fingerprintAlgorithm;
        this.fingerprint = fingerprint;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        // our certificate is ECDSA: only ECDHE_ECDSA suites can be served with it
        return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA});
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return DtlsEndpoint.INITIAL_RESEND_MILLIS;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return DtlsCertificate.get().signer(context, bc);
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offered no use_srtp");
        }
        // RFC 5764 §4.1.1: the server picks one of the client's profiles; we follow its order
        for (int id : offered.getProtectionProfiles()) {
            SrtpProfile p = SrtpProfile.byId(id);
            if (p != null) { profile = p; break; }
        }
        if (profile == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no SRTP profile in common");
        }
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {profile.id}, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // RFC 8827 §6.5: both sides present a certificate whose fingerprint is in the SDP
        Vector algs = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algs, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        DtlsFingerprint.check(clientCertificate, fingerprintAlgorithm, fingerprint);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        keys = SrtpKeys.split(profile, material, false);
    }

    @Override
    public SrtpKeys keys() {
        return keys;
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertLevel == AlertLevel.fatal || alertDescription == AlertDescription.close_notify) closedByPeer = true;
    }

    @Override
    public boolean closedByPeer() {
        return closedByPeer;
    }
}
