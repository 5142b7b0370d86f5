package org.passerelle.sip.outbound;

import java.util.Locale;

/**
 * A trunk's proxy as "host[:port]" (IPv6 in brackets), with the transport to reach it.
 *
 * @param host      name or literal (IPv6 without brackets)
 * @param port      port, or -1 for the default (5060, 5061 for TLS, RFC 3261 §19.1.2)
 * @param transport "udp", "tcp" or "tls"
 */
public record ProxyAddress(String host, int port, String transport) {

    public static ProxyAddress parse(String proxy, String transport) {
        if (proxy == null || proxy.isBlank()) throw new IllegalArgumentException("no proxy");
        String p = proxy.trim();
        if (p.regionMatches(true, 0, "sip:", 0, 4)) p = p.substring(4);
        String host;
        int port = -1;
        if (p.startsWith("[")) {
            int close = p.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("bad proxy " + proxy);
            host = p.substring(1, close);
            if (p.length() > close + 1 && p.charAt(close + 1) == ':') port = Integer.parseInt(p.substring(close + 2));
        } else {
            int colon = p.lastIndexOf(':');
            if (colon > 0 && p.indexOf(':') == colon) {
                host = p.substring(0, colon);
                port = Integer.parseInt(p.substring(colon + 1));
            } else {
                host = p;
            }
        }
        String t = transport == null || transport.isBlank() ? "udp" : transport.trim().toLowerCase(Locale.ROOT);
        return new ProxyAddress(host, port, t);
    }

    /** The port to send to. */
    public int effectivePort() {
        return port > 0 ? port : "tls".equals(transport) ? 5061 : 5060;
    }

    /** host[:port] for a SIP URI. */
    public String hostPort() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port > 0 ? h + ":" + port : h;
    }
}
