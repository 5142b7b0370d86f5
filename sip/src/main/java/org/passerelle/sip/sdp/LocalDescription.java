package org.passerelle.sip.sdp;

import java.util.function.Function;

/**
 * Our SDP across one dialog: the o= version goes up only when the description changed (RFC 3264
 * §8: same version for the same SDP, +1 for any change). Used from the call's executor only.
 */
public final class LocalDescription {
    private LocalMedia media;
    private String last;

    public LocalDescription(LocalMedia initial) {
        this.media = initial;
    }

    public LocalMedia media() {
        return media;
    }

    /** Builds our next SDP (offer or answer) with {@code build}, bumping the version on change. */
    public String next(Function<LocalMedia, String> build) {
        String sdp = build.apply(media);
        if (last != null && !withoutOrigin(sdp).equals(withoutOrigin(last))) {
            media = media.withVersion(media.sessionVersion() + 1);
            sdp = build.apply(media);
        }
        last = sdp;
        return sdp;
    }

    static String withoutOrigin(String sdp) {
        return sdp.replaceAll("(?m)^o=.*\\R", "");
    }
}
