package org.passerelle.webrtc.dtls;

import org.bouncycastle.tls.TlsPeer;

/** Our DTLS-SRTP client or server; its keys are there once the handshake completed. */
interface DtlsSrtpPeer extends TlsPeer {
    SrtpKeys keys();

    /** True once the peer sent close_notify or a fatal alert. */
    boolean closedByPeer();
}
