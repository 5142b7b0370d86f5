package org.passerelle.gateway.livekit;

import livekit.LivekitModels.DisconnectReason;

/** Joining or staying in a LiveKit room failed; {@link #reason()} is the server's word when it gave one. */
public final class LiveKitException extends RuntimeException {
    private final DisconnectReason reason;

    public LiveKitException(String message, DisconnectReason reason) {
        super(message);
        this.reason = reason;
    }

    public DisconnectReason reason() {
        return reason;
    }
}
