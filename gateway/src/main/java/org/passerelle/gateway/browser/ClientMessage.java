package org.passerelle.gateway.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One message from the browser (docs/signalling.md), parsed and checked for shape. Malformed input
 * is a value ({@link Malformed}), not an exception: the session answers it with
 * {@code bad-message}. Meaning (is the room name valid, is this message allowed now) is the
 * session's business.
 */
public sealed interface ClientMessage {

    /** Enter a room with an SDP offer. */
    record Join(String room, String name, String sdp) implements ClientMessage {}

    /** A trickled ICE candidate; an empty or null candidate ends the trickle. */
    record Candidate(String candidate, String sdpMid) implements ClientMessage {}

    /** The browser muted or unmuted its microphone. */
    record Mute(boolean muted) implements ClientMessage {}

    /** Leave the room; the gateway closes the socket. */
    record Leave() implements ClientMessage {}

    /** Not a message we understand; {@code why} says what is wrong, in English. */
    record Malformed(String why) implements ClientMessage {}

    static ClientMessage parse(ObjectMapper json, String text) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            return new Malformed("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) return new Malformed("a message must be a JSON object");
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) return new Malformed("missing \"type\"");
        return switch (type.asText()) {
            case "join" -> join(root);
            case "candidate" -> candidate(root);
            case "mute" -> {
                JsonNode m = root.get("muted");
                yield m != null && m.isBoolean() ? new Mute(m.booleanValue())
                        : new Malformed("mute: \"muted\" must be true or false");
            }
            case "leave" -> new Leave();
            default -> new Malformed("unknown type \"" + shorten(type.asText()) + "\"");
        };
    }

    private static ClientMessage join(JsonNode root) {
        String room = string(root, "room");
        String name = string(root, "name");
        String sdp = string(root, "sdp");
        if (room == null) return new Malformed("join: \"room\" must be a string");
        if (name == null) return new Malformed("join: \"name\" must be a string");
        if (sdp == null || sdp.isBlank()) return new Malformed("join: \"sdp\" must be the offer");
        return new Join(room, name, sdp);
    }

    private static ClientMessage candidate(JsonNode root) {
        JsonNode c = root.get("candidate");
        JsonNode mid = root.get("sdpMid");
        if (c == null || !(c.isTextual() || c.isNull())) {
            return new Malformed("candidate: \"candidate\" must be a string (empty at the end)");
        }
        if (mid != null && !(mid.isTextual() || mid.isNull())) {
            return new Malformed("candidate: \"sdpMid\" must be a string");
        }
        return new Candidate(c.isNull() ? "" : c.asText(), mid == null || mid.isNull() ? null : mid.asText());
    }

    private static String string(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "…";
    }
}
