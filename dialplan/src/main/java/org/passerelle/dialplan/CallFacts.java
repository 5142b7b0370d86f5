package org.passerelle.dialplan;

import java.util.Map;

/**
 * What routing knows about a call: pure data, no I/O.
 *
 * @param calledUser   user part of the Request-URI
 * @param callerUser   user part of the From URI
 * @param callerName   display name, may be null
 * @param sourceAddress the IP the INVITE came from
 * @param headers      selected SIP headers (lower-case names)
 */
public record CallFacts(String calledUser, String callerUser, String callerName, String sourceAddress,
                        Map<String, String> headers) {
    public CallFacts {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
