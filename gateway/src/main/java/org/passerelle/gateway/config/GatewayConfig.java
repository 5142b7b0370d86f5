package org.passerelle.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.passerelle.sip.tls.SipTls;
import org.passerelle.sip.tls.TlsFileException;
import org.passerelle.transcoder.codec.AudioCodec;

/**
 * The gateway's YAML config: listen addresses, ports and media settings. Every field is optional;
 * what is missing keeps its embedded default. {@link #load(Path)} reports every problem at once,
 * each with its path and line, so an admin fixes the file in one go.
 *
 * <pre>
 * sip:
 *   bind: 0.0.0.0
 *   port: 5060
 *   publicAddress: 203.0.113.10   # written in Contact and SDP when behind NAT
 *   rtpPorts: 20000-30000
 *   rtpTimeoutSeconds: 30
 *   codecs: [opus, G722, PCMU, PCMA]   # preference order
 *   tls: {port: 5061, certificate: /etc/passerelle/cert.pem, privateKey: /etc/passerelle/key.pem}
 * http:
 *   port: 8080
 *   browserTimeoutSeconds: 20     # a browser silent this long (no pong, no message) leaves its room
 * rooms:
 *   maxParticipants: 50           # per room, phones and browsers together
 *   maxRooms: 200                 # open at once
 * webrtc:
 *   portRange: 40000-49999        # UDP ports for ICE
 *   publicAddress: 203.0.113.10   # advertised in ICE candidates behind 1:1 NAT (default: sip.publicAddress)
 * </pre>
 * and the telephony sections read by {@link TelephonyParser}: trunks, pins, dialplan, ivr.
 * Errors name their path and line: {@code trunks.inbound[1].auth.password: required (line 14)}.
 */
