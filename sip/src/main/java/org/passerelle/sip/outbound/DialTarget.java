package org.passerelle.sip.outbound;

import java.util.Locale;

/**
 * What to put in the Request-URI of a dial-out: a SIP URI as given, or a number written the way
 * the trunk wants it ({@code numberFormat}):
 * <ul>
 * <li>{@code e164} (default): +33142000000 stays as is;</li>
 * <li>{@code national}: French national format, +33142000000 becomes 0142000000 and other
 * countries get the international prefix 00 (+4420... becomes 004420...). Numbers without + are
 * already in the provider's format and are kept.</li>
 * </ul>
 * Spaces, dots, dashes and parentheses are dropped. Nothing else is guessed; the dial plan
 * normalizes numbers to E.164 before they get here.
 */
public final class DialTarget {
    private DialTarget() {}

    /** True for sip: and sips: URIs. */
    public static boolean isUri(String target) {
        String t = target.trim().toLowerCase(Locale.ROOT);
        return t.startsWith("sip:") || t.startsWith("sips:");
    }

    /** The number as the trunk wants it; throws for something that is not a phone number. */
    public static String number(String target, String numberFormat) {
        String n = target.trim().replaceAll("[\\s.()\\-]", "");
        if (!n.matches("\\+?[0-9*#]+")) throw new IllegalArgumentException("not a phone number: " + target);
        String format = numberFormat == null ? "e164" : numberFormat.trim().toLowerCase(Locale.ROOT);
        return switch (format) {
            case "e164" -> n;
            case "national" -> n.startsWith("+33") ? "0" + n.substring(3) : n.startsWith("+") ? "00" + n.substring(1) : n;
            default -> throw new IllegalArgumentException("unknown number format " + numberFormat);
        };
    }
}
