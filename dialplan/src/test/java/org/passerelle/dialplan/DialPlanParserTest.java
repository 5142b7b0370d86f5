package org.passerelle.dialplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DialPlanParserTest {

    private static Map<String, Object> m(Object... kv) {
        java.util.LinkedHashMap<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) map.put((String) kv[i], kv[i + 1]);
        return map;
    }

    @Test
    void aGoodSectionGivesAWorkingPlan() {
        DialPlanParser parser = new DialPlanParser(Set.of("operator"), Set.of("default"));
        DialPlan plan = parser.parse(m("country", "FR", "rules", List.of(
                m("name", "did", "match", m("trunk", "operator", "to", "01 42 00 00 00"), "join", "accueil"),
                m("name", "range", "match", m("to", m("pattern", "\\+3314200(\\d+)")), "join", "salle-${1}"),
                m("name", "pin", "match", m("to", m("prefix", "+33199")), "pin", m("attempts", 5, "length", 6)))),
                "dialplan");
        assertEquals(List.of(), parser.problems());
        assertEquals(3, plan.rules().size());
        assertEquals(new Decision.JoinRoom("accueil"),
                plan.route(new CallFacts("+33142000000", "1", null, "192.0.2.1", null, "operator")));
        assertEquals(new Decision.JoinRoom("salle-0777"),
                plan.route(new CallFacts("0142000777", "1", null, "192.0.2.1", null, null)));
        assertEquals(new Decision.AskPin("default", "en", 5, 6),
                plan.route(new CallFacts("+33199000001", "1", null, "192.0.2.1", null, null)));
        assertEquals(new Decision.Reject(404, "Not Found"),
                plan.route(new CallFacts("demo", "1", null, "192.0.2.1", null, null)),
                "with rules, an unmatched call is not found unless fallback says otherwise");
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        DialPlanParser parser = new DialPlanParser(Set.of("operator"), Set.of("default"));
        parser.parse(m("country", "XX", "fallback", "maybe", "rules", List.of(
                m("match", m("trunk", "nope", "to", 142000000), "join", "a b"),
                m("name", "two", "join", "x", "reject", m()),
                m("name", "bad", "match", m("from", m("pattern", "(")), "pin", m("directory", "other",
                        "language", "de", "attempts", 0)),
                m("name", "bad", "colour", "red", "join", "${nope}"))), "dialplan");
        List<String> got = parser.problems().stream().map(ConfigProblem::toString).toList();
        List<String> expected = List.of(
                "dialplan.country: unknown country code XX (use ISO 3166 codes such as FR, BE, DE)",
                "dialplan.rules[0].name: required",
                "dialplan.rules[0].match.trunk: no inbound trunk is named nope (known: operator)",
                "dialplan.rules[0].match.to: write the number in quotes, e.g. \"142000000\", so a leading 0 or + is kept",
                "dialplan.rules[0].join: room names may hold letters, digits, - _ . (at most 64): a b",
                "dialplan.rules[1]: has several actions (join, reject); keep one",
                "dialplan.rules[2].match.from.pattern: invalid pattern: Unclosed group near position 1",
                "dialplan.rules[2].pin.directory: no PIN directory is named other",
                "dialplan.rules[2].pin.language: must be fr, en or auto (from the caller's country), not de",
                "dialplan.rules[2].pin.attempts: must be 1-10, not 0",
                "dialplan.rules[3].colour: unknown setting (expected one of join, match, name, pin, play, reject)",
                "dialplan.rules[3].join: unknown placeholder ${nope} (use ${1}.., ${to}, ${from}, ${header:Name})",
                "dialplan.rules[3].name: another rule is already named bad",
                "dialplan.fallback: must be room-by-name or not-found, not maybe");
        assertEquals(expected, got);
    }

    @Test
    void noSectionIsTheBuiltInPlan() {
        DialPlanParser parser = new DialPlanParser(Set.of(), Set.of());
        DialPlan plan = parser.parse(null, "dialplan");
        assertTrue(parser.problems().isEmpty());
        assertEquals(new Decision.JoinRoom("demo"), plan.route(new CallFacts("demo", "1", null, "x", null)));
    }

    @Test
    void joinMayNameThePlatform() {
        DialPlanParser parser = new DialPlanParser(Set.of(), Set.of());
        DialPlan plan = parser.parse(m("rules", List.of(
                m("name", "local", "match", m("to", "+33100000001"), "join", m("room", "hall", "platform", "embedded")),
                m("name", "bad", "join", m("room", "x", "platform", "jitsi")))), "dialplan");
        assertEquals(List.of("dialplan.rules[1].join.platform: must be livekit or embedded, not jitsi"),
                parser.problems().stream().map(ConfigProblem::toString).toList());
        assertEquals(new Decision.JoinRoom("hall", "embedded"),
                plan.route(new CallFacts("+33100000001", "1", null, "x", null)));
    }
}
