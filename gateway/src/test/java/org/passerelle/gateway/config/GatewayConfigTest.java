package org.passerelle.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.codec.AudioCodec;

class GatewayConfigTest {

    @Test
    void emptyFileMeansDefaults() throws Exception {
        assertEquals(GatewayConfig.defaults(), GatewayConfig.parse("t.yaml", ""));
    }

    @Test
    void readsEverySetting() throws Exception {
        GatewayConfig c = GatewayConfig.parse("t.yaml", """
                sip:
                  bind: 127.0.0.1
                  port: 5080
                  publicAddress: 203.0.113.10
                  rtpPorts: 40000-40100
                  rtpTimeoutSeconds: 12
                  codecs: [PCMA, opus]
                http:
                  port: 9090
                """);
        assertEquals(new GatewayConfig("127.0.0.1", 5080, "203.0.113.10", 40000, 40100, Duration.ofSeconds(12),
                List.of(AudioCodec.PCMA, AudioCodec.OPUS), 9090), c);
    }

    @Test
    void readsRoomsWebRtcAndBrowserSettings() throws Exception {
        GatewayConfig c = GatewayConfig.parse("t.yaml", """
                http:
                  browserTimeoutSeconds: 45
                rooms:
                  maxParticipants: 12
                  maxRooms: 3
                webrtc:
                  portRange: 41000-41999
                  publicAddress: 198.51.100.7
                """);
        assertEquals(Duration.ofSeconds(45), c.browserTimeout());
        assertEquals(12, c.maxParticipants());
        assertEquals(3, c.maxRooms());
        assertEquals(41000, c.webRtcPortMin());
        assertEquals(41999, c.webRtcPortMax());
        assertEquals("198.51.100.7", c.webRtcPublicAddress());
        assertEquals(8080, c.httpPort());
    }

    @Test
    void newSectionsDefault() {
        GatewayConfig d = GatewayConfig.defaults();
        assertEquals(Duration.ofSeconds(20), d.browserTimeout());
        assertEquals(50, d.maxParticipants());
        assertEquals(200, d.maxRooms());
        assertEquals(40000, d.webRtcPortMin());
        assertEquals(49999, d.webRtcPortMax());
        assertEquals(null, d.webRtcPublicAddress());
    }

    @Test
    void newSectionErrorsCarryTheirPaths() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("gw.yaml", """
                http:
                  browserTimeoutSeconds: 1
                rooms:
                  maxParticipants: 0
                  maxRooms: many
                  size: 3
                webrtc:
                  portRange: 40000
                  publicAddress: ""
                """));
        assertEquals(List.of(
                "rooms.size: unknown setting (expected one of maxParticipants, maxRooms) (line 6)",
                "http.browserTimeoutSeconds: must be 5-3600, not 1 (line 2)",
                "rooms.maxParticipants: must be 1-10000, not 0 (line 4)",
                "rooms.maxRooms: must be a whole number, not \"many\" (line 5)",
                "webrtc.portRange: must be MIN-MAX with 1024 <= MIN < MAX <= 65535, not 40000 (line 8)",
                "webrtc.publicAddress: must be a non-empty string (line 9)"), e.errors());
        ConfigException notAMap = assertThrows(ConfigException.class,
                () -> GatewayConfig.parse("gw.yaml", "webrtc: 5\n"));
        assertEquals(List.of("webrtc: must be a mapping (line 1)"), notAMap.errors());
    }

    @Test
    void everyErrorIsReportedWithItsPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("gw.yaml", """
                sip:
                  port: 70000
                  rtpPorts: 30000-20000
                  codecs: [PCMU, GSM, PCMU]
                  colour: blue
                http:
                  port: eighty
                trunks: []
                """));
        assertEquals(List.of(
                "sip.colour: unknown setting (expected one of bind, codecs, directCalls, port, publicAddress, "
                        + "rtpPorts, rtpTimeoutSeconds, tls) (line 5)",
                "sip.port: must be 1-65535, not 70000 (line 2)",
                "sip.rtpPorts: must be MIN-MAX with 1024 <= MIN < MAX <= 65535, not 30000-20000 (line 3)",
                "sip.codecs[1]: unknown codec GSM (known: opus, G722, PCMU, PCMA) (line 4)",
                "sip.codecs[2]: PCMU is listed twice (line 4)",
                "http.port: must be a whole number, not \"eighty\" (line 7)",
                "trunks: must be a mapping (line 8)"), e.errors());
        assertEquals(true, e.getMessage().startsWith("gw.yaml: 7 errors"));
    }

    @Test
    void brokenYamlIsRefusedWithTheParserMessage() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayConfig.parse("gw.yaml", "sip: [unclosed"));
        assertEquals(1, e.errors().size());
        assertEquals(true, e.errors().get(0).startsWith("not valid YAML"));
    }
}
