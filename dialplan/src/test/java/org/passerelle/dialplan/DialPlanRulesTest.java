package org.passerelle.dialplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DialPlanRulesTest {
    private final NumberNormalizer fr = new NumberNormalizer("FR");

    private static CallFacts call(String to, String from, String trunk, Map<String, String> headers) {
        return new CallFacts(to, from, null, "192.0.2.1", headers, trunk);
    }

    private static Rule rule(String name, Rule.Match m, Rule.Action a) {
        return new Rule(name, m, a);
    }

    private final DialPlan plan = new DialPlan(List.of(
            rule("blocked", new Rule.Match(null, null, new NumberPattern.Prefix("+3389"), Map.of()),
                    new Rule.Action.Reject(403, "Forbidden")),
            rule("by-header", new Rule.Match(null, null, null, Map.of("X-Room", Pattern.compile("[a-z]+"))),
                    new Rule.Action.Join("${header:X-Room}")),
            rule("did", new Rule.Match("operator", new NumberPattern.Exact("+33142000000"), null, Map.of()),
                    new Rule.Action.Join("accueil")),
            rule("range", new Rule.Match("operator", new NumberPattern.Regex(Pattern.compile("\\+331420000(\\d\\d)")),
                    null, Map.of()), new Rule.Action.Join("salle-${1}")),
            rule("pin-line", new Rule.Match(null, new NumberPattern.Exact("+33199000000"), null, Map.of()),
                    new Rule.Action.Pin("default", "auto", 3, 0)),
            rule("closed", new Rule.Match(null, new NumberPattern.Prefix("+33198"), null, Map.of()),
                    new Rule.Action.Play("closed", "fr"))),
            fr, DialPlan.Fallback.NOT_FOUND);

    @Test
    void exactDidOnItsTrunkJoinsItsRoomInAnyNationalForm() {
        assertEquals(new Decision.JoinRoom("accueil"), plan.route(call("0142000000", "0600000000", "operator", null)));
        assertEquals(new Decision.JoinRoom("accueil"), plan.route(call("+33142000000", "1000", "operator", null)));
    }

    @Test
    void theSameNumberThroughAnotherTrunkDoesNotMatch() {
        assertEquals(new Decision.Reject(404, "Not Found"), plan.route(call("0142000000", "1000", "pbx", null)));
    }

    @Test
    void patternCapturesNameTheRoom() {
        assertEquals(new Decision.JoinRoom("salle-42"), plan.route(call("0142000042", "1000", "operator", null)));
    }

    @Test
    void firstMatchWins() {
        // A blocked caller dialing the DID is rejected by the earlier rule.
        assertEquals(new Decision.Reject(403, "Forbidden"),
                plan.route(call("0142000000", "0899000000", "operator", null)));
    }

    @Test
    void headerRule() {
        assertEquals(new Decision.JoinRoom("board"), plan.route(call("x", "1000", null, Map.of("x-room", "board"))));
        // A header value that is not a valid pattern match falls through to the fallback.
        assertEquals(new Decision.Reject(404, "Not Found"),
                plan.route(call("x", "1000", null, Map.of("x-room", "Board Room"))));
    }

    @Test
    void pinLanguageFollowsTheCaller() {
        assertEquals(new Decision.AskPin("default", "fr", 3, 0), plan.route(call("0199000000", "0612345678", null, null)));
        assertEquals(new Decision.AskPin("default", "en", 3, 0),
                plan.route(call("0199000000", "+4930123456", null, null)));
    }

    @Test
    void playMessage() {
        assertEquals(new Decision.PlayMessage("closed", "fr"), plan.route(call("0198000000", "1000", null, null)));
    }

    @Test
    void explanationSaysWhyEachRuleWasPassed() {
        Explanation e = plan.explain(call("0142000042", "0612345678", "operator", null));
        assertEquals("range", e.rule());
        assertEquals("+33142000042", e.to());
        assertEquals(4, e.checks().size());
        assertEquals("caller +33612345678 is not starting with +3389", e.checks().get(0).why());
        assertEquals("no X-Room header", e.checks().get(1).why());
        assertEquals("called number +33142000042 is not exactly +33142000000", e.checks().get(2).why());
        assertTrue(e.checks().get(3).matched());
        assertTrue(e.toText().contains("rule range → join room salle-42"), e.toText());
    }

    @Test
    void noRuleMatchedIsExplainedToo() {
        Explanation e = plan.explain(call("0100000000", "1000", null, null));
        assertNull(e.rule());
        assertTrue(e.toText().contains("no rule matched → reject with 404 Not Found"), e.toText());
    }

    @Test
    void aTemplateWithAMissingValueIsNotFound() {
        DialPlan p = new DialPlan(List.of(rule("r", Rule.Match.any(), new Rule.Action.Join("${header:X-Room}"))),
                fr, DialPlan.Fallback.NOT_FOUND);
        assertEquals(new Decision.Reject(404, "Not Found"), p.route(call("demo", "1000", null, null)));
    }

    @Test
    void roomByNameFallback() {
        DialPlan p = new DialPlan(List.of(), fr, DialPlan.Fallback.ROOM_BY_NAME);
        assertEquals(new Decision.JoinRoom("demo"), p.route(call("demo", "1000", null, null)));
    }
}
