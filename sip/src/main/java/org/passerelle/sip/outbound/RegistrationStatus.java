package org.passerelle.sip.outbound;

import java.time.Instant;

/**
 * What an admin needs to know about one trunk's registration.
 *
 * @param trunk           the outbound trunk's name
 * @param state           where the registration stands
 * @param lastCode        SIP status of the last final response (0 before any, 408 for no answer)
 * @param lastReason      its reason phrase, or what went wrong locally
 * @param registeredUntil when the binding expires (while bound), else null
 * @param retryAt         when the next attempt is due (BACKOFF), else null
 * @param failures        consecutive failed attempts
 */
public record RegistrationStatus(String trunk, RegistrationState state, int lastCode, String lastReason,
                                 Instant registeredUntil, Instant retryAt, int failures) {

    /** True when the last attempt failed (the registration is in back-off). */
    public boolean failed() {
        return state == RegistrationState.BACKOFF;
    }

    /** One line for logs and the admin API, e.g. "BACKOFF 403 Forbidden, retry at ...". */
    public String summary() {
        return switch (state) {
            case REGISTERED, REFRESHING -> "REGISTERED until " + registeredUntil;
            case BACKOFF -> "FAILED " + lastCode + " " + lastReason + ", retry at " + retryAt;
            default -> state.name();
        };
    }
}
