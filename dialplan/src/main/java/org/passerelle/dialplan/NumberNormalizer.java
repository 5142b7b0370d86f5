package org.passerelle.dialplan;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Puts phone numbers in E.164 (+33142000000) with libphonenumber, reading national forms
 * (01 42 00 00 00) in a default country, so rules match however a trunk writes numbers. What is
 * not a phone number (a room name such as "demo") is left as it is.
 */
public final class NumberNormalizer {
    private static final Pattern DIALABLE = Pattern.compile("\\+?[0-9][0-9 ().\\-]{2,}");
    /** Regions whose callers hear French prompts when a rule asks for the caller's language. */
    private static final Set<String> FRENCH_REGIONS = Set.of("FR", "BE", "CH", "LU", "MC", "GP", "MQ", "GF",
            "RE", "YT", "PM", "NC", "PF", "WF", "BL", "MF", "SN", "CI", "ML", "BF", "NE", "TG", "BJ", "CM", "GA",
            "CG", "CD", "MG", "GN", "TD", "CF", "DJ", "KM", "BI", "RW", "HT");

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    /** @param defaultRegion ISO 3166 country for national numbers, e.g. "FR" */
    public NumberNormalizer(String defaultRegion) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
        if (!util.getSupportedRegions().contains(this.defaultRegion)) {
            throw new IllegalArgumentException("unknown country code " + defaultRegion);
        }
    }

    public static boolean isKnownRegion(String region) {
        return region != null && PhoneNumberUtil.getInstance().getSupportedRegions()
                .contains(region.toUpperCase(Locale.ROOT));
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    /** E.164 when {@code user} reads as a possible phone number, else {@code user} unchanged. */
    public String normalize(String user) {
        if (user == null) return null;
        String trimmed = user.trim();
        if (!DIALABLE.matcher(trimmed).matches()) return user;
        try {
            // "00" international prefix: libphonenumber reads it for the default region.
            PhoneNumber n = util.parse(trimmed, defaultRegion);
            if (!util.isPossibleNumber(n)) return digitsOnly(trimmed);
            return util.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return digitsOnly(trimmed);
        }
    }

    /** "fr" for callers from French-speaking countries, else "en". */
    public String languageOf(String e164) {
        if (e164 == null || !e164.startsWith("+")) return "en";
        try {
            String region = util.getRegionCodeForNumber(util.parse(e164, defaultRegion));
            return region != null && FRENCH_REGIONS.contains(region) ? "fr" : "en";
        } catch (NumberParseException e) {
            return "en";
        }
    }

    private static String digitsOnly(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= '0' && c <= '9') || (c == '+' && b.isEmpty())) b.append(c);
        }
        return b.toString();
    }
}
