package org.passerelle.sip.sdp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Vector;
import javax.sdp.Attribute;
import javax.sdp.Connection;
import javax.sdp.Media;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;
import org.passerelle.transcoder.codec.AudioCodec;

/**
 * SDP offer/answer for the audio stream (RFC 3264), on the javax.sdp parser of JAIN-SIP. Pure: no
 * I/O, no state besides our codec preference.
 */
public final class SdpNegotiator {
    /** Dynamic payload types we use in our own offers. */
    static final int OPUS_PT = 111;
    static final int TELEPHONE_EVENT_8K_PT = 101;
    static final int TELEPHONE_EVENT_48K_PT = 110;
    static final int DEFAULT_PTIME = 20;
    private static final String TELEPHONE_EVENT = "telephone-event";

    private final List<AudioCodec> preference;
    private final SdpFactory factory = SdpFactory.getInstance();

    /** @param preference our codecs, best first */
    public SdpNegotiator(List<AudioCodec> preference) {
        if (preference.isEmpty()) throw new IllegalArgumentException("no codec");
        this.preference = List.copyOf(preference);
    }

    public List<AudioCodec> preference() {
        return preference;
    }

    /** Chooses the audio stream for a peer's offer (RFC 3264 §6), plain RTP only. */
    public Negotiation answerOffer(String offer) {
        return answerOffer(offer, null, SrtpMode.OFF, null);
    }

    /**
     * Same, but {@code keep} (the codec in use, for a re-INVITE) wins when still offered, so the
     * media does not change codec under the application's feet.
     */
    public Negotiation answerOffer(String offer, AudioCodec keep) {
        return answerOffer(offer, keep, SrtpMode.OFF, null);
    }

    /**
     * Same, with SDES-SRTP as {@code mode} allows: an RTP/SAVP line is taken with the first of its
     * a=crypto lines we can honour, answered with the same tag and suite and our own key (RFC 4568
     * §7.1.2); {@code ours}, our key so far in this call, is kept when the tag and suite are the
     * same, so a re-INVITE does not rekey what we send.
     */
    public Negotiation answerOffer(String offer, AudioCodec keep, SrtpMode mode, SdesCrypto ours) {
        SessionDescription sd;
        List<MediaDescription> mds;
        try {
            sd = factory.createSessionDescription(offer);
            // The NIST parser skips lines it does not know; v= and o= are mandatory (RFC 4566 §5).
            if (sd.getVersion() == null || sd.getOrigin() == null) {
                return new Negotiation.Malformed("no v= or o= line");
            }
            mds = mediaDescriptions(sd);
        } catch (SdpException | RuntimeException e) {
            return new Negotiation.Malformed(String.valueOf(e.getMessage()));
        }
        List<MediaLine> lines = new ArrayList<>();
        int audioIndex = -1;
        SdesCrypto theirs = null;
        String refusal = null;
        try {
            for (int i = 0; i < mds.size(); i++) {
                Media m = mds.get(i).getMedia();
                @SuppressWarnings("unchecked")
                Vector<Object> fmts = m.getMediaFormats(false);
                List<String> formats = new ArrayList<>();
                if (fmts != null) fmts.forEach(f -> formats.add(String.valueOf(f)));
                lines.add(new MediaLine(m.getMediaType(), m.getProtocol(), formats));
                if (audioIndex >= 0 || !"audio".equalsIgnoreCase(m.getMediaType()) || m.getMediaPort() == 0
                        || m.getProtocol() == null) {
                    continue;
                }
                String proto = m.getProtocol().toUpperCase(Locale.ROOT);
                if (proto.startsWith("RTP/AVP")) {
                    if (mode.allowsPlain()) {
                        audioIndex = i;
                    } else if (refusal == null) {
                        refusal = "RTP/AVP refused: SRTP (RTP/SAVP with a=crypto) is required";
                    }
                } else if (proto.startsWith("RTP/SAVP")) {
                    if (!mode.allowsSrtp()) {
                        // RFC 4568 §8.3: SDES keys are in clear in the SDP; only over TLS.
                        if (refusal == null) refusal = "RTP/SAVP (SDES-SRTP) only over SIP over TLS (sips or transport=tls)";
                        continue;
                    }
                    List<String> why = new ArrayList<>();
                    SdesCrypto chosen = firstUsableCrypto(mds.get(i), why);
                    if (chosen != null) {
                        audioIndex = i;
                        theirs = chosen;
                    } else if (refusal == null) {
                        refusal = "no usable a=crypto (we take AES_CM_128_HMAC_SHA1_80 or _32)"
                                + (why.isEmpty() ? "" : ": " + String.join("; ", why));
                    }
                }
            }
        } catch (SdpException | RuntimeException e) {
            return new Negotiation.Malformed(String.valueOf(e.getMessage()));
        }
        if (audioIndex < 0) {
            // RFC 3261 §20.43: 302 incompatible transport protocol (the m= line's), 304 no audio.
            return refusal != null ? new Negotiation.NotAcceptable(302, refusal)
                    : new Negotiation.NotAcceptable(304, "Media type not available");
        }
        SdesKeys srtp = null;
        if (theirs != null) {
            SdesCrypto local = ours != null && ours.tag() == theirs.tag() && ours.suite() == theirs.suite()
                    ? ours : theirs.answerWithFreshKey();
            srtp = new SdesKeys(theirs, local);
        }
        AudioStream s;
        try {
            s = AudioStream.read(sd, mds.get(audioIndex));
        } catch (SdpException | RuntimeException e) {
            return new Negotiation.Malformed(String.valueOf(e.getMessage()));
        }
        // Our preference decides among the offered codecs; the offerer's PT is kept (§6.1).
        List<AudioCodec> order = new ArrayList<>(preference);
        if (keep != null && order.remove(keep)) order.addFirst(keep);
        for (AudioCodec wanted : order) {
            for (Format f : s.formats) {
                if (f.codec == wanted) {
                    int[] te = telephoneEvent(s.formats, wanted.rtpClockRate());
                    return new Negotiation.Accepted(new MediaPlan(wanted, f.pt, te[0], te[1], s.ptime, s.remote,
                            s.direction, s.held(), lines, audioIndex, srtp));
                }
            }
        }
        return new Negotiation.NotAcceptable(305, "Incompatible media format");
    }

