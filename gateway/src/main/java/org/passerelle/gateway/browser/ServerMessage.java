package org.passerelle.gateway.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.passerelle.gateway.room.MemberView;

/** The gateway's messages to a browser (docs/signalling.md), as JSON text. */
final class ServerMessage {
    /** Error codes of the protocol. */
    static final String BAD_MESSAGE = "bad-message";
    static final String INVALID_ROOM = "invalid-room";
    static final String ROOM_FULL = "room-full";
    static final String GATEWAY_FULL = "gateway-full";
    static final String MEDIA_FAILED = "media-failed";
    static final String NOT_JOINED = "not-joined";

    private ServerMessage() {}

    static String joined(ObjectMapper json, String id, String room, String sdp) {
        ObjectNode m = json.createObjectNode().put("type", "joined").put("id", id).put("room", room).put("sdp", sdp);
        return write(json, m);
    }

    static String participants(ObjectMapper json, List<MemberView> members) {
        ObjectNode m = json.createObjectNode().put("type", "participants");
        ArrayNode list = m.putArray("participants");
        for (MemberView v : members) {
            list.addObject().put("id", v.id()).put("name", v.name()).put("kind", v.kind().wireName())
                    .put("muted", v.muted());
        }
        return write(json, m);
    }

    static String error(ObjectMapper json, String code, String message) {
        return write(json, json.createObjectNode().put("type", "error").put("code", code).put("message", message));
    }

    private static String write(ObjectMapper json, ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings cannot fail to serialise", e);
        }
    }
}
