package org.passerelle.dialplan;

import java.util.Map;

/**
 * What routing knows about a call: pure data, no I/O.
 *
 * @param calledUser    user part of the Request-URI (a number, or a room name)
 * @param callerUser    user part of the From URI
 * @param callerName    display name, may be null
 * @param sourceAddress the IP the INVITE came from
 * @param headers       selected SIP headers, names in lower case
 * @param trunk         name of the inbound trunk the call came through, or null
 */
public record CallFacts(String calledUser, String callerUser, String callerName, String sourceAddress,
                        Map<String, String> headers, String trunk) {
    public CallFacts {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** A call that came through no trunk (a phone dialing the gateway directly). */
    public CallFacts(String calledUser, String callerUser, String callerName, String sourceAddress,
                     Map<String, String> headers) {
        this(calledUser, callerUser, callerName, sourceAddress, headers, null);
    }

    /** The value of a header (any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
