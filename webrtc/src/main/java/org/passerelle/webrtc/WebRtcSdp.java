package org.passerelle.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WebRTC-flavoured SDP (RFC 8829 JSEP, RFC 8866): reads a browser's offer or an SFU's answer and
 * writes ours, for one BUNDLEd audio m-line carrying Opus. javax.sdp models classic SIP SDP, not
 * BUNDLE/ICE/DTLS attributes, so this is a small line-based reader and writer.
 */
public final class WebRtcSdp {
    private WebRtcSdp() {}

    /** DTLS role attribute (RFC 4145 §4, RFC 5763 §5). */
    public enum Setup {
        ACTPASS, ACTIVE, PASSIVE, HOLDCONN;

        static Setup parse(String v) {
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "actpass" -> ACTPASS;
                case "active" -> ACTIVE;
                case "passive" -> PASSIVE;
                default -> HOLDCONN;
            };
        }

        String sdp() { return name().toLowerCase(Locale.ROOT); }
    }

    /** One m-line we do not take (video, data channel, a second audio): answered with port 0. */
    public record OtherMedia(String media, String proto, String firstFormat, String mid) {}

    /**
     * What we need from the remote description.
     *
     * @param fingerprintAlgorithm e.g. "sha-256", lower case
     * @param fingerprint          colon-separated hex, upper case
     * @param opusPayloadType      the remote's payload type for opus/48000/2
     * @param mLineIndex           position of our audio m-line among all m-lines
     * @param others               the m-lines before and after ours, in order, without ours
     */
    public record Remote(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint,
                         Setup setup, String mid, int opusPayloadType, String opusFmtp,
                         List<Candidate> candidates, boolean endOfCandidates, boolean rtcpMux,
                         String direction, int mLineIndex, List<OtherMedia> others) {}

    /**
     * Our side of the description.
     *
     * @param fingerprint sha-256, colon-separated hex
     */
    public record Local(long sessionId, String iceUfrag, String icePwd, String fingerprint, Setup setup,
                        String mid, int opusPayloadType, long ssrc, String cname, String streamId,
                        String trackId, List<Candidate> candidates) {}

    /** An ICE candidate attribute (RFC 8839 §5.1); types host, srflx, prflx, relay. */
    public record Candidate(String foundation, int component, String transport, long priority,
                            String address, int port, String type, String relatedAddress, int relatedPort) {

        /** Parses "candidate:..." with or without "a=". */
        public static Candidate parse(String line) throws WebRtcException {
            String s = line.trim();
            if (s.startsWith("a=")) s = s.substring(2);
            if (!s.startsWith("candidate:")) throw new WebRtcException("not a candidate: " + line);
            String[] t = s.substring("candidate:".length()).trim().split("\\s+");
            if (t.length < 8 || !"typ".equalsIgnoreCase(t[6])) {
                throw new WebRtcException("malformed candidate: " + line);
            }
            try {
                String relAddr = null;
                int relPort = -1;
                for (int i = 8; i + 1 < t.length; i += 2) {
                    if (t[i].equals("raddr")) relAddr = t[i + 1];
                    else if (t[i].equals("rport")) relPort = Integer.parseInt(t[i + 1]);
                }
                return new Candidate(t[0], Integer.parseInt(t[1]), t[2].toLowerCase(Locale.ROOT),
                        Long.parseLong(t[3]), t[4], Integer.parseInt(t[5]), t[7].toLowerCase(Locale.ROOT),
                        relAddr, relPort);
            } catch (NumberFormatException e) {
                throw new WebRtcException("malformed candidate: " + line, e);
            }
        }

        /** The attribute value, without "a=". */
        public String toSdp() {
            StringBuilder b = new StringBuilder("candidate:").append(foundation).append(' ').append(component)
                    .append(' ').append(transport).append(' ').append(priority).append(' ').append(address)
                    .append(' ').append(port).append(" typ ").append(type);
            if (relatedAddress != null) b.append(" raddr ").append(relatedAddress).append(" rport ").append(relatedPort);
            return b.append(" generation 0").toString();
        }

        /** Usable by us: UDP, RTP component, a literal address (not an mDNS ".local" name). */
        public boolean usable() {
            return "udp".equals(transport) && component == 1 && !address.endsWith(".local");
        }
    }

    /** Reads an offer or answer; the first audio m-line with opus/48000/2 is ours. */
    public static Remote parse(String sdp) throws WebRtcException {
        if (sdp == null || sdp.isBlank()) throw new WebRtcException("empty SDP");
        String sUfrag = null, sPwd = null, sFpAlg = null, sFp = null;
        Setup sSetup = null;
        List<OtherMedia> others = new ArrayList<>();
        // the audio section being read, and the one kept
        Section cur = null, ours = null;
        int index = -1, oursIndex = -1;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.length() < 2 || line.charAt(1) != '=') continue;
            char k = line.charAt(0);
            String v = line.substring(2);
            if (k == 'm') {
                if (cur != null) {
                    if (ours == null && cur.acceptable()) { ours = cur; oursIndex = index; }
                    else others.add(cur.asOther());
                }
                index++;
                cur = new Section(v);
                continue;
            }
            if (k != 'a') continue;
            int colon = v.indexOf(':');
            String name = colon < 0 ? v : v.substring(0, colon);
            String value = colon < 0 ? "" : v.substring(colon + 1).trim();
            if (cur == null) { // session level (Firefox puts the fingerprint here)
                switch (name) {
                    case "ice-ufrag" -> sUfrag = value;
                    case "ice-pwd" -> sPwd = value;
                    case "fingerprint" -> { String[] f = value.split("\\s+", 2); sFpAlg = f[0]; sFp = f.length > 1 ? f[1] : null; }
                    case "setup" -> sSetup = Setup.parse(value);
                    default -> { }
                }
            } else {
                cur.attribute(name, value, line);
            }
        }
        if (cur != null) {
            if (ours == null && cur.acceptable()) { ours = cur; oursIndex = index; }
            else others.add(cur.asOther());
        }
        if (ours == null) throw new WebRtcException("the SDP has no audio m-line with opus/48000/2");
        String ufrag = ours.ufrag != null ? ours.ufrag : sUfrag;
        String pwd = ours.pwd != null ? ours.pwd : sPwd;
        String fpAlg = ours.fpAlg != null ? ours.fpAlg : sFpAlg;
        String fp = ours.fp != null ? ours.fp : sFp;
        Setup setup = ours.setup != null ? ours.setup : sSetup != null ? sSetup : Setup.ACTPASS;
        if (ufrag == null || pwd == null) throw new WebRtcException("the SDP has no a=ice-ufrag/a=ice-pwd");
        if (fpAlg == null || fp == null) throw new WebRtcException("the SDP has no a=fingerprint (DTLS-SRTP is required)");
        if (!ours.proto.contains("SAVPF") && !ours.proto.contains("SAVP")) {
            throw new WebRtcException("audio m-line is not DTLS-SRTP: " + ours.proto);
        }
        return new Remote(ufrag, pwd, fpAlg.toLowerCase(Locale.ROOT), fp.toUpperCase(Locale.ROOT), setup,
                ours.mid != null ? ours.mid : "0", ours.opusPt, ours.opusFmtp, List.copyOf(ours.candidates),
                ours.endOfCandidates, ours.rtcpMux, ours.direction, oursIndex, List.copyOf(others));
    }

    /** Our answer: same m-line order as the offer, ours BUNDLEd, the rest rejected (RFC 8829 §5.3). */
    public static String answer(Remote offer, Local local) {
        StringBuilder b = new StringBuilder(1024);
        session(b, local);
        int total = offer.others().size() + 1;
        int other = 0;
        for (int i = 0; i < total; i++) {
            if (i == offer.mLineIndex()) {
                audio(b, local, answerDirection(offer.direction()));
            } else {
                OtherMedia o = offer.others().get(other++);
                // RFC 8829 §5.3.1: a rejected m-line has port 0 and keeps its mid
                line(b, "m=" + o.media() + " 0 " + o.proto() + " " + o.firstFormat());
                line(b, "c=IN IP4 0.0.0.0");
                if (o.mid() != null) line(b, "a=mid:" + o.mid());
                line(b, "a=inactive");
            }
        }
        return b.toString();
    }

    /** Our offer (client role): one audio m-line, setup:actpass. */
    public static String offer(Local local) {
        StringBuilder b = new StringBuilder(1024);
        session(b, local);
        audio(b, local, "sendrecv");
        return b.toString();
    }

    private static String answerDirection(String offered) {
        return switch (offered) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            case "inactive" -> "inactive";
            default -> "sendrecv";
        };
    }

    private static void session(StringBuilder b, Local l) {
        line(b, "v=0");
        line(b, "o=- " + l.sessionId() + " 2 IN IP4 127.0.0.1");
        line(b, "s=-");
        line(b, "t=0 0");
        // RFC 8843 §7: the BUNDLE group names our (only) m-line
        line(b, "a=group:BUNDLE " + l.mid());
        line(b, "a=msid-semantic: WMS " + l.streamId());
    }

    private static void audio(StringBuilder b, Local l, String direction) {
        int pt = l.opusPayloadType();
        Candidate def = l.candidates().isEmpty() ? null : l.candidates().getFirst();
        // RFC 8839 §4.2.1.1: c= and m= port carry the default candidate
        line(b, "m=audio " + (def != null ? def.port() : 9) + " UDP/TLS/RTP/SAVPF " + pt);
        line(b, "c=IN IP4 " + (def != null && def.address().indexOf(':') < 0 ? def.address() : "0.0.0.0"));
        line(b, "a=rtcp:9 IN IP4 0.0.0.0");
        line(b, "a=ice-ufrag:" + l.iceUfrag());
        line(b, "a=ice-pwd:" + l.icePwd());
        line(b, "a=fingerprint:sha-256 " + l.fingerprint());
        line(b, "a=setup:" + l.setup().sdp());
        line(b, "a=mid:" + l.mid());
        line(b, "a=" + direction);
        line(b, "a=msid:" + l.streamId() + " " + l.trackId());
        line(b, "a=rtcp-mux");
        line(b, "a=rtpmap:" + pt + " opus/48000/2");
        line(b, "a=fmtp:" + pt + " minptime=10;useinbandfec=1");
        line(b, "a=ssrc:" + l.ssrc() + " cname:" + l.cname());
        line(b, "a=ssrc:" + l.ssrc() + " msid:" + l.streamId() + " " + l.trackId());
        for (Candidate c : l.candidates()) line(b, "a=" + c.toSdp());
        line(b, "a=end-of-candidates");
    }

    private static void line(StringBuilder b, String s) {
        b.append(s).append("\r\n");
    }

    /** One m-line while it is being read. */
    private static final class Section {
        final String media, proto, firstFormat;
        final List<String> formats = new ArrayList<>();
        final boolean rejected;
        String ufrag, pwd, fpAlg, fp, mid, opusFmtp, direction = "sendrecv";
        Setup setup;
        int opusPt = -1;
        boolean rtcpMux, endOfCandidates;
        final List<Candidate> candidates = new ArrayList<>();
        final java.util.Map<String, String> fmtps = new java.util.HashMap<>();

        Section(String mline) {
            String[] t = mline.trim().split("\\s+");
            media = t[0];
            rejected = t.length < 2 || "0".equals(t[1]);
            proto = t.length > 2 ? t[2] : "";
            for (int i = 3; i < t.length; i++) formats.add(t[i]);
            firstFormat = formats.isEmpty() ? "0" : formats.getFirst();
        }

        void attribute(String name, String value, String line) throws WebRtcException {
            switch (name) {
                case "ice-ufrag" -> ufrag = value;
                case "ice-pwd" -> pwd = value;
                case "fingerprint" -> { String[] f = value.split("\\s+", 2); fpAlg = f[0]; fp = f.length > 1 ? f[1] : null; }
                case "setup" -> setup = Setup.parse(value);
                case "mid" -> mid = value;
                case "rtcp-mux" -> rtcpMux = true;
                case "end-of-candidates" -> endOfCandidates = true;
                case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = name;
                case "candidate" -> {
                    try {
                        candidates.add(Candidate.parse(line));
                    } catch (WebRtcException e) {
                        // a candidate we cannot read is ignored, as browsers do (RFC 8839 §5.1)
                    }
                }
                case "rtpmap" -> {
                    // a=rtpmap:111 opus/48000/2
                    String[] t = value.split("\\s+", 2);
                    if (t.length == 2 && opusPt < 0 && formats.contains(t[0])
                            && t[1].trim().equalsIgnoreCase("opus/48000/2")) {
                        try { opusPt = Integer.parseInt(t[0]); } catch (NumberFormatException ignored) { }
                    }
                }
                case "fmtp" -> {
                    // Firefox writes its fmtp lines before the rtpmap lines
                    String[] t = value.split("\\s+", 2);
                    if (t.length == 2) fmtps.putIfAbsent(t[0], t[1]);
                }
                default -> { }
            }
        }

        boolean acceptable() {
            if (opusPt >= 0) opusFmtp = fmtps.get(Integer.toString(opusPt));
            return "audio".equals(media) && !rejected && opusPt >= 0;
        }

        OtherMedia asOther() {
            return new OtherMedia(media, proto, firstFormat, mid);
        }
    }
}
