package org.passerelle.sip;

import java.util.Locale;

/**
 * DTMF carried in SIP INFO bodies, the legacy way many PBXs and phones send key presses (RFC 6086
 * §1 "legacy INFO usage"): {@code application/dtmf-relay} ("Signal=5\r\nDuration=160") and
 * {@code application/dtmf} ("5"). Pure parsing, no I/O.
 */
final class DtmfInfo {
    /** What we accept, for the Accept header of a 415 (RFC 3261 §21.4.13). */
    static final java.util.List<String> ACCEPT = java.util.List.of("application/dtmf-relay", "application/dtmf");
    /** application/dtmf carries no duration; a typical key press. */
    static final int DEFAULT_DURATION_MS = 100;
    private static final int MAX_DURATION_MS = 60_000;
    private static final String KEYS = "0123456789*#ABCD";

    sealed interface Result {}

    /** One key press. */
    record Digit(char digit, int durationMs) implements Result {}

    /** No body: nothing to do, but a valid INFO (some devices use it as a keep-alive). */
    record Empty() implements Result {}

    /** A body of a type we do not understand: 415. */
    record Unsupported() implements Result {}

    /** A DTMF body we cannot read: 400. */
    record Malformed(String reason) implements Result {}

    private DtmfInfo() {}

    /**
     * @param type    "type/subtype" of the body (parameters left out), or null when absent
     * @param body    the body as text, or null
     */
    static Result parse(String type, String body) {
        if (body == null || body.isBlank()) return new Empty();
        if (type == null) return new Unsupported();
        return switch (type.trim().toLowerCase(Locale.ROOT)) {
            case "application/dtmf-relay" -> relay(body);
            case "application/dtmf" -> {
                Character d = key(body.trim());
                yield d == null ? new Malformed("not a DTMF key") : new Digit(d, DEFAULT_DURATION_MS);
            }
            default -> new Unsupported();
        };
    }

    private static Result relay(String body) {
        Character digit = null;
        int duration = DEFAULT_DURATION_MS;
        for (String line : body.split("\\r?\\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String name = line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).trim();
            if (name.equals("signal")) {
                digit = key(value);
                if (digit == null) return new Malformed("bad Signal");
            } else if (name.equals("duration")) {
                try {
                    duration = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    return new Malformed("bad Duration");
                }
                if (duration < 0 || duration > MAX_DURATION_MS) return new Malformed("bad Duration");
            }
        }
        return digit == null ? new Malformed("no Signal") : new Digit(digit, duration);
    }

    /** A key: 0-9 * # A-D, or its RFC 4733 §3.2 event code 0-15 that some devices send instead. */
    private static Character key(String v) {
        if (v.length() == 1) {
            char c = Character.toUpperCase(v.charAt(0));
            return KEYS.indexOf(c) >= 0 ? c : null;
        }
        if (v.length() == 2 && v.charAt(0) == '1' && v.charAt(1) >= '0' && v.charAt(1) <= '5') {
            return KEYS.charAt(10 + v.charAt(1) - '0');
        }
        return null;
    }
}
