package org.passerelle.sip;

import java.util.regex.Pattern;

/**
 * What the SIP message trace must not show: the digest response of an Authorization (with the
 * nonce, enough to test password guesses offline) and DTMF INFO bodies (the keys may be a PIN).
 */
final class TraceRedaction {
    private static final Pattern AUTH_RESPONSE =
            Pattern.compile("(?im)^((?:Proxy-)?Authorization\\s*:.*?\\bresponse\\s*=\\s*)\"[^\"]*\"");
    private static final Pattern DTMF_BODY =
            Pattern.compile("(?im)^(?:Content-Type|c)\\s*:\\s*application/dtmf(?:-relay)?\\b");

    private TraceRedaction() {}

    static String redact(String message) {
        String out = AUTH_RESPONSE.matcher(message).replaceAll("$1\"***\"");
        int end = out.indexOf("\r\n\r\n");
        if (end >= 0 && end + 4 < out.length() && DTMF_BODY.matcher(out.substring(0, end)).find()) {
            out = out.substring(0, end + 4) + "***";
        }
        return out;
    }
}
