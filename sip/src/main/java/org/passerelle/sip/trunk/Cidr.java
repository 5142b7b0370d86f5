package org.passerelle.sip.trunk;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One address block: an IPv4 or IPv6 network and a prefix length (RFC 4632 §3.1, RFC 4291 §2.3).
 * A single address is a block of /32 or /128. Parsing never asks DNS: only literals are accepted.
 */
public record Cidr(byte[] network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
            + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    public Cidr {
        network = network.clone();
        if (network.length != 4 && network.length != 16) throw new IllegalArgumentException("not an IP address");
        if (prefixLength < 0 || prefixLength > network.length * 8) throw new IllegalArgumentException("bad prefix");
        mask(network, prefixLength);
    }

    /**
     * Parses "192.0.2.10", "192.0.2.0/24", "2001:db8::1", "2001:db8::/32" (host bits are
     * ignored: 192.0.2.7/24 is 192.0.2.0/24).
     *
     * @throws IllegalArgumentException with a message for an admin when it is not one
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty address");
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) throw new IllegalArgumentException("not an IP address or CIDR: " + text);
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!PREFIX.matcher(p).matches() || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("bad prefix length in " + text + " (0-" + bits + ")");
            }
            bits = Integer.parseInt(p);
        }
        return new Cidr(bytes, bits);
    }

    /** The address bytes of an IPv4 or IPv6 literal, or null. */
    private static byte[] literal(String addr) {
        if (IPV4.matcher(addr).matches()) {
            String[] parts = addr.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(parts[i]);
            return b;
        }
        // With a ':' the JDK parses an IPv6 literal and never resolves a name.
        if (addr.indexOf(':') < 0 || !IPV6_CHARS.matcher(addr).matches() || addr.charAt(0) == '.') return null;
        try {
            InetAddress a = InetAddress.getByName(addr);
            // ::ffff:a.b.c.d comes back as an IPv4 address; keep it so.
            return a instanceof Inet6Address || a instanceof Inet4Address ? a.getAddress() : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** True when {@code address} is in this block (an IPv4 address is never in an IPv6 block). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) return false;
        }
        int rest = prefixLength % 8;
        if (rest == 0) return true;
        int m = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & m) == (network[full] & 0xFF);
    }

    private static void mask(byte[] b, int prefix) {
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xFF << (8 - keep));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && prefixLength == c.prefixLength && Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return "?/" + prefixLength;
        }
    }
}