    /** The first a=crypto line of {@code md} we can honour (offer order: the offerer's preference). */
    private static SdesCrypto firstUsableCrypto(MediaDescription md, List<String> why) throws SdpException {
        for (SdesCrypto.Parsed p : cryptoLines(md)) {
            switch (p) {
                case SdesCrypto.Usable u -> {
                    return u.crypto();
                }
                case SdesCrypto.Unusable n -> why.add(n.reason());
            }
        }
        return null;
    }

    /** The a=crypto lines of {@code md} (RFC 4568 §9.1), parsed, in their order. */
    private static List<SdesCrypto.Parsed> cryptoLines(MediaDescription md) throws SdpException {
        @SuppressWarnings("unchecked")
        Vector<Object> attrs = md.getAttributes(false);
        List<SdesCrypto.Parsed> out = new ArrayList<>();
        if (attrs == null) return out;
        for (Object o : attrs) {
            Attribute a = (Attribute) o;
            if ("crypto".equalsIgnoreCase(a.getName())) out.add(SdesCrypto.parse(a.getValue()));
        }
        return out;
    }

    /** Reads the peer's answer to our {@link #offer offer} (late offer, RFC 3261 §13.2.1). */
    public Negotiation acceptAnswer(String answer) {
        return acceptAnswer(answer, SrtpMode.OFF, List.of());
    }