public record GatewayConfig(String bind, int sipPort, String publicAddress, int rtpPortMin, int rtpPortMax,
                            Duration rtpTimeout, List<AudioCodec> codecs, int httpPort,
                            Duration browserTimeout, int maxParticipants, int maxRooms,
                            int webRtcPortMin, int webRtcPortMax, String webRtcPublicAddress,
                            Telephony telephony, SipTls sipTls) {

    /** Without SIP over TLS. */
    public GatewayConfig(String bind, int sipPort, String publicAddress, int rtpPortMin, int rtpPortMax,
                         Duration rtpTimeout, List<AudioCodec> codecs, int httpPort, Duration browserTimeout,
                         int maxParticipants, int maxRooms, int webRtcPortMin, int webRtcPortMax,
                         String webRtcPublicAddress, Telephony telephony) {
        this(bind, sipPort, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout, codecs, httpPort, browserTimeout,
                maxParticipants, maxRooms, webRtcPortMin, webRtcPortMax, webRtcPublicAddress, telephony, null);
    }

    /** The SIP and HTTP settings alone; the rest keeps its defaults. */
    public GatewayConfig(String bind, int sipPort, String publicAddress, int rtpPortMin, int rtpPortMax,
                         Duration rtpTimeout, List<AudioCodec> codecs, int httpPort) {
        this(bind, sipPort, publicAddress, rtpPortMin, rtpPortMax, rtpTimeout, codecs, httpPort,
                Duration.ofSeconds(20), 50, 200, 40000, 49999, null, Telephony.defaults());
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 5060, null, 20000, 30000, Duration.ofSeconds(30),
                List.of(AudioCodec.OPUS, AudioCodec.G722, AudioCodec.PCMU, AudioCodec.PCMA), 8080);
    }

    public static GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot be read: " + e.getMessage()));
        }
        return parse(file.toString(), text);
    }

    public static GatewayConfig parse(String source, String yaml) throws ConfigException {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(source, List.of("not valid YAML" + (loc != null ? " (line " + loc.getLineNr()
                    + ")" : "") + ": " + e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) return defaults();
        Reader r = new Reader();
        if (!root.isObject()) {
            throw new ConfigException(source, List.of("(top): must be a mapping with sections sip, http, rooms, "
                    + "webrtc, trunks, pins, dialplan, ivr, livekit"));
        }
        r.onlyKeys("", root, Set.of("sip", "http", "rooms", "webrtc", "trunks", "pins", "dialplan", "ivr", "livekit"));
        GatewayConfig d = defaults();
        JsonNode sip = r.section("sip", root.get("sip"), Set.of("bind", "port", "publicAddress", "rtpPorts",
                "rtpTimeoutSeconds", "codecs", "directCalls", "tls"));
        JsonNode http = r.section("http", root.get("http"), Set.of("port", "browserTimeoutSeconds"));
        JsonNode roomsNode = r.section("rooms", root.get("rooms"), Set.of("maxParticipants", "maxRooms"));
        JsonNode webrtc = r.section("webrtc", root.get("webrtc"), Set.of("portRange", "publicAddress"));

        String bind = r.text("sip.bind", sip.get("bind"), d.bind());
        int sipPort = r.port("sip.port", sip.get("port"), d.sipPort());
        String publicAddress = r.text("sip.publicAddress", sip.get("publicAddress"), null);
        int[] range = r.portRange("sip.rtpPorts", sip.get("rtpPorts"), d.rtpPortMin(), d.rtpPortMax());
        int timeout = r.integer("sip.rtpTimeoutSeconds", sip.get("rtpTimeoutSeconds"),
                (int) d.rtpTimeout().toSeconds(), 1, 3600);
        List<AudioCodec> codecs = r.codecs("sip.codecs", sip.get("codecs"), d.codecs());
        SipTls sipTls = r.tls("sip.tls", sip.get("tls"), sipPort);
        int httpPort = r.port("http.port", http.get("port"), d.httpPort());
        int browserTimeout = r.integer("http.browserTimeoutSeconds", http.get("browserTimeoutSeconds"),
                (int) d.browserTimeout().toSeconds(), 5, 3600);
        int maxParticipants = r.integer("rooms.maxParticipants", roomsNode.get("maxParticipants"),
                d.maxParticipants(), 1, 10000);
        int maxRooms = r.integer("rooms.maxRooms", roomsNode.get("maxRooms"), d.maxRooms(), 1, 100000);
        int[] iceRange = r.portRange("webrtc.portRange", webrtc.get("portRange"), d.webRtcPortMin(),
                d.webRtcPortMax());
        String webRtcPublic = r.text("webrtc.publicAddress", webrtc.get("publicAddress"), null);

        @SuppressWarnings("unchecked")
        Map<String, Object> tree = new ObjectMapper().convertValue(root, Map.class);
        TelephonyParser telephonyParser = new TelephonyParser();
        Telephony telephony = telephonyParser.parse(tree, sip.isObject() ? tree.get("sip") instanceof Map<?, ?> m
                ? m.get("directCalls") : null : null);

        if (sip.get("tls") == null) {
            // Our TLS client runs on the TLS listening point: a tls trunk needs sip.tls.
            JsonNode out = root.path("trunks").path("outbound");
            for (int i = 0; out.isArray() && i < out.size(); i++) {
                if ("tls".equals(out.get(i).path("transport").asText())) {
                    r.errors.add("trunks.outbound[" + i + "].transport: tls needs sip.tls (our certificate and TLS port)");
                }
            }
        }
        List<String> errors = new ArrayList<>();
        YamlLines lines = YamlLines.of(yaml);
        for (String e : r.errors) {
            int colon = e.indexOf(": ");
            errors.add(colon > 0 ? lines.locate(e.substring(0, colon), e.substring(colon + 2)) : e);
        }
        for (var p : telephonyParser.problems()) errors.add(lines.locate(p.path(), p.message()));
        if (!errors.isEmpty()) throw new ConfigException(source, errors);
        return new GatewayConfig(bind, sipPort, publicAddress, range[0], range[1], Duration.ofSeconds(timeout),
                codecs, httpPort, Duration.ofSeconds(browserTimeout), maxParticipants, maxRooms, iceRange[0],
                iceRange[1], webRtcPublic, telephony, sipTls);
    }

    /** Collects errors instead of stopping at the first. */
    private static final class Reader {
        final List<String> errors = new ArrayList<>();
        private static final JsonNode EMPTY = new ObjectMapper().createObjectNode();

        void onlyKeys(String path, JsonNode node, Set<String> allowed) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                String key = it.next().getKey();
                if (!allowed.contains(key)) {
                    errors.add((path.isEmpty() ? key : path + "." + key) + ": unknown setting (expected one of "
                            + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        JsonNode section(String path, JsonNode node, Set<String> allowed) {
            if (node == null || node.isNull()) return EMPTY;
            if (!node.isObject()) {
                errors.add(path + ": must be a mapping");
                return EMPTY;
            }
            onlyKeys(path, node, allowed);
            return node;
        }

        String text(String path, JsonNode node, String dflt) {
            if (node == null || node.isNull()) return dflt;
            if (!node.isTextual() || node.asText().isBlank()) {
                errors.add(path + ": must be a non-empty string");
                return dflt;
            }
            return node.asText().trim();
        }

        int integer(String path, JsonNode node, int dflt, int min, int max) {
            if (node == null || node.isNull()) return dflt;
            if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                errors.add(path + ": must be a whole number, not " + node);
                return dflt;
            }
            int v = node.asInt();
            if (v < min || v > max) {
                errors.add(path + ": must be " + min + "-" + max + ", not " + v);
                return dflt;
            }
            return v;
        }

        int port(String path, JsonNode node, int dflt) {
            return integer(path, node, dflt, 1, 65535);
        }

        int[] portRange(String path, JsonNode node, int min, int max) {
            if (node == null || node.isNull()) return new int[] {min, max};
            int[] parsed = parseRange(node.asText());
            if (parsed == null) {
                errors.add(path + ": must be MIN-MAX with 1024 <= MIN < MAX <= 65535, not " + node.asText());
                return new int[] {min, max};
            }
            return parsed;
        }

        /**
         * sip.tls: {port, certificate, privateKey}; both files are read now, so a missing file, an
         * unreadable key or a key of another certificate refuses the file (at start and on reload).
         */
        SipTls tls(String path, JsonNode node, int sipPort) {
            if (node == null || node.isNull()) return null;
            JsonNode t = section(path, node, Set.of("port", "certificate", "privateKey", "trustedCertificates"));
            if (t.isEmpty()) return null;
            int before = errors.size();
            int port = port(path + ".port", t.get("port"), SipTls.DEFAULT_PORT);
            String cert = text(path + ".certificate", t.get("certificate"), null);
            String key = text(path + ".privateKey", t.get("privateKey"), null);
            if (cert == null && t.get("certificate") == null) errors.add(path + ".certificate: required (a PEM file)");
            if (key == null && t.get("privateKey") == null) errors.add(path + ".privateKey: required (a PEM file)");
            if (port == sipPort && errors.size() == before) {
                errors.add(path + ".port: must differ from sip.port " + sipPort + " (TCP uses it)");
            }
            String trusted = text(path + ".trustedCertificates", t.get("trustedCertificates"), null);
            if (errors.size() > before) return null;
            SipTls tls = new SipTls(port, Path.of(cert), Path.of(key), trusted == null ? null : Path.of(trusted));
            try {
                tls.load();
                tls.loadTrusted();
            } catch (TlsFileException e) {
                errors.add(path + "." + e.getMessage());
                return null;
            }
            return tls;
        }

        List<AudioCodec> codecs(String path, JsonNode node, List<AudioCodec> dflt) {
            if (node == null || node.isNull()) return dflt;
            if (!node.isArray() || node.isEmpty()) {
                errors.add(path + ": must be a non-empty list such as [opus, G722, PCMU, PCMA]");
                return dflt;
            }
            List<AudioCodec> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                String name = node.get(i).asText();
                AudioCodec c = byName(name);
                if (c == null) {
                    errors.add(path + "[" + i + "]: unknown codec " + name + " (known: opus, G722, PCMU, PCMA)");
                } else if (out.contains(c)) {
                    errors.add(path + "[" + i + "]: " + name + " is listed twice");
                } else {
                    out.add(c);
                }
            }
            return out.isEmpty() ? dflt : List.copyOf(out);
        }
    }

    /** Parses "MIN-MAX" (an RTP port range); null when malformed or out of bounds. */
    public static int[] parseRange(String text) {
        String[] parts = text.trim().split("-");
        if (parts.length != 2) return null;
        try {
            int min = Integer.parseInt(parts[0].trim());
            int max = Integer.parseInt(parts[1].trim());
            if (min < 1024 || max > 65535 || max - min < 2) return null;
            return new int[] {min, max};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static AudioCodec byName(String name) {
        for (AudioCodec c : AudioCodec.values()) {
            if (c.sdpName().toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT))) return c;
        }
        return null;
    }
}
