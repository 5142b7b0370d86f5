package org.passerelle.sip.outbound;

/**
 * State of one trunk's registration. The whole life cycle is the pure function
 * {@link #next(RegistrationEvent)}; an illegal event returns null and changes nothing.
 */
public enum RegistrationState {
    /** Not started. */
    IDLE,
    /** First REGISTER (or one after a failure) sent, no binding yet. */
    REGISTERING,
    /** Bound; a refresh is scheduled before expiry. */
    REGISTERED,
    /** Bound, refresh REGISTER in flight. */
    REFRESHING,
    /** The last attempt failed (code and reason in the status); retrying later. */
    BACKOFF,
    /** Expires: 0 sent on close. */
    UNREGISTERING,
    /** Over. */
    CLOSED;

    /** The state after {@code event}, or null when the event is not legal here. */
    public RegistrationState next(RegistrationEvent event) {
        return switch (this) {
            case IDLE -> switch (event) {
                case START -> REGISTERING;
                case CLOSE -> CLOSED;
                default -> null;
            };
            case REGISTERING, REFRESHING -> switch (event) {
                case RESEND -> this;
                case ACCEPTED -> REGISTERED;
                case REJECTED, TIMED_OUT -> BACKOFF;
                // A REGISTER in flight may have created a binding: remove it (RFC 3261 §10.2.2).
                case CLOSE -> UNREGISTERING;
                default -> null;
            };
            case REGISTERED -> switch (event) {
                case REFRESH_DUE -> REFRESHING;
                case CLOSE -> UNREGISTERING;
                default -> null;
            };
            case BACKOFF -> switch (event) {
                case RETRY_DUE -> REGISTERING;
                case CLOSE -> CLOSED;
                default -> null;
            };
            case UNREGISTERING -> switch (event) {
                case RESEND -> UNREGISTERING;
                case UNREGISTERED -> CLOSED;
                default -> null;
            };
            case CLOSED -> null;
        };
    }

    /** True while the registrar holds our binding (as far as we know). */
    public boolean bound() {
        return this == REGISTERED || this == REFRESHING;
    }
}