    /**
     * Same, for an offer that carried {@code ours} a=crypto lines (RTP/SAVP): the answer's a=crypto
     * with the tag and suite of one of ours keys what the peer sends (RFC 4568 §7.1.3), ours what we
     * send. An answer without one is refused, except a plain RTP/AVP answer under
     * {@link SrtpMode#OPTIONAL}: a peer that does not do SRTP, taken as plain RTP. Without
     * {@code ours} the answer is read as plain RTP.
     */
    public Negotiation acceptAnswer(String answer, SrtpMode mode, List<SdesCrypto> ours) {
        try {
            SessionDescription sd = factory.createSessionDescription(answer);
            for (MediaDescription md : mediaDescriptions(sd)) {
                Media m = md.getMedia();
                if (!"audio".equalsIgnoreCase(m.getMediaType()) || m.getMediaPort() == 0) continue;
                SdesKeys srtp = null;
                if (!ours.isEmpty()) {
                    srtp = answeredKeys(md, ours);
                    boolean plainAnswer = "RTP/AVP".equalsIgnoreCase(String.valueOf(m.getProtocol()).trim());
                    if (srtp == null && !(mode == SrtpMode.OPTIONAL && plainAnswer)) {
                        return new Negotiation.NotAcceptable(302, "answer without a usable a=crypto of ours");
                    }
                }
                AudioStream s = AudioStream.read(sd, md);
                // The answer lists what it will use, first preferred (RFC 3264 §6.1).
                for (Format f : s.formats) {
                    if (f.codec != null && preference.contains(f.codec)) {
                        int[] te = telephoneEvent(s.formats, f.codec.rtpClockRate());
                        return new Negotiation.Accepted(new MediaPlan(f.codec, f.pt, te[0], te[1], s.ptime,
                                s.remote, s.direction, s.held(), List.of(), -1, srtp));
                    }
                }
                return new Negotiation.NotAcceptable(305, "Incompatible media format");
            }
            return new Negotiation.NotAcceptable(304, "Media type not available");
        } catch (SdpException | RuntimeException e) {
            return new Negotiation.Malformed(String.valueOf(e.getMessage()));
        }
    }

    /** The answer's a=crypto that names one of our offered lines (same tag and suite), with it. */
    private static SdesKeys answeredKeys(MediaDescription md, List<SdesCrypto> ours) throws SdpException {
        for (SdesCrypto.Parsed p : cryptoLines(md)) {
            if (!(p instanceof SdesCrypto.Usable u)) continue;
            for (SdesCrypto mine : ours) {
                if (mine.tag() == u.crypto().tag() && mine.suite() == u.crypto().suite()) {
                    return new SdesKeys(u.crypto(), mine);
                }
            }
        }
        return null;
    }

    /** Fresh a=crypto lines for an offer of ours: tag 1 the 80-bit tag suite, tag 2 the 32-bit one. */
    public static List<SdesCrypto> freshCryptoOffer() {
        return List.of(SdesCrypto.fresh(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80),
                SdesCrypto.fresh(2, SrtpSuite.AES_CM_128_HMAC_SHA1_32));
    }

