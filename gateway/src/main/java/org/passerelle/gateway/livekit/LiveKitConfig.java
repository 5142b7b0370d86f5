package org.passerelle.gateway.livekit;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the LiveKit server is and the API key pair the gateway signs its access tokens with.
 *
 * @param url       the server's URL as LiveKit clients are given it: ws(s):// or http(s)://
 * @param apiKey    the API key (the token's issuer); may be logged
 * @param apiSecret the API secret (HMAC key of the tokens); never logged, never in toString
 */
public record LiveKitConfig(String url, String apiKey, String apiSecret) {

    public LiveKitConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiSecret, "apiSecret");
        String scheme = URI.create(url).getScheme();
        if (scheme == null || !switch (scheme.toLowerCase(Locale.ROOT)) {
            case "ws", "wss", "http", "https" -> true;
            default -> false;
        }) {
            throw new IllegalArgumentException("LiveKit url must be ws://, wss://, http:// or https://, not " + url);
        }
        if (apiKey.isBlank() || apiSecret.isBlank()) throw new IllegalArgumentException("LiveKit API key and secret are required");
    }

    /** The WebSocket base of the signal endpoint: http→ws, https→wss, without a trailing slash. */
    public String signalBase() {
        String u = url;
        if (u.regionMatches(true, 0, "http", 0, 4)) u = "ws" + u.substring(4);
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }

    /** Keeps the secret out of logs. */
    @Override
    public String toString() {
        return "LiveKitConfig[url=" + url + ", apiKey=" + apiKey + "]";
    }
}
