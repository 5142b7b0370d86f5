package org.passerelle.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;

class TelephonyConfigTest {

    @Test
    void noTelephonySectionsKeepTheEmbeddedDefaults() throws Exception {
        assertSame(Telephony.defaults(), GatewayConfig.parse("t.yaml", "http:\n  port: 9000\n").telephony());
    }

    @Test
    void aCompleteExampleIsRead() throws Exception {
        Telephony t = GatewayConfig.parse("t.yaml", """
                sip:
                  directCalls: false
                trunks:
                  inbound:
                    - name: operator
                      sources: [192.0.2.0/24, "2001:db8::/32"]
                      auth: {username: gw, password: s3cret}
                      numbers: ["+33142000000"]
                      maxCalls: 30
                  outbound:
                    - name: out
                      proxy: sip.example.org:5060
                      auth: {username: "0142000000", password: s3cret}
                      register: true
                      callerId: "+33142000000"
                      prefixes: ["+33"]
                pins:
                  default: {static: {"123456": board}}
                  platform: {http: {url: "https://meet.example.org/api/pin", timeoutSeconds: 2}}
                ivr:
                  digitTimeoutSeconds: 8
                  lockout: {failures: 3, windowMinutes: 5, lockMinutes: 20}
                dialplan:
                  rules:
                    - name: did
                      match: {trunk: operator, to: "01 42 00 00 00"}
                      pin: {directory: default, language: fr}
                """).telephony();
        assertFalse(t.directCalls());
        assertEquals("operator", t.inbound().get(0).name());
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32"), t.inbound().get(0).allowedSources());
        assertEquals(30, t.inbound().get(0).maxCalls());
        assertTrue(t.outbound().get(0).register());
        assertEquals(Duration.ofSeconds(600), t.outbound().get(0).registerExpiry());
        assertEquals(2, t.pins().size());
        assertEquals("http https://meet.example.org/api/pin", t.pins().get("platform").describe());
        assertEquals(new Telephony.Ivr(null, Duration.ofSeconds(8), 3, Duration.ofMinutes(5), Duration.ofMinutes(20)),
                t.ivr());
        assertEquals(new Decision.AskPin("default", "fr", 3, 0), t.dialPlan().route(
                new CallFacts("+33142000000", "0612345678", null, "192.0.2.7", null, "operator")));
    }

    @Test
    void errorsNameTheirPathAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("gw.yaml", """
                sip:
                  directCalls: maybe
                trunks:
                  inbound:
                    - name: operator
                      sources: [192.0.2.0/33, example.org]
                    - name: pbx
                      sources: [10.0.0.1]
                      auth:
                        username: pbx
                  outbound:
                    - name: out
                      register: true
                pins:
                  default: {static: {"12ab": board}}
                dialplan:
                  rules:
                    - name: r
                      match: {trunk: nope}
                      join: demo
                """));
        assertEquals(List.of(
                "trunks.inbound[0].sources[0]: not an IP address or CIDR: 192.0.2.0/33 (line 6)",
                "trunks.inbound[0].sources[1]: not an IP address or CIDR: example.org (line 6)",
                "trunks.inbound[1].auth.password: required (line 9)",
                "trunks.outbound[0].proxy: required (line 12)",
                "trunks.outbound[0].auth: required when register is true (line 12)",
                "sip.directCalls: must be true or false, not maybe (line 2)",
                "pins.default.static: PINs are 1 to 20 digits (write them in quotes) (line 15)",
                "dialplan.rules[0].match.trunk: no inbound trunk is named nope (known: operator, pbx) (line 19)"),
                e.errors());
    }

    @Test
    void passwordsNeverAppearInErrorsOrRecords() throws Exception {
        Telephony t = GatewayConfig.parse("t.yaml", """
                trunks:
                  inbound:
                    - name: operator
                      sources: [192.0.2.1]
                      auth: {username: gw, password: TopSecret42}
                """).telephony();
        assertFalse(t.toString().contains("TopSecret42"), t.toString());
    }

    @Test
    void theLiveKitDialPlanIsOffUnlessAsked() throws Exception {
        String server = """
                livekit:
                  url: ws://127.0.0.1:7880
                  apiKey: devkey
                  apiSecret: secret
                """;
        assertEquals(null, GatewayConfig.parse("t.yaml", server).telephony().liveKitDialPlanRefresh());
        assertEquals(Duration.ofSeconds(30),
                GatewayConfig.parse("t.yaml", server + "  dialPlan: true\n").telephony().liveKitDialPlanRefresh());
        assertEquals(Duration.ofSeconds(120), GatewayConfig.parse("t.yaml",
                server + "  dialPlan: true\n  dialPlanRefreshSeconds: 120\n").telephony().liveKitDialPlanRefresh());
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml",
                server + "  dialPlanRefreshSeconds: 2\n"));
        assertTrue(e.getMessage().contains("livekit.dialPlanRefreshSeconds"), e.getMessage());
    }

    @Test
    void aLiveKitRoomNeedsALiveKitServer() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("gw.yaml", """
                dialplan:
                  rules:
                    - name: meet
                      join: {room: conseil, platform: livekit}
                """));
        assertEquals(List.of("dialplan.rules[0].join.platform: livekit needs a livekit section (url, apiKey, "
                + "apiSecret) (line 4)"), e.errors());
    }
}
