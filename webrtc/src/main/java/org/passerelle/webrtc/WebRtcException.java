package org.passerelle.webrtc;

/** A WebRTC session cannot be set up; the message says why in words an admin can act on. */
public final class WebRtcException extends Exception {
    public WebRtcException(String message) {
        super(message);
    }

    public WebRtcException(String message, Throwable cause) {
        super(message, cause);
    }
}
