package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class LiveKitTokensTest {
    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes";
    private final LiveKitTokens tokens = new LiveKitTokens(new LiveKitConfig("wss://lk.example", "APIkey1", SECRET),
            Duration.ofHours(1));

    /** Checks the HS256 signature with the secret and returns the claims. */
    private static JsonNode claims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length);
        JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("HS256", header.get("alg").asText());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, Base64.getUrlDecoder().decode(parts[2]), "signature");
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    @Test
    void listenerIsHiddenAndSubscribeOnly() throws Exception {
        JsonNode c = claims(tokens.listener("conseil"));
        assertEquals("APIkey1", c.get("iss").asText());
        assertEquals("passerelle-listener-conseil", c.get("sub").asText());
        JsonNode v = c.get("video");
        assertTrue(v.get("roomJoin").asBoolean());
        assertEquals("conseil", v.get("room").asText());
        assertTrue(v.get("hidden").asBoolean());
        assertTrue(v.get("canSubscribe").asBoolean());
        assertFalse(v.get("canPublish").asBoolean());
        assertFalse(v.get("canPublishData").asBoolean());
        long ttl = c.get("exp").asLong() - System.currentTimeMillis() / 1000; // ttl is given in ms
        assertTrue(Math.abs(ttl - 3600) <= 5, "ttl " + ttl);
    }

    @Test
    void callPublishesItsMicrophoneOnlyWithLiveKitSipIdentity() throws Exception {
        JsonNode c = claims(tokens.call("conseil", new CallIdentity("abc@10.0.0.1", "+33612345678", "Mairie", "+33142000001")));
        assertEquals("sip_+33612345678", c.get("sub").asText());
        assertEquals("Mairie", c.get("name").asText());
        JsonNode v = c.get("video");
        assertEquals("conseil", v.get("room").asText());
        assertTrue(v.get("canPublish").asBoolean());
        assertFalse(v.get("canSubscribe").asBoolean());
        assertEquals("[\"microphone\"]", v.get("canPublishSources").toString());
        assertFalse(v.has("hidden") && v.get("hidden").asBoolean());
        JsonNode a = c.get("attributes");
        assertEquals("abc@10.0.0.1", a.get("sip.callID").asText());
        assertEquals("+33612345678", a.get("sip.phoneNumber").asText());
        assertEquals("+33142000001", a.get("sip.trunkPhoneNumber").asText());
        assertEquals("active", a.get("sip.callStatus").asText());
        assertEquals("1", a.get(CallIdentity.MARKER_ATTRIBUTE).asText());
        // A SIP participant, like LiveKit SIP's (ParticipantInfo.Kind.SIP), still signed with the secret
        assertEquals("sip", c.get("kind").asText());
        assertEquals("APIkey1", c.get("iss").asText());
        long ttl = c.get("exp").asLong() - System.currentTimeMillis() / 1000;
        assertTrue(ttl > 3500 && ttl <= 3600, "expiry kept: " + ttl);
    }

    @Test
    void callerWithoutNameIsShownByNumber() throws Exception {
        JsonNode c = claims(tokens.call("r", new CallIdentity("id", "100", null, null)));
        assertEquals("100", c.get("name").asText());
        assertFalse(c.get("attributes").has("sip.trunkPhoneNumber"));
    }

    @Test
    void configKeepsTheSecretOutOfItsTextAndMapsHttpToWs() {
        LiveKitConfig cfg = new LiveKitConfig("https://lk.example/", "k", SECRET);
        assertFalse(cfg.toString().contains(SECRET));
        assertEquals("wss://lk.example", cfg.signalBase());
        assertEquals("ws://127.0.0.1:7880", new LiveKitConfig("http://127.0.0.1:7880", "k", SECRET).signalBase());
    }
}
