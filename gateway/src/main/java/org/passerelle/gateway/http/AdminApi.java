package org.passerelle.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.passerelle.gateway.call.DialOut;
import org.passerelle.gateway.call.DialOuts;
import org.passerelle.sip.outbound.RegistrationStatus;

/**
 * The admin API under /api/: read-only views (rooms, calls, trunk registrations) and dial-out.
 * Callers' numbers are personal data, so the whole API answers only from this host unless an
 * admin token is set (env PASSERELLE_ADMIN_TOKEN), which then must come as a bearer token.
 *
 * <pre>
 * POST   /api/rooms/{room}/dial   {"to": "+33612345678" or "sip:...", "trunk": optional, "callerId": optional}
 *                                   → 202 {"id", "room", "to", "trunk", "status"}
 * GET    /api/dials               every dial-out of the last minutes
 * GET    /api/dials/{id}          status: DIALING RINGING EARLY_MEDIA ANSWERED, then ENDED, BUSY,
 *                                   NO_ANSWER, REJECTED, FAILED with sipCode and reason
 * DELETE /api/dials/{id}          hang up
 * GET    /api/trunks              outbound trunk registrations
 * GET    /api/livekit/dialplan    the rules read from the LiveKit server (livekit.dialPlan: true)
 * POST   /api/livekit/refresh     read them again now → 202
 * </pre>
 */
public final class AdminApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DialOuts dials;
    private final Supplier<List<RegistrationStatus>> registrations;
    private final byte[] token;
    private org.passerelle.gateway.livekit.LiveKitDialPlanSource liveKitDialPlan;

    /** @param token the bearer token admins must send, or null to answer this host only */
    public AdminApi(DialOuts dials, Supplier<List<RegistrationStatus>> registrations, String token) {
        this.dials = dials;
        this.registrations = registrations;
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Serves /api/livekit/... for this source (null: those routes answer 404). */
    public AdminApi withLiveKitDialPlan(org.passerelle.gateway.livekit.LiveKitDialPlanSource source) {
        this.liveKitDialPlan = source;
        return this;
    }

    /** Null when the request may go on to the read-only views; else the refusal to send. */
    FullHttpResponse refuse(FullHttpRequest req, InetSocketAddress remote) {
        if (token != null) {
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            byte[] given = auth != null && auth.startsWith("Bearer ")
                    ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(given, token)) {
                FullHttpResponse r = json(HttpResponseStatus.UNAUTHORIZED, Map.of("error", "a valid bearer token is required"));
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"passerelle\"");
                return r;
            }
            return null;
        }
        if (remote != null && !remote.getAddress().isLoopbackAddress()) {
            return json(HttpResponseStatus.FORBIDDEN, Map.of("error",
                    "the admin API answers this host only; set PASSERELLE_ADMIN_TOKEN to use it from elsewhere"));
        }
        return null;
    }

    /** The response for a dial-out or trunk route, or null when {@code path} is not one. */
    FullHttpResponse handle(FullHttpRequest req, String path) {
        HttpMethod m = req.method();
        if (path.startsWith("/api/rooms/") && path.endsWith("/dial")) {
            if (!m.equals(HttpMethod.POST)) return notAllowed("POST");
            String room = path.substring("/api/rooms/".length(), path.length() - "/dial".length());
            return dial(room, req);
        }
        if (path.equals("/api/dials")) {
            if (!m.equals(HttpMethod.GET)) return notAllowed("GET");
            return json(HttpResponseStatus.OK, dials.all().stream().map(AdminApi::view).toList());
        }
        if (path.startsWith("/api/dials/")) {
            String id = path.substring("/api/dials/".length());
            var d = dials.get(id);
            if (d.isEmpty()) return json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no dial-out " + id));
            if (m.equals(HttpMethod.GET)) return json(HttpResponseStatus.OK, view(d.get()));
            if (m.equals(HttpMethod.DELETE)) {
                d.get().hangup();
                return json(HttpResponseStatus.ACCEPTED, view(d.get()));
            }
            return notAllowed("GET, DELETE");
        }
        if (path.equals("/api/livekit/refresh") || path.equals("/api/livekit/dialplan")) {
            if (liveKitDialPlan == null) {
                return json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no LiveKit dial plan (livekit.dialPlan is not true)"));
            }
            if (path.endsWith("/refresh")) {
                if (!m.equals(HttpMethod.POST)) return notAllowed("POST");
                // The SIP API answers in its own time: never on this event loop.
                liveKitDialPlan.refreshSoon();
                return json(HttpResponseStatus.ACCEPTED, liveKitView());
            }
            if (!m.equals(HttpMethod.GET)) return notAllowed("GET");
            return json(HttpResponseStatus.OK, liveKitView());
        }
        if (path.equals("/api/trunks")) {
            if (!m.equals(HttpMethod.GET)) return notAllowed("GET");
            return json(HttpResponseStatus.OK, registrations.get().stream().map(r -> {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("trunk", r.trunk());
                v.put("state", r.state().name());
                v.put("lastCode", r.lastCode());
                v.put("lastReason", r.lastReason());
                v.put("registeredUntil", r.registeredUntil() == null ? null : r.registeredUntil().toString());
                v.put("retryAt", r.retryAt() == null ? null : r.retryAt().toString());
                return v;
            }).toList());
        }
        return null;
    }

    private Map<String, Object> liveKitView() {
        var plan = liveKitDialPlan.current();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("server", liveKitDialPlan.server());
        v.put("state", liveKitDialPlan.state().name());
        v.put("lastFailure", liveKitDialPlan.lastFailure());
        v.put("rules", plan.routes().stream().map(r -> r.name()).toList());
        v.put("skipped", plan.skipped());
        return v;
    }

    private FullHttpResponse dial(String room, FullHttpRequest req) {
        JsonNode body;
        try {
            body = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return json(HttpResponseStatus.BAD_REQUEST, Map.of("error", "the body must be JSON like {\"to\": \"+33612345678\"}"));
        }
        if (body == null || !body.isObject()) {
            return json(HttpResponseStatus.BAD_REQUEST, Map.of("error", "the body must be a JSON object"));
        }
        try {
            DialOut d = dials.dial(room, text(body, "to"), text(body, "trunk"), text(body, "callerId"));
            return json(HttpResponseStatus.ACCEPTED, view(d));
        } catch (DialOuts.DialException e) {
            return json(HttpResponseStatus.valueOf(e.httpStatus()), Map.of("error", e.getMessage()));
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    static Map<String, Object> view(DialOut d) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", d.id());
        v.put("room", d.room());
        v.put("to", d.target());
        v.put("trunk", d.trunk());
        v.put("status", d.status().name());
        if (d.result() != null) {
            v.put("sipCode", d.result().sipCode());
            v.put("reason", d.result().reason());
        }
        v.put("started", d.started().toString());
        return v;
    }

    private static FullHttpResponse notAllowed(String allow) {
        FullHttpResponse r = json(HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of("error", "method not allowed"));
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return r;
    }

    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return res;
    }
}
