package org.passerelle.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.passerelle.dialplan.ConfigProblem;
import org.passerelle.dialplan.ConfigTree;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.dialplan.DialPlanParser;
import org.passerelle.gateway.ivr.HttpPinDirectory;
import org.passerelle.gateway.ivr.PinDirectory;
import org.passerelle.gateway.ivr.StaticPinDirectory;
import org.passerelle.sip.sdp.SrtpMode;
import org.passerelle.sip.trunk.Credentials;
import org.passerelle.sip.trunk.InboundTrunk;
import org.passerelle.sip.trunk.OutboundTrunk;

/**
 * Reads the telephony sections of the config file (trunks, sip.directCalls, pins, dialplan, ivr)
 * from the file's generic tree, with every problem and its path.
 *
 * <pre>
 * trunks:
 *   inbound:
 *     - name: operator
 *       sources: [192.0.2.0/24, "2001:db8::/32"]
 *       auth: {username: passerelle, password: "change-me", realm: passerelle}   # optional
 *       # auth.algorithms: [MD5] for old UACs that read only the first challenge (default SHA-256, MD5)
 *       numbers: ["+33142000000"]       # DIDs it serves (empty: any)
 *       maxCalls: 30
 *   outbound:
 *     - name: operator-out
 *       proxy: sip.operator.example:5060
 *       transport: udp                 # udp, tcp or tls (tls needs sip.tls)
 *       srtp: off                      # off, optional or mandatory (SDES, needs transport tls)
 *       auth: {username: "0142000000", password: "change-me"}
 *       register: true
 *       registerExpirySeconds: 600
 *       callerId: "+33142000000"
 *       prefixes: ["+33"]
 *       numberFormat: e164               # or national
 * pins:
 *   default: {static: {"123456": board}}
 *   platform: {http: {url: "https://meet.example.org/api/pin", token: "...", timeoutSeconds: 3}}
 * livekit:                            # rooms of a LiveKit server instead of embedded rooms
 *   url: wss://livekit.example.org
 *   apiKey: APIxxxx
 *   apiSecret: "..."
 *   dialPlan: true                    # its SIP trunks and dispatch rules route calls too (La Suite Meet)
 *   dialPlanRefreshSeconds: 30        # how often they are read again (also on reload)
 * ivr:
 *   promptsDir: /etc/passerelle/prompts
 *   digitTimeoutSeconds: 10
 *   lockout: {failures: 5, windowMinutes: 10, lockMinutes: 15}
 * </pre>
 */
public final class TelephonyParser {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final ConfigTree tree = new ConfigTree();

    public List<ConfigProblem> problems() {
        return tree.problems();
    }

    /**
     * @param root       the whole file's tree
     * @param directCalls sip.directCalls, or null when not set
     */
    public Telephony parse(Map<String, Object> root, Object directCalls) {
        if (directCalls == null && root.get("trunks") == null && root.get("pins") == null
                && root.get("dialplan") == null && root.get("ivr") == null && root.get("livekit") == null) {
            return Telephony.defaults();
        }
        Map<String, Object> trunks = root.get("trunks") == null ? Map.of() : tree.map(root.get("trunks"), "trunks");
        if (trunks == null) trunks = Map.of();
        tree.unknownKeys(trunks, Set.of("inbound", "outbound"), "trunks");
        List<InboundTrunk> inbound = inbound(trunks.get("inbound"));
        List<OutboundTrunk> outbound = outbound(trunks.get("outbound"));
        boolean direct = tree.bool(directCalls, "sip.directCalls", inbound.isEmpty());
        Map<String, PinDirectory> pins = pins(root.get("pins"));
        Telephony.Ivr ivr = ivr(root.get("ivr"));

        Set<String> trunkNames = new HashSet<>();
        for (InboundTrunk t : inbound) trunkNames.add(t.name());
        DialPlanParser plans = new DialPlanParser(trunkNames, pins.keySet());
        DialPlan plan = plans.parse(root.get("dialplan"), "dialplan");
        tree.problems().addAll(plans.problems());
        org.passerelle.gateway.livekit.LiveKitConfig livekit = livekit(root.get("livekit"));
        if (livekit == null && root.get("livekit") == null) {
            for (int i = 0; i < plan.rules().size(); i++) {
                if (plan.rules().get(i).action() instanceof org.passerelle.dialplan.Rule.Action.Join j
                        && "livekit".equals(j.platform())) {
                    tree.problem("dialplan.rules[" + i + "].join.platform",
                            "livekit needs a livekit section (url, apiKey, apiSecret)");
                }
            }
        }
        return new Telephony(inbound, outbound, direct, plan, pins, ivr, livekit,
                livekit == null ? null : liveKitDialPlan(root.get("livekit")),
                livekit == null || waitingPrompt(root.get("livekit")));
    }

