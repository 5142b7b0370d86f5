package org.passerelle.webrtc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * WebRTC-flavoured SDP (RFC 8829 JSEP, RFC 8866): reads a browser's offer or an SFU's answer and
 * writes ours, for one BUNDLEd audio m-line carrying Opus. javax.sdp models classic SIP SDP, not
 * BUNDLE/ICE/DTLS attributes, so this is a small line-based reader and writer.
 */
public final class WebRtcSdp {
    private WebRtcSdp() {}

    /** RFC 8841 §4.1. */
    static final String DATA_PROTO = "UDP/DTLS/SCTP", DATA_FORMAT = "webrtc-datachannel";
    /** Our a=max-message-size (RFC 8841 §6): what the SCTP association accepts. */
    public static final int MAX_MESSAGE_SIZE = 262144;

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

        /**
         * Our role when answering an offer that says this: passive to an active offerer, active
         * otherwise. RFC 5763 §5 recommends active to an actpass offer (as JSEP, RFC 8829 §5.3.1,
         * does): our ClientHello goes out the moment our ICE completes, with no wait for the
         * offerer's first flight.
         */
        public Setup answer() {
            return this == ACTIVE ? PASSIVE : ACTIVE;
        }
    }

    /** One m-line we do not take (video, data channel, a second audio): answered with port 0. */
    public record OtherMedia(String media, String proto, String firstFormat, String mid) {}

    /** One a=ssrc source of an m-line (RFC 5576 §4.1), with its a=ssrc msid (RFC 8830 §2) when given. */
    public record Ssrc(long ssrc, String cname, String streamId, String trackId) {}

    /**
     * One m-line of a remote description, whatever its kind.
     *
     * @param index           position among all m-lines
     * @param port            0 when the remote rejected or stopped it (RFC 8829 §5.2.2)
     * @param direction       sendrecv, sendonly, recvonly or inactive, as the remote wrote it
     * @param opusPayloadType the payload type of opus/48000/2, or -1
     * @param streamId        a=msid stream id (media level, else of the first source), or null
     * @param trackId         a=msid track id, or null
     * @param ssrcs           the primary sources; RTX/FEC repair sources of a=ssrc-group are left out
     */
    public record Media(int index, String media, String proto, int port, String firstFormat, String mid,
                        String direction, int opusPayloadType, String opusFmtp, String streamId, String trackId,
                        List<Ssrc> ssrcs) {
        public boolean rejected() { return port == 0; }

        /** An audio m-line we can take: not rejected, DTLS-SRTP, with Opus. */
        public boolean opusAudio() {
            return "audio".equals(media) && port != 0 && opusPayloadType >= 0 && proto.contains("SAVP");
        }

        /** An SCTP data channel m-line (RFC 8841). */
        public boolean dataChannel() { return "application".equals(media) && proto.contains("SCTP"); }

        /** The remote sends media on it (sendrecv or sendonly). */
        public boolean remoteSends() { return "sendrecv".equals(direction) || "sendonly".equals(direction); }

        /** The remote accepts media from us on it (sendrecv or recvonly). */
        public boolean remoteReceives() { return "sendrecv".equals(direction) || "recvonly".equals(direction); }

        /** The mid, or the m-line index for a description without mids. */
        public String midOrIndex() { return mid != null ? mid : Integer.toString(index); }

        OtherMedia asOther() { return new OtherMedia(media, proto, firstFormat, mid); }
    }

    /**
     * What we need from the remote description.
     *
     * @param fingerprintAlgorithm e.g. "sha-256", lower case
     * @param fingerprint          colon-separated hex, upper case
     * @param opusPayloadType      the remote's payload type for opus/48000/2
     * @param mLineIndex           position of our audio m-line among all m-lines
     * @param others               the m-lines before and after ours, in order, without ours
     * @param iceLite              a=ice-lite at session level (RFC 8445 §2.5): the full agent controls
     * @param bundle               the mids of the first a=group:BUNDLE (RFC 8843), in order; empty when none
     * @param media                every m-line in order, ours included
     */
    public record Remote(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint,
                         Setup setup, String mid, int opusPayloadType, String opusFmtp,
                         List<Candidate> candidates, boolean endOfCandidates, boolean rtcpMux,
                         String direction, int mLineIndex, List<OtherMedia> others,
                         boolean iceLite, List<String> bundle, List<Media> media) {
        /** The first form, for callers made before multi-m-line support: no ice-lite, no BUNDLE list. */
        public Remote(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint,
                      Setup setup, String mid, int opusPayloadType, String opusFmtp,
                      List<Candidate> candidates, boolean endOfCandidates, boolean rtcpMux,
                      String direction, int mLineIndex, List<OtherMedia> others) {
            this(iceUfrag, icePwd, fingerprintAlgorithm, fingerprint, setup, mid, opusPayloadType, opusFmtp,
                    candidates, endOfCandidates, rtcpMux, direction, mLineIndex, others, false, List.of(), List.of());
        }

        /** True when there is no Opus audio m-line: we can only carry the transport (e.g. data channels only). */
        public boolean noAudio() { return mLineIndex < 0; }

        /** The m-line with this mid, or null. */
        public Media media(String mid) {
            for (Media m : media) if (mid.equals(m.mid())) return m;
            return null;
        }
    }

    /**
     * Our side of the description.
     *
     * @param fingerprint sha-256, colon-separated hex
     */
    public record Local(long sessionId, String iceUfrag, String icePwd, String fingerprint, Setup setup,
                        String mid, int opusPayloadType, long ssrc, String cname, String streamId,
                        String trackId, List<Candidate> candidates) {}

    /** One more audio track we send (client role with several m-lines): its own mid and SSRC. */
    public record SendTrack(String mid, long ssrc, String streamId, String trackId) {}

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

    /**
     * Reads an offer or answer; the first audio m-line with opus/48000/2 is ours. An offer with no
     * such m-line at all (an SFU's first offer carrying only data channels) is read when
     * {@code allowNoAudio}: then {@link Remote#noAudio()} and the transport attributes come from
     * the first m-line that is not rejected.
     */
    public static Remote parse(String sdp, boolean allowNoAudio) throws WebRtcException {
        if (sdp == null || sdp.isBlank()) throw new WebRtcException("empty SDP");
        String sUfrag = null, sPwd = null, sFpAlg = null, sFp = null;
        Setup sSetup = null;
        boolean iceLite = false;
        List<String> bundle = null;
        List<Section> sections = new ArrayList<>();
        Section cur = null;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.length() < 2 || line.charAt(1) != '=') continue;
            char k = line.charAt(0);
            String v = line.substring(2);
            if (k == 'm') {
                cur = new Section(v);
                sections.add(cur);
                continue;
            }
            if (k != 'a') continue;
            int colon = v.indexOf(':');
            String name = colon < 0 ? v : v.substring(0, colon);
            String value = colon < 0 ? "" : v.substring(colon + 1).trim();
            if (cur == null) { // session level (Firefox and pion may put the fingerprint here)
                switch (name) {
                    case "ice-ufrag" -> sUfrag = value;
                    case "ice-pwd" -> sPwd = value;
                    case "ice-lite" -> iceLite = true;
                    case "fingerprint" -> { String[] f = value.split("\\s+", 2); sFpAlg = f[0]; sFp = f.length > 1 ? f[1] : null; }
                    case "setup" -> sSetup = Setup.parse(value);
                    case "group" -> {
                        String[] t = value.split("\\s+");
                        // RFC 8843 §7.1: we use the first BUNDLE group
                        if (bundle == null && t.length > 0 && t[0].equals("BUNDLE")) {
                            bundle = List.of(t).subList(1, t.length);
                        }
                    }
                    default -> { }
                }
            } else {
                cur.attribute(name, value, line);
            }
        }
        List<Media> media = new ArrayList<>(sections.size());
        for (int i = 0; i < sections.size(); i++) media.add(sections.get(i).toMedia(i));
        int oursIndex = -1;
        for (Media m : media) {
            if (m.opusAudio()) { oursIndex = m.index(); break; }
        }
        int transportIndex = oursIndex;
        if (oursIndex < 0) {
            if (!allowNoAudio) throw new WebRtcException("the SDP has no audio m-line with opus/48000/2");
            for (Media m : media) {
                if (!m.rejected()) { transportIndex = m.index(); break; }
            }
            if (transportIndex < 0) throw new WebRtcException("the SDP has no m-line that is not rejected");
        }
        Section ours = sections.get(transportIndex);
        String ufrag = ours.ufrag != null ? ours.ufrag : sUfrag;
        String pwd = ours.pwd != null ? ours.pwd : sPwd;
        String fpAlg = ours.fpAlg != null ? ours.fpAlg : sFpAlg;
        String fp = ours.fp != null ? ours.fp : sFp;
        Setup setup = ours.setup != null ? ours.setup : sSetup != null ? sSetup : Setup.ACTPASS;
        if (ufrag == null || pwd == null) throw new WebRtcException("the SDP has no a=ice-ufrag/a=ice-pwd");
        if (fpAlg == null || fp == null) throw new WebRtcException("the SDP has no a=fingerprint (DTLS-SRTP is required)");
        if (oursIndex >= 0 && !ours.proto.contains("SAVPF") && !ours.proto.contains("SAVP")) {
            throw new WebRtcException("audio m-line is not DTLS-SRTP: " + ours.proto);
        }
        // with BUNDLE the transport's candidates may sit on any bundled m-line (pion: the first)
        List<Candidate> candidates = new ArrayList<>(ours.candidates);
        boolean endOfCandidates = ours.endOfCandidates;
        for (Section other : sections) {
            if (other == ours || other.mid == null || bundle == null || !bundle.contains(other.mid)) continue;
            candidates.addAll(other.candidates);
            endOfCandidates |= other.endOfCandidates;
        }
        List<OtherMedia> others = new ArrayList<>();
        for (Media m : media) if (m.index() != oursIndex) others.add(m.asOther());
        Media primary = media.get(transportIndex);
        return new Remote(ufrag, pwd, fpAlg.toLowerCase(Locale.ROOT), fp.toUpperCase(Locale.ROOT), setup,
                primary.mid() != null ? primary.mid() : "0", primary.opusPayloadType(), primary.opusFmtp(),
                List.copyOf(candidates), endOfCandidates, ours.rtcpMux, primary.direction(), oursIndex,
                List.copyOf(others), iceLite, bundle != null ? bundle : List.of(), List.copyOf(media));
    }

    /** Reads an offer or answer that must have an Opus audio m-line. */
    public static Remote parse(String sdp) throws WebRtcException {
        return parse(sdp, false);
    }

    /** Our answer: same m-line order as the offer, ours BUNDLEd, the rest rejected (RFC 8829 §5.3). */
    public static String answer(Remote offer, Local local) {
        return answer(offer, local, 2, Set.of());
    }

    /**
     * Our answer, first or to a re-offer (RFC 8829 §5.3, §5.3.2): the same m-lines in the same order.
     * Every Opus audio m-line is taken and BUNDLEd: the first the remote will receive on carries our
     * track (mirrored direction), the others only receive (recvonly, or inactive). Data channel
     * m-lines are rejected with port 0 (we do not speak SCTP) except when the offer has no audio
     * at all, or when {@code keepMids} (what our previous answer took) holds their mid: then they
     * are taken to carry the ICE/DTLS transport, and SCTP stays silent. Anything else: port 0.
     *
     * @param version the o= session version: 2 for the first answer, one more for each new one
     */
    public static String answer(Remote offer, Local local, long version, Set<String> keepMids) {
        return answer(offer, local, version, keepMids, true);
    }

    /**
     * As {@link #answer(Remote, Local, long, Set)}; with {@code send} false (an SFU's subscriber
     * connection) no m-line carries our track: every taken audio m-line is recvonly or inactive,
     * even where the offer says sendrecv (pion does, for LiveKit's subscriber transceivers).
     */
    public static String answer(Remote offer, Local local, long version, Set<String> keepMids, boolean send) {
        return answer(offer, local, version, keepMids, send, false);
    }

    /**
     * As {@link #answer(Remote, Local, long, Set, boolean)}; with {@code dataChannels} the first
     * offered SCTP m-line (RFC 8841) is taken too, with a=sctp-port and a=max-message-size: we
     * speak SCTP on it (the browser path).
     */
    public static String answer(Remote offer, Local local, long version, Set<String> keepMids, boolean send,
                                boolean dataChannels) {
        List<String> taken = List.copyOf(takenMids(offer, keepMids, dataChannels));
        String sendMid = send ? sendMid(offer, keepMids) : null;
        StringBuilder b = new StringBuilder(1024);
        session(b, local, version, taken);
        boolean first = true;
        for (Media m : offer.media()) {
            String mid = m.midOrIndex();
            if (!taken.contains(mid)) {
                // RFC 8829 §5.3.1: a rejected m-line has port 0 and keeps its mid
                line(b, "m=" + m.media() + " 0 " + m.proto() + " " + m.firstFormat());
                line(b, "c=IN IP4 0.0.0.0");
                if (m.mid() != null) line(b, "a=mid:" + m.mid());
                line(b, "a=inactive");
                continue;
            }
            if (m.opusAudio()) {
                boolean sends = sendMid != null && mid.equals(sendMid);
                String dir = sends ? answerDirection(m.direction())
                        : m.remoteSends() ? "recvonly" : "inactive";
                audio(b, local, mid, m.opusPayloadType(), dir, sends, first);
            } else {
                data(b, local, mid, m, first);
            }
            first = false;
        }
        return b.toString();
    }

    /** The mids {@link #answer} takes, in m-line order. */
    public static Set<String> takenMids(Remote offer, Set<String> keepMids) {
        return takenMids(offer, keepMids, false);
    }

    /** As {@link #takenMids(Remote, Set)}; with {@code dataChannels} the first SCTP m-line is taken too. */
    public static Set<String> takenMids(Remote offer, Set<String> keepMids, boolean dataChannels) {
        Set<String> taken = new LinkedHashSet<>();
        Media data = dataChannels ? dataMedia(offer) : null;
        for (Media m : offer.media()) {
            if (acceptsInAnswer(offer, m, keepMids) || m == data) taken.add(m.midOrIndex());
        }
        return taken;
    }

    /**
     * The a=max-message-size of the first data channel m-line of a description (RFC 8841 §6.1): 0
     * means no limit; absent, 65536.
     */
    public static long maxMessageSize(String sdp) {
        boolean inData = false;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.startsWith("m=")) {
                if (inData) break;
                inData = line.startsWith("m=application") && line.contains("SCTP");
            } else if (inData && line.startsWith("a=max-message-size:")) {
                try {
                    return Long.parseLong(line.substring("a=max-message-size:".length()).trim());
                } catch (NumberFormatException e) {
                    return 65536;
                }
            }
        }
        return 65536;
    }

    /** The first SCTP data channel m-line that is not rejected (RFC 8841 §5.1: one per session), or null. */
    public static Media dataMedia(Remote r) {
        for (Media m : r.media()) if (m.dataChannel() && !m.rejected()) return m;
        return null;
    }

    /** The m-line our answer sends our track on: the first Opus one the remote receives on, or null. */
    public static String sendMid(Remote offer, Set<String> keepMids) {
        for (Media m : offer.media()) {
            if (m.opusAudio() && m.remoteReceives()) return m.midOrIndex();
        }
        return null;
    }

    private static boolean acceptsInAnswer(Remote offer, Media m, Set<String> keepMids) {
        if (m.opusAudio()) return true;
        if (!m.dataChannel() || m.rejected()) return false;
        return offer.noAudio() || (m.mid() != null && keepMids.contains(m.mid()));
    }

    /** Our offer (client role): one audio m-line, setup:actpass. */
    public static String offer(Local local) {
        return offer(local, List.of(), 2);
    }

    /**
     * Our offer or re-offer (client role, RFC 8829 §5.2): our audio m-line first (sendrecv), then one
     * sendonly m-line per extra track, all BUNDLEd, setup:actpass. A re-offer keeps the mids and
     * order of the previous one and appends new tracks (§5.2.2).
     */
    public static String offer(Local local, List<SendTrack> extra, long version) {
        return offer(local, extra, version, null);
    }

    /**
     * As {@link #offer(Local, List, long)}; a non-null {@code dataMid} adds an SCTP data channel
     * m-line (RFC 8841 §5.1: UDP/DTLS/SCTP webrtc-datachannel, a=sctp-port:5000,
     * a=max-message-size) right after our audio m-line, in the BUNDLE group.
     */
    public static String offer(Local local, List<SendTrack> extra, long version, String dataMid) {
        List<String> mids = new ArrayList<>();
        mids.add(local.mid());
        if (dataMid != null) mids.add(dataMid);
        for (SendTrack t : extra) mids.add(t.mid());
        StringBuilder b = new StringBuilder(1024 * mids.size());
        session(b, local, version, mids);
        audio(b, local, local.mid(), local.opusPayloadType(), "sendrecv", true, true);
        if (dataMid != null) {
            data(b, local, dataMid, new Media(-1, "application", DATA_PROTO, 9, DATA_FORMAT, dataMid, "sendrecv",
                    -1, null, null, null, List.of()), false);
        }
        for (SendTrack t : extra) {
            Local l = new Local(local.sessionId(), local.iceUfrag(), local.icePwd(), local.fingerprint(),
                    local.setup(), t.mid(), local.opusPayloadType(), t.ssrc(), local.cname(), t.streamId(),
                    t.trackId(), local.candidates());
            audio(b, l, t.mid(), local.opusPayloadType(), "sendonly", true, false);
        }
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

    private static void session(StringBuilder b, Local l, long version, List<String> bundle) {
        line(b, "v=0");
        line(b, "o=- " + l.sessionId() + " " + version + " IN IP4 127.0.0.1");
        line(b, "s=-");
        line(b, "t=0 0");
        // RFC 8843 §7: one BUNDLE group with every m-line we take
        if (!bundle.isEmpty()) line(b, "a=group:BUNDLE " + String.join(" ", bundle));
        line(b, "a=msid-semantic: WMS " + l.streamId());
    }

    /** ICE and DTLS attributes: on every taken m-line (candidates go on the first, the BUNDLE tag). */
    private static void transport(StringBuilder b, Local l, String mid) {
        line(b, "a=ice-ufrag:" + l.iceUfrag());
        line(b, "a=ice-pwd:" + l.icePwd());
        line(b, "a=fingerprint:sha-256 " + l.fingerprint());
        line(b, "a=setup:" + l.setup().sdp());
        line(b, "a=mid:" + mid);
    }

    private static void candidates(StringBuilder b, Local l) {
        for (Candidate c : l.candidates()) line(b, "a=" + c.toSdp());
        line(b, "a=end-of-candidates");
    }

    private static void connection(StringBuilder b, Local l, String media, String proto, String format) {
        Candidate def = l.candidates().isEmpty() ? null : l.candidates().getFirst();
        // RFC 8839 §4.2.1.1: c= and m= port carry the default candidate; RFC 8843 §7.3: the same on bundled lines
        line(b, "m=" + media + " " + (def != null ? def.port() : 9) + " " + proto + " " + format);
        line(b, "c=IN IP4 " + (def != null && def.address().indexOf(':') < 0 ? def.address() : "0.0.0.0"));
    }

    private static void audio(StringBuilder b, Local l, String mid, int pt, String direction, boolean withTrack,
                              boolean first) {
        connection(b, l, "audio", "UDP/TLS/RTP/SAVPF", Integer.toString(pt));
        line(b, "a=rtcp:9 IN IP4 0.0.0.0");
        transport(b, l, mid);
        line(b, "a=" + direction);
        boolean sends = withTrack && ("sendrecv".equals(direction) || "sendonly".equals(direction));
        if (sends) line(b, "a=msid:" + l.streamId() + " " + l.trackId());
        line(b, "a=rtcp-mux");
        line(b, "a=rtpmap:" + pt + " opus/48000/2");
        line(b, "a=fmtp:" + pt + " minptime=10;useinbandfec=1");
        if (sends) {
            line(b, "a=ssrc:" + l.ssrc() + " cname:" + l.cname());
            line(b, "a=ssrc:" + l.ssrc() + " msid:" + l.streamId() + " " + l.trackId());
        }
        if (first) candidates(b, l);
    }

    /** A data channel m-line (RFC 8841 §5.1 attributes); SCTP speaks on it unless it only carries the transport. */
    private static void data(StringBuilder b, Local l, String mid, Media m, boolean first) {
        connection(b, l, m.media(), m.proto(), m.firstFormat());
        transport(b, l, mid);
        line(b, "a=sctp-port:5000");
        line(b, "a=max-message-size:" + MAX_MESSAGE_SIZE);
        if (first) candidates(b, l);
    }

    private static void line(StringBuilder b, String s) {
        b.append(s).append("\r\n");
    }

    /** One m-line while it is being read. */
    private static final class Section {
        final String media, proto, firstFormat;
        final List<String> formats = new ArrayList<>();
        final int port;
        String ufrag, pwd, fpAlg, fp, mid, direction = "sendrecv", msidStream, msidTrack;
        Setup setup;
        int opusPt = -1;
        boolean rtcpMux, endOfCandidates;
        final List<Candidate> candidates = new ArrayList<>();
        final Map<String, String> fmtps = new HashMap<>();
        /** a=ssrc attributes by SSRC, in order of first appearance. */
        final Map<Long, String[]> ssrcs = new LinkedHashMap<>();
        final Set<Long> repair = new HashSet<>();

        Section(String mline) {
            String[] t = mline.trim().split("\\s+");
            media = t[0];
            int p;
            try {
                p = t.length < 2 ? 0 : Integer.parseInt(t[1].split("/")[0]);
            } catch (NumberFormatException e) {
                p = 0;
            }
            port = p;
            proto = t.length > 2 ? t[2] : "";
            for (int i = 3; i < t.length; i++) formats.add(t[i]);
            firstFormat = formats.isEmpty() ? "0" : formats.getFirst();
        }

        void attribute(String name, String value, String line) {
            switch (name) {
                case "ice-ufrag" -> ufrag = value;
                case "ice-pwd" -> pwd = value;
                case "fingerprint" -> { String[] f = value.split("\\s+", 2); fpAlg = f[0]; fp = f.length > 1 ? f[1] : null; }
                case "setup" -> setup = Setup.parse(value);
                case "mid" -> mid = value;
                case "rtcp-mux" -> rtcpMux = true;
                case "end-of-candidates" -> endOfCandidates = true;
                case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = name;
                case "msid" -> {
                    // RFC 8830 §2: a=msid:<stream id> [<track id>]
                    String[] t = value.split("\\s+");
                    msidStream = t[0];
                    msidTrack = t.length > 1 ? t[1] : null;
                }
                case "ssrc" -> ssrc(value);
                case "ssrc-group" -> {
                    // RFC 5576 §4.2: FID (RFC 4588 RTX) and FEC-FR name a primary source, then repair ones
                    String[] t = value.split("\\s+");
                    for (int i = 2; i < t.length; i++) {
                        try { repair.add(Long.parseLong(t[i])); } catch (NumberFormatException ignored) { }
                    }
                }
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

        /** a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1): cname and msid are kept. */
        private void ssrc(String value) {
            String[] t = value.split("\\s+", 2);
            long id;
            try {
                id = Long.parseLong(t[0]);
            } catch (NumberFormatException e) {
                return;
            }
            String[] info = ssrcs.computeIfAbsent(id, k -> new String[3]);
            if (t.length < 2) return;
            String attr = t[1];
            if (attr.startsWith("cname:")) {
                info[0] = attr.substring(6);
            } else if (attr.startsWith("msid:")) {
                String[] m = attr.substring(5).trim().split("\\s+");
                info[1] = m[0];
                info[2] = m.length > 1 ? m[1] : null;
            }
        }

        Media toMedia(int index) {
            String fmtp = opusPt >= 0 ? fmtps.get(Integer.toString(opusPt)) : null;
            List<Ssrc> sources = new ArrayList<>();
            for (Map.Entry<Long, String[]> e : ssrcs.entrySet()) {
                if (repair.contains(e.getKey())) continue;
                String[] i = e.getValue();
                sources.add(new Ssrc(e.getKey(), i[0], i[1] != null ? i[1] : msidStream,
                        i[2] != null ? i[2] : msidTrack));
            }
            String stream = msidStream != null ? msidStream : sources.isEmpty() ? null : sources.getFirst().streamId();
            String track = msidTrack != null ? msidTrack : sources.isEmpty() ? null : sources.getFirst().trackId();
            return new Media(index, media, proto, port, firstFormat, mid, direction, opusPt, fmtp, stream, track,
                    List.copyOf(sources));
        }
    }
}
