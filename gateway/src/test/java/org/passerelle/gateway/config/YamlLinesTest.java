package org.passerelle.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class YamlLinesTest {
    private static final String YAML = """
            sip:
              port: 5060
            trunks:
              - name: operator
                sources: [192.0.2.0/24]
              - name: pbx
                auth:
                  username: gw
            dialplan:
              rules:
                - name: a
                  join: demo
            """;

    private final YamlLines lines = YamlLines.of(YAML);

    @Test
    void settingsHaveTheirLines() {
        assertEquals(1, lines.lineOf("sip"));
        assertEquals(2, lines.lineOf("sip.port"));
        assertEquals(4, lines.lineOf("trunks[0].name"));
        assertEquals(5, lines.lineOf("trunks[0].sources"));
        assertEquals(5, lines.lineOf("trunks[0].sources[0]"));
        assertEquals(7, lines.lineOf("trunks[1].auth"));
        assertEquals(8, lines.lineOf("trunks[1].auth.username"));
        assertEquals(12, lines.lineOf("dialplan.rules[0].join"));
    }

    @Test
    void aMissingSettingIsPlacedAtItsParent() {
        assertEquals(7, lines.lineOf("trunks[1].auth.password"));
        assertEquals("trunks[1].auth.password: required (line 7)",
                lines.locate("trunks[1].auth.password", "required"));
    }

    @Test
    void nothingKnownGivesNoLine() {
        assertEquals(0, lines.lineOf("http.port"));
        assertEquals("http.port: bad", lines.locate("http.port", "bad"));
        // What was read before a syntax error is still indexed.
        assertEquals(1, YamlLines.of("sip: [unclosed").lineOf("sip.port"));
    }
}
