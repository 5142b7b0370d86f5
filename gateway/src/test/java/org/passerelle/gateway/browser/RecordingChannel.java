package org.passerelle.gateway.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A socket that records what the session sends. */
final class RecordingChannel implements SignallingChannel {
    private static final ObjectMapper JSON = new ObjectMapper();
    final List<String> sent = new CopyOnWriteArrayList<>();
    int pings;
    int closeCode;
    int closes;

    @Override public void send(String text) { sent.add(text); }
    @Override public void ping() { pings++; }

    @Override
    public void close(int statusCode, String reason) {
        closes++;
        closeCode = statusCode;
    }

    JsonNode last() {
        return message(sent.size() - 1);
    }

    JsonNode message(int i) {
        try {
            return JSON.readTree(sent.get(i));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The last message of this type, or null. */
    JsonNode lastOfType(String type) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            JsonNode m = message(i);
            if (type.equals(m.path("type").asText())) return m;
        }
        return null;
    }
}
