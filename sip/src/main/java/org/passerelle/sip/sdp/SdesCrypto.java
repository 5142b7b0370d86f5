package org.passerelle.sip.sdp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * One SDES {@code a=crypto} attribute (RFC 4568 §9.1) for SRTP:
 * {@code <tag> <suite> inline:<base64 key||salt>[|lifetime][|MKI:length] [session params]}.
 * {@link #parse} keeps only what we can honour: one key of a suite we know, of the right length,
 * without MKI, with a lifetime we never reach, and no session parameter that changes the
 * protection. The rest is {@link Unusable} with the reason, so the next line can be tried.
 */
public final class SdesCrypto {
    /** A key we honour must last at least 2^31 packets: we never rekey within a call. */
    static final int MIN_LIFETIME_LOG2 = 31;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int tag;
    private final SrtpSuite suite;
    private final byte[] keySalt;

    private SdesCrypto(int tag, SrtpSuite suite, byte[] keySalt) {
        this.tag = tag;
        this.suite = suite;
        this.keySalt = keySalt;
    }

    /** What {@link #parse} gives. */
    public sealed interface Parsed permits Usable, Unusable {}

    public record Usable(SdesCrypto crypto) implements Parsed {}

    public record Unusable(String reason) implements Parsed {}

    /** A fresh master key and salt from SecureRandom for our side (RFC 4568 §6.1). */
    public static SdesCrypto fresh(int tag, SrtpSuite suite) {
        byte[] ks = new byte[SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH];
        RANDOM.nextBytes(ks);
        return new SdesCrypto(tag, suite, ks);
    }

    /** Reads the value of an a=crypto attribute (what follows "crypto:"). */
    public static Parsed parse(String value) {
        if (value == null) return new Unusable("empty");
        String[] f = value.trim().split("[ \t]+");
        if (f.length < 3) return new Unusable("needs a tag, a suite and key parameters");
        int tag;
        if (!f[0].matches("\\d{1,9}")) return new Unusable("tag " + f[0] + " is not 1-9 digits");
        tag = Integer.parseInt(f[0]);
        SrtpSuite suite = SrtpSuite.named(f[1]).orElse(null);
        if (suite == null) return new Unusable("unknown suite " + f[1]);
        if (f[2].contains(";")) return new Unusable("several keys (needs MKI)");
        if (!f[2].startsWith("inline:")) return new Unusable("key method is not inline");
        String[] info = f[2].substring("inline:".length()).split("\\|", -1);
        byte[] ks;
        try {
            ks = Base64.getDecoder().decode(info[0]);
        } catch (IllegalArgumentException e) {
            return new Unusable("key is not base64");
        }
        if (ks.length != SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH) {
            return new Unusable("key and salt are " + ks.length + " bytes, not "
                    + (SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH));
        }
        if (info.length > 3) return new Unusable("too many key parameters");
        for (int i = 1; i < info.length; i++) {
            String p = info[i];
            if (p.contains(":")) {
                // MKI:length (§6.1): each packet would carry an MKI, which we do not handle.
                if (!p.matches("\\d+:\\d{1,3}")) return new Unusable("malformed MKI " + p);
                return new Unusable("MKI not supported");
            }
            if (i != 1) return new Unusable("lifetime after MKI");
            Integer log2 = lifetimeLog2(p);
            if (log2 == null) return new Unusable("malformed lifetime " + p);
            if (log2 < MIN_LIFETIME_LOG2) return new Unusable("key lifetime " + p + " is shorter than 2^31 packets");
        }
        for (int i = 3; i < f.length; i++) {
            String param = f[i];
            // WSH is a hint (§6.3.7); KDR=0 is the default (§6.3.1). Any other changes the
            // protection, and a parameter we do not honour rules out the line (§6.3).
            if (param.startsWith("WSH=") || param.equals("KDR=0")) continue;
            return new Unusable("session parameter " + param + " not supported");
        }
        return new Usable(new SdesCrypto(tag, suite, ks));
    }

    /** Floor of log2 of a lifetime ("2^31" or a decimal count); null when malformed. */
    static Integer lifetimeLog2(String p) {
        if (p.startsWith("2^")) {
            String e = p.substring(2);
            if (!e.matches("\\d{1,2}")) return null;
            int n = Integer.parseInt(e);
            return n <= 48 ? n : null; // §6.1: at most 2^48 for SRTP
        }
        if (!p.matches("\\d{1,15}")) return null;
        long v = Long.parseLong(p);
        if (v <= 0 || v > (1L << 48)) return null;
        return 63 - Long.numberOfLeadingZeros(v);
    }

    /** The attribute value: {@code <tag> <suite> inline:<key||salt>}. */
    public String attributeValue() {
        return tag + " " + suite.name() + " inline:" + Base64.getEncoder().encodeToString(keySalt);
    }

    /** This line with another master key: the same tag and suite, our own fresh key. */
    public SdesCrypto answerWithFreshKey() {
        return fresh(tag, suite);
    }

    public int tag() {
        return tag;
    }

    public SrtpSuite suite() {
        return suite;
    }

    public byte[] masterKey() {
        return Arrays.copyOfRange(keySalt, 0, SrtpSuite.KEY_LENGTH);
    }

    public byte[] masterSalt() {
        return Arrays.copyOfRange(keySalt, SrtpSuite.KEY_LENGTH, keySalt.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SdesCrypto c && c.tag == tag && c.suite == suite && Arrays.equals(c.keySalt, keySalt);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * tag + suite.hashCode()) + Arrays.hashCode(keySalt);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "crypto " + tag + " " + suite;
    }
}