    /** livekit.waitingPrompt (default true): a caller alone in a room hears "waiting for others". */
    private boolean waitingPrompt(Object node) {
        Map<String, Object> m = tree.map(node, "livekit");
        return m == null || tree.bool(m.get("waitingPrompt"), "livekit.waitingPrompt", true);
    }

    /** livekit.dialPlan (default false) and how often to read the server's rules again; null when off. */
    private Duration liveKitDialPlan(Object node) {
        Map<String, Object> m = tree.map(node, "livekit");
        if (m == null) return null;
        boolean on = tree.bool(m.get("dialPlan"), "livekit.dialPlan", false);
        int seconds = tree.integer(m.get("dialPlanRefreshSeconds"), "livekit.dialPlanRefreshSeconds", 30, 5, 86400);
        if (!on && m.get("dialPlanRefreshSeconds") != null) {
            tree.problem("livekit.dialPlanRefreshSeconds", "only with dialPlan: true");
        }
        return on ? Duration.ofSeconds(seconds) : null;
    }

    private org.passerelle.gateway.livekit.LiveKitConfig livekit(Object node) {
        if (node == null) return null;
        Map<String, Object> m = tree.map(node, "livekit");
        if (m == null) return null;
        tree.unknownKeys(m, Set.of("url", "apiKey", "apiSecret", "dialPlan", "dialPlanRefreshSeconds", "waitingPrompt"),
                "livekit");
        String url = tree.required(m, "url", "livekit");
        String key = tree.required(m, "apiKey", "livekit");
        String secret = tree.required(m, "apiSecret", "livekit");
        if (url == null || key == null || secret == null) return null;
        try {
            return new org.passerelle.gateway.livekit.LiveKitConfig(url, key, secret);
        } catch (IllegalArgumentException e) {
            tree.problem("livekit.url", e.getMessage());
            return null;
        }
    }

    private List<InboundTrunk> inbound(Object node) {
        List<InboundTrunk> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<?> list = tree.list(node, "trunks.inbound");
        for (int i = 0; i < list.size(); i++) {
            String path = "trunks.inbound[" + i + "]";
            Map<String, Object> m = tree.map(list.get(i), path);
            if (m == null) continue;
            tree.unknownKeys(m, Set.of("name", "sources", "auth", "numbers", "maxCalls"), path);
            String name = name(m, path, names);
            List<String> sources = new ArrayList<>();
            List<?> src = tree.list(m.get("sources"), path + ".sources");
            if (src.isEmpty()) tree.problem(path + ".sources", "required: the IPs or CIDRs calls come from");
            for (int j = 0; j < src.size(); j++) {
                String s = tree.text(src.get(j), path + ".sources[" + j + "]", null);
                if (s != null && !isAddressOrCidr(s)) {
                    tree.problem(path + ".sources[" + j + "]", "not an IP address or CIDR: " + s);
                } else if (s != null) {
                    sources.add(s);
                }
            }
            Credentials auth = m.get("auth") == null ? null : credentials(m.get("auth"), path + ".auth", true);
            List<String> numbers = new ArrayList<>();
            List<?> nums = tree.list(m.get("numbers"), path + ".numbers");
            for (int j = 0; j < nums.size(); j++) {
                if (!(nums.get(j) instanceof String)) {
                    tree.problem(path + ".numbers[" + j + "]", "write numbers in quotes, e.g. \"+33142000000\"");
                    continue;
                }
                String n = tree.text(nums.get(j), path + ".numbers[" + j + "]", null);
                if (n != null) numbers.add(n);
            }
            int maxCalls = tree.integer(m.get("maxCalls"), path + ".maxCalls", 100, 1, 100000);
            if (name != null) out.add(new InboundTrunk(name, sources, auth, numbers, maxCalls));
        }
        return out;
    }

