package org.passerelle.gateway.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.passerelle.dialplan.DialPlan;

/**
 * Asks the meeting platform which room a PIN opens: {@code GET <url>?pin=<pin>} with an optional
 * bearer token. 200 with {@code {"room": "name"}} opens that room; 404 means an unknown PIN; any
 * other answer, a malformed body or a timeout is a failure (the caller hears that the service is
 * unavailable, not that the PIN is wrong).
 */
public final class HttpPinDirectory implements PinDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 16 * 1024;

    private final URI url;
    private final String token;
    private final Duration timeout;
    private final HttpClient client;

    public HttpPinDirectory(URI url, String token, Duration timeout) {
        this.url = url;
        this.token = token;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public CompletableFuture<Optional<String>> lookup(String pin) {
        String sep = url.getRawQuery() == null ? "?" : "&";
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url + sep + "pin="
                        + URLEncoder.encode(pin, StandardCharsets.UTF_8)))
                .timeout(timeout).header("Accept", "application/json").GET();
        if (token != null) req.header("Authorization", "Bearer " + token);
        return client.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(this::room);
    }

    private Optional<String> room(HttpResponse<byte[]> res) {
        if (res.statusCode() == 404) return Optional.empty();
        if (res.statusCode() != 200) {
            throw new IllegalStateException("PIN directory " + url.getHost() + " answered HTTP " + res.statusCode());
        }
        if (res.body().length > MAX_BODY) {
            throw new IllegalStateException("PIN directory " + url.getHost() + " answered with an oversized body");
        }
        try {
            JsonNode room = JSON.readTree(res.body()).get("room");
            if (room == null || room.isNull()) return Optional.empty();
            if (!room.isTextual() || !DialPlan.isValidRoomName(room.asText())) {
                throw new IllegalStateException("PIN directory " + url.getHost() + " gave an invalid room name");
            }
            return Optional.of(room.asText());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("PIN directory " + url.getHost() + " answered with malformed JSON");
        }
    }

    @Override
    public String describe() {
        // The URL is shown without its query (it may hold a key).
        return "http " + url.getScheme() + "://" + url.getAuthority() + url.getPath();
    }
}
