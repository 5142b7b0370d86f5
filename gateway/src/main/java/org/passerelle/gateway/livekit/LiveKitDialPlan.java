package org.passerelle.gateway.livekit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import livekit.LivekitSip.SIPDispatchRule;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.dialplan.Explanation;
import org.passerelle.dialplan.NumberNormalizer;
import org.passerelle.gateway.ivr.PinDirectory;
import org.passerelle.gateway.ivr.StaticPinDirectory;

/**
 * The dial-plan rules a LiveKit server's SIP API describes (what La Suite Meet creates: one
 * inbound trunk with its numbers and, per room, a direct dispatch rule with the room and a PIN),
 * mapped onto our routing. Immutable: a refresh builds a new one. Local rules come first; these
 * are tried when none of them matched, before the local fallback ({@link #explainAfter}).
 *
 * <p>Mapping, per LiveKit inbound trunk (its {@code numbers} are the called numbers; none: any):
 * the dispatch rules naming the trunk in {@code trunk_ids}, or else those naming no trunk (LiveKit
 * prefers rules bound to the trunk over default ones). Among them, direct rules with a PIN become
 * one "ask for the PIN" route whose directory maps each PIN to its rule's room; a direct rule
 * without a PIN joins its room; an individual rule joins {@code <prefix>_<caller digits>}. Callee
 * rules, PINs on individual rules, PIN rules with number filters and open rules that would take
 * calls the PIN rules must get are skipped, each with a note ({@link #skipped()}).
 */
public final class LiveKitDialPlan {
    /** Attempts a caller has at LiveKit's PIN prompt before goodbye (LiveKit SIP allows a few too). */
    static final int PIN_ATTEMPTS = 3;

    /** What a mapped route does. */
    public sealed interface Action {
        record Join(String room) implements Action {}

        /** Ask for a PIN in {@code directory} (name of {@link #pinDirectory}) then join its room. */
        record Pin(String directory) implements Action {}

        /** One room per caller: {@code <prefix>_<caller's digits>}. */
        record Individual(String prefix) implements Action {}
    }

    /**
     * One mapped route.
     *
     * @param name    {@code livekit:<ruleId>} (or the rule ids of a PIN group)
     * @param trunkId the LiveKit trunk whose numbers it serves, or null for a rule without trunk
     * @param numbers called numbers as LiveKit wrote them; empty: any
     * @param callers caller numbers allowed (the rule's inbound_numbers); empty: any
     */
    public record Route(String name, String trunkId, List<String> numbers, List<String> callers, Action action) {
        public Route {
            numbers = List.copyOf(numbers);
            callers = List.copyOf(callers);
        }
    }

    private static final LiveKitDialPlan EMPTY = new LiveKitDialPlan(List.of(), Map.of(), List.of(), List.of());
    /** For "auto" prompt languages; numbers reach it already in E.164. */
    private static final NumberNormalizer LANGUAGES = new NumberNormalizer("FR");

    private final List<Route> routes;
    private final Map<String, PinDirectory> pins;
    private final List<String> skipped;
    private final List<String> trunkNumbers;

    private LiveKitDialPlan(List<Route> routes, Map<String, PinDirectory> pins, List<String> skipped,
                            List<String> trunkNumbers) {
        this.routes = List.copyOf(routes);
        this.pins = Map.copyOf(pins);
        this.skipped = List.copyOf(skipped);
        this.trunkNumbers = List.copyOf(trunkNumbers);
    }

    /** No LiveKit rules (before the first successful read). */
    public static LiveKitDialPlan empty() {
        return EMPTY;
    }

    public List<Route> routes() {
        return routes;
    }

    /** What was not mapped, and why (one line per rule or trunk). */
    public List<String> skipped() {
        return skipped;
    }

    /** A PIN directory of a LiveKit PIN route ({@code livekit:<trunkId>}), or null. */
    public PinDirectory pinDirectory(String name) {
        return pins.get(name);
    }

    /** Whether {@code called} (normalized by {@code local}) is a number of a LiveKit inbound trunk. */
    public boolean hasNumber(DialPlan local, String called) {
        for (String n : trunkNumbers) if (local.normalize(n).equals(called)) return true;
        return false;
    }

