package org.passerelle.sip;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sip.address.URI;

/**
 * Salvages a request JAIN-SIP could not parse so it can be answered 400 (RFC 3261 §8.2, §21.4.1):
 * when the request line and a parseable Via, From, To and Call-ID are there, it builds a minimal
 * request with those headers and a {@link #MALFORMED} marker; the router answers it statelessly.
 * Anything less readable is dropped. Never salvages an ACK (never answered, RFC 3261 §17.2.3).
 */
final class MalformedRequest {
    /** Marker header on a salvaged request, carrying why it was malformed. */
    static final String MALFORMED = "X-Passerelle-Malformed";
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Za-z][A-Za-z0-9.!%*_+`'~-]*) (\\S+) SIP/2\\.0");
    private static final Pattern CSEQ_NUMBER = Pattern.compile("^\\s*(\\d{1,9})");

    private MalformedRequest() {}

    /** The salvaged request, or null when the message is not a request we can answer. */
    static SIPRequest salvage(byte[] message, String why) {
        String text = new String(message, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) end = text.indexOf("\n\n");
        String head = end < 0 ? text : text.substring(0, end);
        // Header lines, unfolded (RFC 3261 §7.3.1).
        List<String> lines = new ArrayList<>();
        for (String raw : head.split("\r?\n")) {
            if ((raw.startsWith(" ") || raw.startsWith("\t")) && !lines.isEmpty()) {
                lines.set(lines.size() - 1, lines.getLast() + " " + raw.trim());
            } else if (!raw.isEmpty()) {
                lines.add(raw);
            }
        }
        if (lines.isEmpty()) return null;
        var rl = REQUEST_LINE.matcher(lines.getFirst().trim());
        if (!rl.matches()) return null;
        String method = rl.group(1).toUpperCase(Locale.ROOT);
        if (method.equals("ACK")) return null;

        try {
            SIPRequest r = new SIPRequest();
            r.setMethod(method);
            r.setRequestURI(uri(rl.group(2)));
            boolean via = false, from = false, to = false, callId = false, cseq = false;
            String cseqNumber = "1";
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon <= 0) continue;
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "via", "v" -> {
                        SIPHeader h = parse(line);
                        if (!(h instanceof Via || h instanceof ViaList)) return null;  // cannot route an answer
                        r.addHeader(h);
                        via = true;
                    }
                    case "from", "f" -> from = add(r, line);
                    case "to", "t" -> to = parse(line) instanceof To t && add(r, t);
                    case "call-id", "i" -> callId = add(r, line);
                    case "cseq" -> {
                        var m = CSEQ_NUMBER.matcher(line.substring(colon + 1));
                        if (m.find()) cseqNumber = m.group(1);
                        if (parse(line) instanceof CSeq c && method.equalsIgnoreCase(c.getMethod())) {
                            cseq = add(r, c);
                        }
                    }
                    default -> { }
                }
            }
            if (!via || !from || !to || !callId) return null;
            if (!cseq) {
                // Transaction matching needs only branch and method (RFC 3261 §17.1.3).
                r.addHeader(StringMsgParser.parseSIPHeader("CSeq: " + cseqNumber + " " + method + "\r\n"));
            }
            r.addHeader(StringMsgParser.parseSIPHeader("Max-Forwards: 70\r\n"));
            r.addHeader(StringMsgParser.parseSIPHeader("Content-Length: 0\r\n"));
            r.addHeader(StringMsgParser.parseSIPHeader(MALFORMED + ": " + sanitize(why) + "\r\n"));
            return r;
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static URI uri(String text) throws ParseException {
        try {
            return new StringMsgParser().parseUrl(text);
        } catch (ParseException | RuntimeException e) {
            return new StringMsgParser().parseUrl("sip:invalid.invalid");
        }
    }

    private static boolean add(SIPRequest r, String line) {
        SIPHeader h = parse(line);
        return h != null && add(r, h);
    }

    private static boolean add(SIPRequest r, SIPHeader h) {
        r.addHeader(h);
        return true;
    }

    private static SIPHeader parse(String line) {
        try {
            return StringMsgParser.parseSIPHeader(line.trim() + "\r\n");
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    /** One short printable line: the parser's messages span lines and quote the bad header. */
    static String sanitize(String why) {
        String first = why == null ? "" : why.strip().split("[\r\n]", 2)[0];
        String clean = first.replaceAll("[^\\x20-\\x7e]", "").replaceAll("[()\"]", "").strip();
        if (clean.length() > 60) clean = clean.substring(0, 60).strip();
        return clean.isEmpty() ? "malformed" : clean;
    }
}
