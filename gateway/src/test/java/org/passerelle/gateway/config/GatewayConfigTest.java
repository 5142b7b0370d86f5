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
                "trunks: unknown setting (expected one of http, rooms, sip, webrtc)",
                "sip.colour: unknown setting (expected one of bind, codecs, port, publicAddress, rtpPorts, "
                        + "rtpTimeoutSeconds)",
                "sip.port: must be 1-65535, not 70000",
                "sip.rtpPorts: must be MIN-MAX with 1024 <= MIN < MAX <= 65535, not 30000-20000",
                "sip.codecs[1]: unknown codec GSM (known: opus, G722, PCMU, PCMA)",
                "sip.codecs[2]: PCMU is listed twice",
                "http.port: must be a whole number, not \"eighty\""), e.errors());
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
