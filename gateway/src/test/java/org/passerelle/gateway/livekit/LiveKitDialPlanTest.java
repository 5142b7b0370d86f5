package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import livekit.LivekitSip.SIPDispatchRule;
import livekit.LivekitSip.SIPDispatchRuleCallee;
import livekit.LivekitSip.SIPDispatchRuleDirect;
import livekit.LivekitSip.SIPDispatchRuleIndividual;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import org.junit.jupiter.api.Test;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.dialplan.Explanation;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.gateway.config.Telephony;

/** The mapping of LiveKit SIP trunks and dispatch rules (as La Suite Meet writes them) to routing. */
class LiveKitDialPlanTest {
    static final DialPlan BUILT_IN = DialPlan.builtIn();

    static SIPInboundTrunkInfo trunk(String id, String... numbers) {
        return SIPInboundTrunkInfo.newBuilder().setSipTrunkId(id).addAllNumbers(List.of(numbers)).build();
    }

    static SIPDispatchRuleInfo direct(String id, String room, String pin, String... trunkIds) {
        return SIPDispatchRuleInfo.newBuilder().setSipDispatchRuleId(id).addAllTrunkIds(List.of(trunkIds))
                .setRule(SIPDispatchRule.newBuilder().setDispatchRuleDirect(
                        SIPDispatchRuleDirect.newBuilder().setRoomName(room).setPin(pin))).build();
    }

    static SIPDispatchRuleInfo individual(String id, String prefix) {
        return SIPDispatchRuleInfo.newBuilder().setSipDispatchRuleId(id)
                .setRule(SIPDispatchRule.newBuilder().setDispatchRuleIndividual(
                        SIPDispatchRuleIndividual.newBuilder().setRoomPrefix(prefix))).build();
    }

    static CallFacts call(String to, String from) {
        return new CallFacts(to, from, null, "192.0.2.1", Map.of());
    }

    static Optional<String> room(LiveKitDialPlan plan, Decision.AskPin p, String pin) {
        return plan.pinDirectory(p.directory()).lookup(pin).join();
    }

    @Test
    void meetsPinRulesBecomeOnePinLineOnTheTrunksNumbers() {
        LiveKitDialPlan plan = LiveKitDialPlan.map(List.of(trunk("ST_meet", "+33199000000")),
                List.of(direct("SDR_a", "conseil", "123456"), direct("SDR_b", "accueil", "654321", "ST_meet")));
        // The rule bound to the trunk is preferred over the default one (LiveKit's order).
        Explanation e = plan.explainAfter(BUILT_IN, call("01 99 00 00 00", "+33612345678"));
        assertEquals("livekit:SDR_b", e.rule(), e.toText());
        Decision.AskPin p = (Decision.AskPin) e.decision();
        assertEquals("fr", p.language(), "a French caller hears French prompts");
        assertEquals(Optional.of("accueil"), room(plan, p, "654321"));
        assertEquals(Optional.empty(), room(plan, p, "123456"), "SDR_a is not a rule of this trunk");
        assertEquals(List.of("livekit:SDR_a: applies to no inbound trunk of the server"), plan.skipped());
    }

    @Test
    void everyPinOfTheTrunkOpensItsRoom() {
        LiveKitDialPlan plan = LiveKitDialPlan.map(List.of(trunk("ST_meet", "+33199000000")),
                List.of(direct("SDR_a", "conseil", "123456"), direct("SDR_b", "accueil", "654321"),
                        direct("SDR_c", "bureau", "123456")));
        Decision.AskPin p = (Decision.AskPin) plan.explainAfter(BUILT_IN, call("+33199000000", "+447700900123")).decision();
        assertEquals("en", p.language());
        assertEquals(Optional.of("conseil"), room(plan, p, "123456"));
        assertEquals(Optional.of("accueil"), room(plan, p, "654321"));
        assertEquals(Optional.empty(), room(plan, p, "000000"));
        assertTrue(plan.skipped().getFirst().startsWith("livekit:SDR_c: its PIN is already"), plan.skipped().toString());
        assertEquals("livekit:SDR_a +1 PIN rules", plan.routes().getFirst().name());
    }

