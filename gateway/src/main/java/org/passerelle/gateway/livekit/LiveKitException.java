package org.passerelle.gateway.livekit;

import livekit.LivekitModels.DisconnectReason;

/** Joining or staying in a LiveKit room failed; {@link #reason()} is the server's word when it gave one. */
public final class LiveKitException extends RuntimeException {
    private final DisconnectReason reason;

    public LiveKitException(String message, DisconnectReason reason) {
        super(message);
        this.reason = reason;
    }

    /** A failure with no LiveKit reason code (server unreachable, timeout), keeping its cause. */
    public LiveKitException(String message, Throwable cause) {
        super(message, cause);
        this.reason = cause instanceof LiveKitException l ? l.reason : null;
    }

    public DisconnectReason reason() {
        return reason;
    }
}
