package org.passerelle.webrtc.dtls;

import java.io.IOException;
import java.util.Hashtable;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** The DTLS client side (a=setup:active, or our offer answered passive): DTLS 1.2 with use_srtp. */
final class DtlsSrtpClient extends DefaultTlsClient implements DtlsSrtpPeer {
    private final BcTlsCrypto bc;
    private final String fingerprintAlgorithm;
    private final String fingerprint;
    private final int handshakeTimeoutMillis;
    private SrtpProfile profile;
    private volatile SrtpKeys keys;
    private volatile boolean closedByPeer;

    DtlsSrtpClient(BcTlsCrypto crypto, String fingerprintAlgorithm, String fingerprint, int handshakeTimeoutMillis) {
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
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return DtlsEndpoint.INITIAL_RESEND_MILLIS;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = super.getClientExtensions();
        if (ext == null) ext = new Hashtable();
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(SrtpProfile.OFFERED, TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        // RFC 5764 §4.1.1: exactly one of the profiles we offered
        if (chosen == null || chosen.getProtectionProfiles().length != 1
                || (profile = SrtpProfile.byId(chosen.getProtectionProfiles()[0])) == null) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server chose no usable SRTP profile");
        }
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                DtlsFingerprint.check(serverCertificate.getCertificate(), fingerprintAlgorithm, fingerprint);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return DtlsCertificate.get().signer(context, bc);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        keys = SrtpKeys.split(profile, material, true);
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