    @Test
    void aDirectRuleWithoutPinJoinsItsRoomAndOtherNumbersFallBack() {
        LiveKitDialPlan plan = LiveKitDialPlan.map(List.of(trunk("ST_x", "+33199000001")),
                List.of(direct("SDR_open", "hall", "")));
        assertEquals(new Decision.JoinRoom("hall"), plan.explainAfter(BUILT_IN, call("+33199000001", "x")).decision());
        Explanation other = plan.explainAfter(BUILT_IN, call("demo", "x"));
        assertNull(other.rule());
        assertEquals(new Decision.JoinRoom("demo"), other.decision(), "the local fallback still decides");
        assertFalse(other.checks().getFirst().matched());
        assertTrue(other.toText().contains("livekit:SDR_open"), other.toText());
    }

    @Test
    void anOpenRuleBesidePinRulesIsSkippedSoThePinIsAlwaysAsked() {
        LiveKitDialPlan plan = LiveKitDialPlan.map(List.of(trunk("ST_x", "+33199000000")),
                List.of(direct("SDR_open", "hall", ""), direct("SDR_pin", "conseil", "123456")));
        assertTrue(plan.explainAfter(BUILT_IN, call("+33199000000", "x")).decision() instanceof Decision.AskPin);
        assertEquals(1, plan.skipped().size(), plan.skipped().toString());
    }

    @Test
    void individualRulesGiveEachCallerARoomAndCalleeRulesAreSkipped() {
        SIPDispatchRuleInfo callee = SIPDispatchRuleInfo.newBuilder().setSipDispatchRuleId("SDR_callee")
                .setRule(SIPDispatchRule.newBuilder().setDispatchRuleCallee(
                        SIPDispatchRuleCallee.newBuilder().setRoomPrefix("n"))).build();
        LiveKitDialPlan plan = LiveKitDialPlan.map(List.of(trunk("ST_x")),
                List.of(individual("SDR_ind", "call"), callee));
        assertEquals(new Decision.JoinRoom("call_33612345678"),
                plan.explainAfter(BUILT_IN, call("+33199000000", "06 12 34 56 78")).decision());
        assertEquals(List.of("livekit:SDR_callee: callee rules are not mapped"), plan.skipped());
    }

    @Test
    void localRulesComeFirst() throws Exception {
        Telephony t = GatewayConfig.parse("t.yaml", """
                dialplan:
                  rules:
                    - name: local-pin
                      match: {to: "+33199000000"}
                      join: local-room
                """).telephony();
        LiveKitDialPlan plan = LiveKitDialPlan.map(List.of(trunk("ST_x", "+33199000000", "+33199000002")),
                List.of(direct("SDR_pin", "conseil", "123456")));
        Explanation local = plan.explainAfter(t.dialPlan(), call("+33199000000", "x"));
        assertEquals("local-pin", local.rule());
        Explanation lk = plan.explainAfter(t.dialPlan(), call("0199000002", "x"));
        assertEquals("livekit:SDR_pin", lk.rule(), lk.toText());
        assertEquals(List.of("local-pin", "livekit:SDR_pin"), lk.checks().stream().map(Explanation.Check::rule).toList());
        Explanation none = plan.explainAfter(t.dialPlan(), call("+33199000009", "x"));
        assertEquals(new Decision.Reject(404, "Not Found"), none.decision(), none.toText());
        assertTrue(plan.hasNumber(t.dialPlan(), "+33199000002"));
        assertFalse(plan.hasNumber(t.dialPlan(), "+33199000009"));
    }

    @Test
    void unjoinableRoomsAndBadPinsAreSkipped() {
        LiveKitDialPlan plan = LiveKitDialPlan.map(List.of(trunk("ST_x", "+33199000000")),
                List.of(direct("SDR_1", "salle à manger", "1"), direct("SDR_2", "ok", "12ab")));
        assertTrue(plan.routes().isEmpty());
        assertEquals(2, plan.skipped().size(), plan.skipped().toString());
    }
}
