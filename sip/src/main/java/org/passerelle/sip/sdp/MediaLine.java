package org.passerelle.sip.sdp;

import java.util.List;

/** One m= line of an offer, as needed to mirror it in the answer (RFC 3264 §6). */
public record MediaLine(String type, String protocol, List<String> formats) {
    public MediaLine {
        formats = List.copyOf(formats);
    }
}
