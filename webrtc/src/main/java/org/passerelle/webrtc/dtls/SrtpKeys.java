package org.passerelle.webrtc.dtls;

import java.util.Arrays;

/**
 * The outcome of a DTLS-SRTP handshake: the profile and the keys, split per RFC 5764 §4.2 as
 * client_write_key | server_write_key | client_write_salt | server_write_salt.
 */
public record SrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {

    static SrtpKeys split(SrtpProfile profile, byte[] material, boolean weAreClient) {
        int k = profile.keyLength, s = profile.saltLength;
        byte[] clientKey = Arrays.copyOfRange(material, 0, k);
        byte[] serverKey = Arrays.copyOfRange(material, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s);
        return weAreClient
                ? new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt)
                : new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    }
}
