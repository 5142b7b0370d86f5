package org.passerelle.sip.sdp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * One SDES {@code a=crypto} attribute (RFC 4568 §9.1) for SRTP:
 * {@code <tag> <suite> inline:<base64 key||salt>[|lifetime][|MKI:length] [session params]}.
 * {@link #parse} keeps only what we can honour: one key of a suite we know, of the right length,
 * with an MKI of at most 4 bytes (one key, so the MKI only has to be skipped), with a lifetime
 * we never reach, and no session parameter that changes the protection. The rest is {@link Unusable} with the reason, so the next line can be tried.
 */
public final class SdesCrypto {
    /** A key we honour must last at least 2^31 packets: we never rekey within a call. */
    static final int MIN_LIFETIME_LOG2 = 31;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The largest MKI we take: phones that use one send 1 to 4 bytes. */
    static final int MAX_MKI_LENGTH = 4;

    private final int tag;
    private final SrtpSuite suite;
    private final byte[] keySalt;
    private final int mkiLength;

    private SdesCrypto(int tag, SrtpSuite suite, byte[] keySalt, int mkiLength) {
        this.tag = tag;
        this.suite = suite;
        this.keySalt = keySalt;
        this.mkiLength = mkiLength;
    }

    /** What {@link #parse} gives. */
    public sealed interface Parsed permits Usable, Unusable {}

    public record Usable(SdesCrypto crypto) implements Parsed {}

    public record Unusable(String reason) implements Parsed {}

    /** A fresh master key and salt from SecureRandom for our side (RFC 4568 §6.1). */
    public static SdesCrypto fresh(int tag, SrtpSuite suite) {
        byte[] ks = new byte[SrtpSuite.KEY_LENGTH + SrtpSuite.SALT_LENGTH];
        RANDOM.nextBytes(ks);
        return new SdesCrypto(tag, suite, ks, 0);
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
        int mkiLength = 0;
        for (int i = 1; i < info.length; i++) {
            String p = info[i];
            if (p.contains(":")) {
                // MKI:length (§6.1): each packet the peer sends carries this many MKI bytes before
                // the tag (RFC 3711 §3.1). One key only, so they are skipped, not looked up.
                if (!p.matches("\\d{1,10}:\\d{1,3}")) return new Unusable("malformed MKI " + p);
                mkiLength = Integer.parseInt(p.substring(p.indexOf(':') + 1));
                if (mkiLength < 1 || mkiLength > MAX_MKI_LENGTH) {
                    return new Unusable("MKI of " + mkiLength + " bytes not supported (1-" + MAX_MKI_LENGTH + ")");
                }
                if (i != info.length - 1) return new Unusable("lifetime after MKI");
                continue;
            }
            if (i != 1) return new Unusable("two lifetimes");
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
        return new Usable(new SdesCrypto(tag, suite, ks, mkiLength));
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

    /** The attribute value of a line of ours: {@code <tag> <suite> inline:<key||salt>} (we send no MKI). */
    public String attributeValue() {
        return tag + " " + suite.name() + " inline:" + Base64.getEncoder().encodeToString(keySalt);
    }

    /** This line with another master key: the same tag and suite, our own fresh key. */
    public SdesCrypto answerWithFreshKey() {
        return fresh(tag, suite);
    }

    /** Bytes of MKI in each packet sent under this key (0: none). */
    public int mkiLength() {
        return mkiLength;
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
        return o instanceof SdesCrypto c && c.tag == tag && c.suite == suite && c.mkiLength == mkiLength
                && Arrays.equals(c.keySalt, keySalt);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * tag + suite.hashCode()) + mkiLength) + Arrays.hashCode(keySalt);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "crypto " + tag + " " + suite;
    }
}