    private List<OutboundTrunk> outbound(Object node) {
        List<OutboundTrunk> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<?> list = tree.list(node, "trunks.outbound");
        for (int i = 0; i < list.size(); i++) {
            String path = "trunks.outbound[" + i + "]";
            Map<String, Object> m = tree.map(list.get(i), path);
            if (m == null) continue;
            tree.unknownKeys(m, Set.of("name", "proxy", "transport", "auth", "register", "registerExpirySeconds",
                    "callerId", "prefixes", "numberFormat", "srtp"), path);
            String name = name(m, path, names);
            String proxy = tree.required(m, "proxy", path);
            String transport = tree.text(m.get("transport"), path + ".transport", "udp");
            if (!transport.equals("udp") && !transport.equals("tcp") && !transport.equals("tls")) {
                tree.problem(path + ".transport", "must be udp, tcp or tls, not " + transport);
            }
            Object rawSrtp = m.get("srtp");
            // YAML 1.1 reads an unquoted off as false.
            String srtpText = rawSrtp instanceof Boolean b ? (b ? "true" : "off")
                    : tree.text(rawSrtp, path + ".srtp", "off");
            SrtpMode srtp = switch (srtpText) {
                case "off" -> SrtpMode.OFF;
                case "optional" -> SrtpMode.OPTIONAL;
                case "mandatory" -> SrtpMode.MANDATORY;
                default -> {
                    tree.problem(path + ".srtp", "must be off, optional or mandatory, not " + srtpText);
                    yield SrtpMode.OFF;
                }
            };
            if (srtp != SrtpMode.OFF && !transport.equals("tls")) {
                // RFC 4568 §8.3: SDES keys are in clear in the SDP.
                tree.problem(path + ".srtp", srtpText + " needs transport: tls (SDES keys travel in the SDP)");
            }
            Credentials auth = m.get("auth") == null ? null : credentials(m.get("auth"), path + ".auth", false);
            boolean register = tree.bool(m.get("register"), path + ".register", false);
            if (register && auth == null) {
                tree.problem(path + ".auth", "required when register is true");
            }
            int expiry = tree.integer(m.get("registerExpirySeconds"), path + ".registerExpirySeconds", 600, 60, 86400);
            String callerId = tree.text(m.get("callerId"), path + ".callerId", null);
            List<String> prefixes = new ArrayList<>();
            List<?> pre = tree.list(m.get("prefixes"), path + ".prefixes");
            for (int j = 0; j < pre.size(); j++) {
                String p = tree.text(pre.get(j), path + ".prefixes[" + j + "]", null);
                if (p != null) prefixes.add(p);
            }
            String format = tree.text(m.get("numberFormat"), path + ".numberFormat", "e164");
            if (!format.equals("e164") && !format.equals("national")) {
                tree.problem(path + ".numberFormat", "must be e164 or national, not " + format);
            }
            if (name != null && proxy != null) {
                out.add(new OutboundTrunk(name, proxy, transport, auth, register, Duration.ofSeconds(expiry), callerId,
                        prefixes, format, srtp));
            }
        }
        return out;
    }

    /** @param inbound whether {@code algorithms} (what we challenge with) may be set */
    private Credentials credentials(Object node, String path, boolean inbound) {
        Map<String, Object> m = tree.map(node, path);
        if (m == null) return null;
        tree.unknownKeys(m, inbound ? Set.of("username", "password", "realm", "algorithms")
                : Set.of("username", "password", "realm"), path);
        String user = tree.required(m, "username", path);
        String password = tree.required(m, "password", path);
        String realm = tree.text(m.get("realm"), path + ".realm", "passerelle");
        List<String> algorithms = new ArrayList<>();
        List<?> algs = tree.list(m.get("algorithms"), path + ".algorithms");
        for (int j = 0; j < algs.size(); j++) {
            String a = tree.text(algs.get(j), path + ".algorithms[" + j + "]", null);
            if (a == null) continue;
            if (!a.equals("SHA-256") && !a.equals("MD5")) {
                tree.problem(path + ".algorithms[" + j + "]", "must be SHA-256 or MD5, not " + a);
            } else if (algorithms.contains(a)) {
                tree.problem(path + ".algorithms[" + j + "]", a + " is listed twice");
            } else {
                algorithms.add(a);
            }
        }
        return user == null || password == null ? null : new Credentials(user, password, realm, algorithms);
    }

