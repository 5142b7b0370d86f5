package org.passerelle.sip.outbound;

/** What happens to a registration (RFC 3261 §10.2). */
public enum RegistrationEvent {
    /** The trunk is configured with register=true. */
    START,
    /** The registrar asked for a corrected REGISTER: credentials (401/407) or a longer expiry (423). */
    RESEND,
    /** 2xx: the binding is in place. */
    ACCEPTED,
    /** A final error (or a challenge we cannot or may no longer answer). */
    REJECTED,
    /** No response (transaction timeout, RFC 3261 §17.1.2.2) or a transport error. */
    TIMED_OUT,
    /** Time to refresh the binding before it expires (§10.2.4). */
    REFRESH_DUE,
    /** The back-off delay after a failure is over. */
    RETRY_DUE,
    /** The gateway stops: remove the binding (Expires: 0, §10.2.2). */
    CLOSE,
    /** The un-REGISTER got its final response, or none came. */
    UNREGISTERED
}