    /** Our answer for a plan from {@link #answerOffer}: same m= lines, others refused with port 0. */
    public String answer(MediaPlan plan, LocalMedia local) {
        try {
            SessionDescription sd = session(local);
            Vector<MediaDescription> out = new Vector<>();
            List<MediaLine> lines = plan.offeredLines();
            for (int i = 0; i < lines.size(); i++) {
                MediaLine l = lines.get(i);
                if (i == plan.audioLine()) {
                    out.add(audio(plan, local.rtpPort()));
                } else {
                    // A refused stream keeps its line with port 0 (RFC 3264 §6).
                    String[] f = l.formats().isEmpty() ? new String[] {"0"} : l.formats().toArray(String[]::new);
                    out.add(factory.createMediaDescription(l.type(), 0, 1, l.protocol(), f));
                }
            }
            sd.setMediaDescriptions(out);
            return sd.toString();
        } catch (SdpException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Our offer of every codec we have, plus telephone-event for each clock rate (RFC 4733 §7.1.1). */
    public String offer(LocalMedia local, MediaDirection direction) {
        return offer(local, direction, List.of());
    }

    /**
     * Same, with SDES when {@code ours} is not empty: RTP/SAVP with those a=crypto lines (RFC 4568
     * §7.1.1). There is no plain fallback inside one offer: a peer without SRTP refuses it (488),
     * and the caller offers again without keys if plain RTP will do.
     */
    public String offer(LocalMedia local, MediaDirection direction, List<SdesCrypto> ours) {
        boolean crypto = !ours.isEmpty();
        try {
            SessionDescription sd = session(local);
            List<String> fmts = new ArrayList<>();
            Vector<Attribute> attrs = new Vector<>();
            boolean need8k = false;
            boolean need48k = false;
            for (AudioCodec c : preference) {
                int pt = offerPayloadType(c);
                fmts.add(Integer.toString(pt));
                attrs.add(factory.createAttribute("rtpmap", pt + " " + rtpmap(c)));
                if (c == AudioCodec.OPUS) {
                    attrs.add(factory.createAttribute("fmtp", pt + " useinbandfec=1"));
                    need48k = true;
                } else {
                    need8k = true;
                }
            }
            if (need48k) {
                fmts.add(Integer.toString(TELEPHONE_EVENT_48K_PT));
                attrs.add(factory.createAttribute("rtpmap", TELEPHONE_EVENT_48K_PT + " telephone-event/48000"));
                attrs.add(factory.createAttribute("fmtp", TELEPHONE_EVENT_48K_PT + " 0-16"));
            }
            if (need8k) {
                fmts.add(Integer.toString(TELEPHONE_EVENT_8K_PT));
                attrs.add(factory.createAttribute("rtpmap", TELEPHONE_EVENT_8K_PT + " telephone-event/8000"));
                attrs.add(factory.createAttribute("fmtp", TELEPHONE_EVENT_8K_PT + " 0-16"));
            }
            attrs.add(factory.createAttribute("ptime", Integer.toString(DEFAULT_PTIME)));
            attrs.add(factory.createAttribute(direction.attribute(), null));
            for (SdesCrypto c : ours) attrs.add(factory.createAttribute("crypto", c.attributeValue()));
            MediaDescription md = factory.createMediaDescription("audio", local.rtpPort(), 1,
                    crypto ? "RTP/SAVP" : "RTP/AVP", fmts.toArray(String[]::new));
            md.setAttributes(attrs);
            Vector<MediaDescription> out = new Vector<>();
            out.add(md);
            sd.setMediaDescriptions(out);
            return sd.toString();
        } catch (SdpException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payload type we give a codec in our offers. */
    static int offerPayloadType(AudioCodec c) {
        return c.staticPayloadType() >= 0 ? c.staticPayloadType() : OPUS_PT;
    }

    private MediaDescription audio(MediaPlan plan, int port) throws SdpException {
        List<String> fmts = new ArrayList<>();
        Vector<Attribute> attrs = new Vector<>();
        fmts.add(Integer.toString(plan.payloadType()));
        attrs.add(factory.createAttribute("rtpmap", plan.payloadType() + " " + rtpmap(plan.codec())));
        if (plan.codec() == AudioCodec.OPUS) {
            // We code mono (RFC 7587 §7: stereo=0 is the default but say it).
            attrs.add(factory.createAttribute("fmtp", plan.payloadType() + " useinbandfec=1;stereo=0;sprop-stereo=0"));
        }
        if (plan.telephoneEventPayloadType() >= 0) {
            int te = plan.telephoneEventPayloadType();
            fmts.add(Integer.toString(te));
            attrs.add(factory.createAttribute("rtpmap", te + " telephone-event/" + plan.telephoneEventRate()));
            attrs.add(factory.createAttribute("fmtp", te + " 0-16"));
        }
        attrs.add(factory.createAttribute("ptime", Integer.toString(plan.ptimeMs())));
        attrs.add(factory.createAttribute(plan.localDirection().attribute(), null));
        if (plan.srtp() != null) attrs.add(factory.createAttribute("crypto", plan.srtp().local().attributeValue()));
        MediaDescription md = factory.createMediaDescription("audio", port, 1,
                plan.srtp() != null ? "RTP/SAVP" : "RTP/AVP", fmts.toArray(String[]::new));
        md.setAttributes(attrs);
        return md;
    }

    private SessionDescription session(LocalMedia local) throws SdpException {
        SessionDescription sd = factory.createSessionDescription();
        sd.setOrigin(factory.createOrigin("passerelle", local.sessionId(), local.sessionVersion(), "IN",
                local.addressType(), local.address()));
        sd.setSessionName(factory.createSessionName("-"));
        sd.setConnection(factory.createConnection("IN", local.addressType(), local.address()));
        return sd;
    }

    private static String rtpmap(AudioCodec c) {
        String s = c.sdpName() + "/" + c.rtpClockRate();
        return c.sdpChannels() > 1 ? s + "/" + c.sdpChannels() : s;
    }

    /** {pt, rate}: the telephone-event whose clock matches the codec's when several (RFC 4733 §2.1). */
    private static int[] telephoneEvent(List<Format> formats, int clockRate) {
        int[] first = {-1, 0};
        for (Format f : formats) {
            if (!f.telephoneEvent) continue;
            if (f.rate == clockRate) return new int[] {f.pt, f.rate};
            if (first[0] < 0) first = new int[] {f.pt, f.rate};
        }
        return first;
    }

    @SuppressWarnings("unchecked")
    private static List<MediaDescription> mediaDescriptions(SessionDescription sd) throws SdpException {
        Vector<MediaDescription> v = sd.getMediaDescriptions(false);
        return v == null ? List.of() : v;
    }

    /** One payload type of the m= line, resolved. */
    private record Format(int pt, AudioCodec codec, boolean telephoneEvent, int rate) {}

    /** What we need of an audio m= line with session-level defaults applied. */
    private record AudioStream(List<Format> formats, int ptime, InetSocketAddress remote, MediaDirection direction,
                               boolean nullAddress) {
        boolean held() {
            return nullAddress || direction == MediaDirection.SENDONLY || direction == MediaDirection.INACTIVE;
        }

        @SuppressWarnings("unchecked")
        static AudioStream read(SessionDescription sd, MediaDescription md) throws SdpException {
            Media m = md.getMedia();
            MediaDirection direction = MediaDirection.SENDRECV;
            // Session-level attributes apply unless the media level overrides them (RFC 4566 §5.13).
            for (Object o : nonNull(sd.getAttributes(false))) {
                MediaDirection d = MediaDirection.fromAttribute(((Attribute) o).getName());
                if (d != null) direction = d;
            }
            int ptime = DEFAULT_PTIME;
            List<String[]> rtpmaps = new ArrayList<>();
            for (Object o : nonNull(md.getAttributes(false))) {
                Attribute a = (Attribute) o;
                String name = a.getName();
                MediaDirection d = MediaDirection.fromAttribute(name);
                if (d != null) {
                    direction = d;
                } else if ("ptime".equalsIgnoreCase(name) && a.getValue() != null) {
                    ptime = validPtime(a.getValue().trim());
                } else if ("rtpmap".equalsIgnoreCase(name) && a.getValue() != null) {
                    String[] parts = a.getValue().trim().split("\\s+", 2);
                    if (parts.length == 2) rtpmaps.add(parts);
                }
            }
            List<Format> formats = new ArrayList<>();
            for (Object o : nonNull(m.getMediaFormats(false))) {
                int pt;
                try {
                    pt = Integer.parseInt(String.valueOf(o).trim());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pt < 0 || pt > 127) continue;
                formats.add(resolve(pt, rtpmaps));
            }
            Connection c = md.getConnection() != null ? md.getConnection() : sd.getConnection();
            String address = c == null ? null : c.getAddress();
            boolean nullAddress = address == null || "0.0.0.0".equals(address.trim()) || "::".equals(address.trim());
            InetSocketAddress remote = nullAddress || m.getMediaPort() == 0 ? null
                    : new InetSocketAddress(address.trim(), m.getMediaPort());
            return new AudioStream(formats, ptime, remote, direction, nullAddress);
        }

        private static Format resolve(int pt, List<String[]> rtpmaps) {
            for (String[] r : rtpmaps) {
                if (!r[0].equals(Integer.toString(pt))) continue;
                String[] enc = r[1].trim().split("/");
                int rate;
                try {
                    rate = Integer.parseInt(enc.length > 1 ? enc[1].trim() : "8000");
                } catch (NumberFormatException e) {
                    return new Format(pt, null, false, 0);
                }
                if (TELEPHONE_EVENT.equalsIgnoreCase(enc[0])) return new Format(pt, null, true, rate);
                return new Format(pt, AudioCodec.fromRtpmap(enc[0], rate).orElse(null), false, rate);
            }
            // Static payload types may come without a=rtpmap (RFC 3551 §6).
            if (pt < 96) {
                AudioCodec c = AudioCodec.fromStaticPayloadType(pt).orElse(null);
                return new Format(pt, c, false, c == null ? 0 : c.rtpClockRate());
            }
            return new Format(pt, null, false, 0);
        }

        private static int validPtime(String v) {
            try {
                int p = Integer.parseInt(v);
                // Frame sizes every codec of ours can produce; Opus stops at 60 ms (RFC 6716 §2.1.4).
                return p >= 10 && p <= 60 && p % 10 == 0 ? p : DEFAULT_PTIME;
            } catch (NumberFormatException e) {
                return DEFAULT_PTIME;
            }
        }

        private static List<?> nonNull(Vector<?> v) {
            return v == null ? List.of() : v;
        }
    }
}