    /** Maps what a server's SIP API answered; never fails (what cannot be mapped is skipped). */
    public static LiveKitDialPlan map(List<SIPInboundTrunkInfo> trunks, List<SIPDispatchRuleInfo> rules) {
        List<Route> routes = new ArrayList<>();
        Map<String, PinDirectory> pins = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        List<SIPDispatchRuleInfo> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparing(SIPDispatchRuleInfo::getSipDispatchRuleId));
        List<SIPInboundTrunkInfo> sortedTrunks = new ArrayList<>(trunks);
        sortedTrunks.sort(Comparator.comparing(SIPInboundTrunkInfo::getSipTrunkId));
        List<String> used = new ArrayList<>();
        for (SIPInboundTrunkInfo t : sortedTrunks) {
            numbers.addAll(t.getNumbersList());
            List<SIPDispatchRuleInfo> applicable = sorted.stream()
                    .filter(r -> r.getTrunkIdsList().contains(t.getSipTrunkId())).toList();
            if (applicable.isEmpty()) {
                applicable = sorted.stream().filter(r -> r.getTrunkIdsCount() == 0).toList();
            }
            if (applicable.isEmpty()) {
                skipped.add("trunk " + t.getSipTrunkId() + ": no dispatch rule applies to it");
                continue;
            }
            mapTrunk(t, applicable, routes, pins, skipped);
            for (SIPDispatchRuleInfo r : applicable) used.add(r.getSipDispatchRuleId());
        }
        for (SIPDispatchRuleInfo r : sorted) {
            if (!used.contains(r.getSipDispatchRuleId())) {
                skipped.add("livekit:" + r.getSipDispatchRuleId() + ": applies to no inbound trunk of the server");
            }
        }
        return new LiveKitDialPlan(routes, pins, skipped, numbers);
    }

    private static void mapTrunk(SIPInboundTrunkInfo trunk, List<SIPDispatchRuleInfo> rules, List<Route> routes,
                                 Map<String, PinDirectory> pins, List<String> skipped) {
        String trunkId = trunk.getSipTrunkId();
        Map<String, String> pinToRoom = new LinkedHashMap<>();
        List<String> pinRules = new ArrayList<>();
        List<Route> filtered = new ArrayList<>();
        List<Route> open = new ArrayList<>();
        for (SIPDispatchRuleInfo r : rules) {
            String name = "livekit:" + r.getSipDispatchRuleId();
            List<String> called = calledNumbers(trunk, r);
            if (called == null) {
                skipped.add(name + ": its numbers are none of trunk " + trunkId + "'s");
                continue;
            }
            SIPDispatchRule rule = r.getRule();
            switch (rule.getRuleCase()) {
                case DISPATCH_RULE_DIRECT -> {
                    String room = rule.getDispatchRuleDirect().getRoomName();
                    String pin = rule.getDispatchRuleDirect().getPin();
                    if (!DialPlan.isValidRoomName(room)) {
                        skipped.add(name + ": room name \"" + room + "\" is not one we can join");
                    } else if (pin.isEmpty()) {
                        Route route = new Route(name, trunkId, called, r.getInboundNumbersList(), new Action.Join(room));
                        (r.getInboundNumbersCount() > 0 ? filtered : open).add(route);
                    } else if (!pin.matches("[0-9]{1,20}")) {
                        skipped.add(name + ": its PIN is not 1 to 20 digits");
                    } else if (r.getInboundNumbersCount() > 0 || r.getNumbersCount() > 0) {
                        skipped.add(name + ": a PIN rule with number filters is not mapped");
                    } else if (pinToRoom.containsKey(pin)) {
                        skipped.add(name + ": its PIN is already the PIN of " + pinRules.getFirst()
                                + " or another rule of trunk " + trunkId);
                    } else {
                        pinToRoom.put(pin, room);
                        pinRules.add(name);
                    }
                }
                case DISPATCH_RULE_INDIVIDUAL -> {
                    var ind = rule.getDispatchRuleIndividual();
                    if (!ind.getPin().isEmpty()) {
                        skipped.add(name + ": individual rules with a PIN are not mapped");
                    } else if (!ind.getRoomPrefix().isEmpty() && !DialPlan.isValidRoomName(ind.getRoomPrefix())) {
                        skipped.add(name + ": room prefix \"" + ind.getRoomPrefix() + "\" is not valid in room names");
                    } else {
                        Route route = new Route(name, trunkId, called, r.getInboundNumbersList(),
                                new Action.Individual(ind.getRoomPrefix()));
                        (r.getInboundNumbersCount() > 0 ? filtered : open).add(route);
                    }
                }
                case DISPATCH_RULE_CALLEE -> skipped.add(name + ": callee rules are not mapped");
                default -> skipped.add(name + ": a dispatch rule of an unknown kind");
            }
        }
        // Most specific first: open rules limited to some callers, then the PIN line.
        routes.addAll(filtered);
        if (!pinToRoom.isEmpty()) {
            String directory = "livekit:" + trunkId;
            pins.put(directory, new StaticPinDirectory(pinToRoom));
            String name = pinRules.size() == 1 ? pinRules.getFirst()
                    : pinRules.getFirst() + " +" + (pinRules.size() - 1) + " PIN rules";
            routes.add(new Route(name, trunkId, trunk.getNumbersList(), List.of(), new Action.Pin(directory)));
            // An open rule for every caller would let them in without a PIN: the PIN wins.
            for (Route o : open) {
                skipped.add(o.name() + ": takes no PIN but trunk " + trunkId + " has PIN rules; the PIN is asked");
            }
        } else if (!open.isEmpty()) {
            routes.add(open.getFirst());
            for (Route o : open.subList(1, open.size())) {
                skipped.add(o.name() + ": " + open.getFirst().name() + " already takes every call to trunk " + trunkId);
            }
        }
    }

    /** The rule's called numbers within the trunk's; null when they have none in common. */
    private static List<String> calledNumbers(SIPInboundTrunkInfo trunk, SIPDispatchRuleInfo r) {
        if (r.getNumbersCount() == 0) return trunk.getNumbersList();
        if (trunk.getNumbersCount() == 0) return r.getNumbersList();
        List<String> both = r.getNumbersList().stream().filter(trunk.getNumbersList()::contains).toList();
        return both.isEmpty() ? null : both;
    }

    /**
     * The local plan's explanation when one of its rules matched; else these routes are tried in
     * order, and when none matches the local plan's fallback decides. Checks of both are listed.
     */
    public Explanation explainAfter(DialPlan local, CallFacts facts) {
        Explanation e = local.explain(facts);
        if (e.rule() != null || routes.isEmpty()) return e;
        List<Explanation.Check> checks = new ArrayList<>(e.checks());
        for (Route r : routes) {
            String miss = mismatch(local, r, e.to(), e.from());
            if (miss != null) {
                checks.add(new Explanation.Check(r.name(), false, miss));
                continue;
            }
            checks.add(new Explanation.Check(r.name(), true, matched(r)));
            Decision d = decide(r.action(), e.from());
            return new Explanation(e.to(), e.from(), checks, r.name(), d, describe(d));
        }
        return new Explanation(e.to(), e.from(), checks, null, e.decision(), e.outcome());
    }

    private static String mismatch(DialPlan local, Route r, String to, String from) {
        if (!r.numbers().isEmpty() && r.numbers().stream().noneMatch(n -> local.normalize(n).equals(to))) {
            return "called number " + to + " is not one of " + numbers(r);
        }
        if (!r.callers().isEmpty() && r.callers().stream().noneMatch(n -> local.normalize(n).equals(from))) {
            return "caller " + from + " is not one of " + r.callers();
        }
        return null;
    }

    private static String matched(Route r) {
        return r.numbers().isEmpty() ? "LiveKit trunk " + r.trunkId() + " takes any number"
                : "called number is one of " + numbers(r);
    }

    private static String numbers(Route r) {
        return "LiveKit trunk " + r.trunkId() + "'s " + r.numbers();
    }

    private static Decision decide(Action a, String from) {
        return switch (a) {
            case Action.Join j -> new Decision.JoinRoom(j.room());
            case Action.Pin p -> new Decision.AskPin(p.directory(), LANGUAGES.languageOf(from), PIN_ATTEMPTS, 0);
            case Action.Individual i -> {
                String digits = from == null ? "" : from.replaceAll("[^0-9]", "");
                String room = (i.prefix().isEmpty() ? "" : i.prefix() + "_") + digits;
                yield digits.isEmpty() || !DialPlan.isValidRoomName(room)
                        ? new Decision.Reject(404, "Not Found") : new Decision.JoinRoom(room);
            }
        };
    }

    private static String describe(Decision d) {
        return switch (d) {
            case Decision.JoinRoom j -> "join room " + j.room();
            case Decision.Reject r -> "reject with " + r.sipStatus() + " " + r.reason();
            case Decision.AskPin p -> "ask for a PIN (" + p.language() + ", " + p.maxAttempts()
                    + " attempts, ended by #) from directory " + p.directory() + ", then join its room";
            case Decision.PlayMessage p -> "play message " + p.prompt();
        };
    }

    @Override
    public String toString() {
        return routes.size() + " LiveKit routes, " + pins.size() + " PIN directories, " + skipped.size() + " skipped";
    }
}
