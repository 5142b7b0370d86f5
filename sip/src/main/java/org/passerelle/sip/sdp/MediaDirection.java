package org.passerelle.sip.sdp;

import java.util.Locale;

/** The direction attribute of a media stream (RFC 3264 §5.1, §6.1). */
public enum MediaDirection {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The SDP attribute name ("sendrecv", ...). */
    public String attribute() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The attribute for a name, or null when the name is not a direction. */
    public static MediaDirection fromAttribute(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sendrecv" -> SENDRECV;
            case "sendonly" -> SENDONLY;
            case "recvonly" -> RECVONLY;
            case "inactive" -> INACTIVE;
            default -> null;
        };
    }

    /** What an answerer puts in its answer to this offered direction (RFC 3264 §6.1). */
    public MediaDirection answer() {
        return switch (this) {
            case SENDRECV -> SENDRECV;
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            case INACTIVE -> INACTIVE;
        };
    }

    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }
}