    private Map<String, PinDirectory> pins(Object node) {
        Map<String, PinDirectory> out = new LinkedHashMap<>();
        if (node == null) return out;
        Map<String, Object> m = tree.map(node, "pins");
        if (m == null) return out;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String path = "pins." + e.getKey();
            if (!NAME.matcher(e.getKey()).matches()) {
                tree.problem(path, "directory names may hold letters, digits, - _ .");
                continue;
            }
            Map<String, Object> d = tree.map(e.getValue(), path);
            if (d == null) continue;
            tree.unknownKeys(d, Set.of("static", "http"), path);
            if (d.size() != 1) {
                tree.problem(path, "give one of static or http");
                continue;
            }
            if (d.containsKey("static")) {
                Map<String, Object> pins = tree.map(d.get("static"), path + ".static");
                if (pins == null) continue;
                Map<String, String> pinToRoom = new LinkedHashMap<>();
                for (Map.Entry<String, Object> p : pins.entrySet()) {
                    String ppath = path + ".static." + p.getKey();
                    if (!p.getKey().matches("[0-9]{1,20}")) {
                        tree.problem(path + ".static", "PINs are 1 to 20 digits (write them in quotes)");
                        continue;
                    }
                    String room = tree.text(p.getValue(), ppath, null);
                    if (room != null && !DialPlan.isValidRoomName(room)) {
                        tree.problem(ppath, "not a valid room name: " + room);
                    } else if (room != null) {
                        pinToRoom.put(p.getKey(), room);
                    }
                }
                out.put(e.getKey(), new StaticPinDirectory(pinToRoom));
            } else {
                Map<String, Object> h = tree.map(d.get("http"), path + ".http");
                if (h == null) continue;
                tree.unknownKeys(h, Set.of("url", "token", "timeoutSeconds"), path + ".http");
                String url = tree.required(h, "url", path + ".http");
                String token = tree.text(h.get("token"), path + ".http.token", null);
                int timeout = tree.integer(h.get("timeoutSeconds"), path + ".http.timeoutSeconds", 3, 1, 30);
                URI uri = null;
                if (url != null) {
                    try {
                        uri = URI.create(url);
                        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                            tree.problem(path + ".http.url", "must be an http:// or https:// URL, not " + url);
                            uri = null;
                        }
                    } catch (IllegalArgumentException ex) {
                        tree.problem(path + ".http.url", "not a URL: " + url);
                    }
                }
                if (uri != null) out.put(e.getKey(), new HttpPinDirectory(uri, token, Duration.ofSeconds(timeout)));
            }
        }
        return out;
    }

    private Telephony.Ivr ivr(Object node) {
        Telephony.Ivr d = Telephony.Ivr.defaults();
        if (node == null) return d;
        Map<String, Object> m = tree.map(node, "ivr");
        if (m == null) return d;
        tree.unknownKeys(m, Set.of("promptsDir", "digitTimeoutSeconds", "lockout"), "ivr");
        String dir = tree.text(m.get("promptsDir"), "ivr.promptsDir", null);
        int digit = tree.integer(m.get("digitTimeoutSeconds"), "ivr.digitTimeoutSeconds", 10, 2, 60);
        int failures = d.lockFailures();
        int window = (int) d.lockWindow().toMinutes();
        int lock = (int) d.lockDuration().toMinutes();
        if (m.get("lockout") != null) {
            Map<String, Object> l = tree.map(m.get("lockout"), "ivr.lockout");
            if (l != null) {
                tree.unknownKeys(l, Set.of("failures", "windowMinutes", "lockMinutes"), "ivr.lockout");
                failures = tree.integer(l.get("failures"), "ivr.lockout.failures", failures, 1, 100);
                window = tree.integer(l.get("windowMinutes"), "ivr.lockout.windowMinutes", window, 1, 1440);
                lock = tree.integer(l.get("lockMinutes"), "ivr.lockout.lockMinutes", lock, 1, 1440);
            }
        }
        return new Telephony.Ivr(dir == null ? null : Path.of(dir), Duration.ofSeconds(digit), failures,
                Duration.ofMinutes(window), Duration.ofMinutes(lock));
    }

    private String name(Map<String, Object> m, String path, Set<String> seen) {
        String name = tree.required(m, "name", path);
        if (name == null) return null;
        if (!NAME.matcher(name).matches()) {
            tree.problem(path + ".name", "names may hold letters, digits, - _ . (at most 64)");
            return null;
        }
        if (!seen.add(name)) {
            tree.problem(path + ".name", "another trunk is already named " + name);
            return null;
        }
        return name;
    }

    /** An IPv4 or IPv6 literal, optionally with /prefix; never a host name (no DNS at config time). */
    static boolean isAddressOrCidr(String s) {
        String addr = s;
        int prefix = -1;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            addr = s.substring(0, slash);
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (IPV4.matcher(addr).matches()) {
            for (String part : addr.split("\\.")) if (Integer.parseInt(part) > 255) return false;
            return slash < 0 || (prefix >= 0 && prefix <= 32);
        }
        if (addr.contains(":") && addr.matches("[0-9A-Fa-f:.]+")) {
            try {
                java.net.InetAddress.getByName(addr); // a literal: no DNS lookup
            } catch (java.net.UnknownHostException e) {
                return false;
            }
            return slash < 0 || (prefix >= 0 && prefix <= 128);
        }
        return false;
    }
}
