package org.passerelle.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientMessageTest {
    private final ObjectMapper json = new ObjectMapper();

    private ClientMessage parse(String text) {
        return ClientMessage.parse(json, text);
    }

    @Test
    void readsEveryType() {
        assertEquals(new ClientMessage.Join("demo", "Ann", "v=0"),
                parse("{\"type\":\"join\",\"room\":\"demo\",\"name\":\"Ann\",\"sdp\":\"v=0\",\"extra\":1}"));
        assertEquals(new ClientMessage.Candidate("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0"),
                parse("{\"type\":\"candidate\",\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 9 typ host\","
                        + "\"sdpMid\":\"0\"}"));
        assertEquals(new ClientMessage.Candidate("", null), parse("{\"type\":\"candidate\",\"candidate\":\"\"}"));
        assertEquals(new ClientMessage.Candidate("", null), parse("{\"type\":\"candidate\",\"candidate\":null}"));
        assertEquals(new ClientMessage.Mute(true), parse("{\"type\":\"mute\",\"muted\":true}"));
        assertEquals(new ClientMessage.Leave(), parse("{\"type\":\"leave\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "not json", "[1,2]", "42", "\"join\"", "{}", "{\"type\":7}", "{\"type\":\"dance\"}",
            "{\"type\":\"join\",\"name\":\"Ann\",\"sdp\":\"v=0\"}",
            "{\"type\":\"join\",\"room\":\"demo\",\"sdp\":\"v=0\"}",
            "{\"type\":\"join\",\"room\":\"demo\",\"name\":\"Ann\"}",
            "{\"type\":\"join\",\"room\":5,\"name\":\"Ann\",\"sdp\":\"v=0\"}",
            "{\"type\":\"candidate\"}",
            "{\"type\":\"candidate\",\"candidate\":\"x\",\"sdpMid\":3}",
            "{\"type\":\"mute\"}",
            "{\"type\":\"mute\",\"muted\":\"yes\"}",
            "{\"type\":\"join\",\"room\":\"demo\"",
    })
    void malformedIsAValueWithAReason(String text) {
        ClientMessage m = parse(text);
        ClientMessage.Malformed bad = assertInstanceOf(ClientMessage.Malformed.class, m, text);
        assertEquals(false, bad.why().isBlank());
    }

    @Test
    void displayNames() {
        assertEquals("Ann", DisplayName.check("  Ann "));
        assertEquals("Zoé 🎧", DisplayName.check("Zoé 🎧"));
        assertEquals("x".repeat(64), DisplayName.check("x".repeat(64)));
        assertEquals(null, DisplayName.check("x".repeat(65)));
        assertEquals(null, DisplayName.check("   "));
        assertEquals(null, DisplayName.check(""));
        assertEquals(null, DisplayName.check("Ann\nBob"));
        assertEquals(null, DisplayName.check("Ann\u0000"));
        assertEquals(null, DisplayName.check(null));
    }
}
