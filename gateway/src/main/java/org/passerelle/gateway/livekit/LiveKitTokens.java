package org.passerelle.gateway.livekit;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanPublishData;
import io.livekit.server.CanPublishSources;
import io.livekit.server.CanSubscribe;
import io.livekit.server.CanUpdateOwnMetadata;
import io.livekit.server.Hidden;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Access tokens for the gateway's participants, signed (HS256) with the API key pair through
 * LiveKit's own {@link AccessToken}. Grants follow LiveKit's VideoGrant: roomJoin + room always.
 */
public final class LiveKitTokens {
    /** The participant kind of a call's participant (LiveKit's ParticipantInfo.Kind.SIP). */
    static final String SIP_KIND = "sip";
    /** Identity prefix of a room's hidden listener. */
    public static final String LISTENER_PREFIX = "passerelle-listener-";

    private final LiveKitConfig config;
    private final Duration ttl;

    public LiveKitTokens(LiveKitConfig config) {
        this(config, Duration.ofHours(6));
    }

    /** @param ttl validity of a token; the server refreshes it over signalling while connected */
    public LiveKitTokens(LiveKitConfig config, Duration ttl) {
        this.config = config;
        this.ttl = ttl;
    }

    /** The listener's identity in a room. */
    public static String listenerIdentity(String room) {
        return LISTENER_PREFIX + room;
    }

    /**
     * The hidden, subscribe-only listener of a room: others do not see it (hidden), it cannot
     * publish anything (canPublish false, canPublishData false).
     */
    public String listener(String room) {
        AccessToken t = base(listenerIdentity(room), "Passerelle");
        t.getAttributes().put(CallIdentity.MARKER_ATTRIBUTE, "1");
        t.addGrants(new RoomJoin(true), new RoomName(room), new Hidden(true), new CanSubscribe(true),
                new CanPublish(false), new CanPublishData(false));
        return t.toJwt();
    }

    /**
     * One SIP call's participant: publishes its microphone only (canPublishSources), may send
     * data (DTMF packets, later), subscribes to nothing (the room's listener does that once).
     */
    public String call(String room, CallIdentity who) {
        AccessToken t = base(who.identity(), who.callerName());
        t.getAttributes().putAll(who.attributes(CallIdentity.CallStatus.ACTIVE));
        t.addGrants(new RoomJoin(true), new RoomName(room), new CanPublish(true),
                new CanPublishSources(List.of("microphone")), new CanPublishData(true),
                new CanSubscribe(false), new CanUpdateOwnMetadata(true));
        return withKind(t.toJwt(), SIP_KIND);
    }

    /**
     * The token with a participant kind claim added ({@code "kind"}, as LiveKit's protocol reads
     * it: the lower-case ParticipantInfo.Kind name), re-signed with the same key. Callers then show
     * as SIP participants (ParticipantKind.SIP), as LiveKit SIP's do; AccessToken has no setter.
     */
    String withKind(String jwt, String kind) {
        Map<String, Object> claims = new LinkedHashMap<>();
        JWT.decode(jwt).getClaims().forEach((name, claim) -> claims.put(name, claim.as(Object.class)));
        claims.put("kind", kind);
        return JWT.create().withPayload(claims).sign(Algorithm.HMAC256(config.apiSecret()));
    }

    private AccessToken base(String identity, String name) {
        AccessToken t = new AccessToken(config.apiKey(), config.apiSecret());
        t.setIdentity(identity);
        t.setName(name);
        t.setTtl(ttl.toMillis());
        return t;
    }
}
