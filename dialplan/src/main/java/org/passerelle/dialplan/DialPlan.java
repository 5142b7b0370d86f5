package org.passerelle.dialplan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes a call to a decision: the rules in order, first match wins; when none matches, the
 * fallback decides. Pure: call facts in, decision out, no I/O, safe to share between threads
 * (a reload builds a new plan; calls in progress keep the decision they got).
 */
public final class DialPlan {
    /** Room names: letters, digits, '-', '_', '.', 1 to 64 characters. */
    private static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    /** What happens to a call no rule matched. */
    public enum Fallback {
        /** Join the room named by the called user part (the embedded default). */
        ROOM_BY_NAME,
        /** 404 Not Found. */
        NOT_FOUND
    }

    private final List<Rule> rules;
    private final NumberNormalizer numbers;
    private final Fallback fallback;

    public DialPlan(List<Rule> rules, NumberNormalizer numbers, Fallback fallback) {
        this.rules = List.copyOf(rules);
        this.numbers = numbers;
        this.fallback = fallback;
    }

    /** No rules: every call joins the room its Request-URI names. */
    public static DialPlan builtIn() {
        return new DialPlan(List.of(), new NumberNormalizer("FR"), Fallback.ROOM_BY_NAME);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** A number as the rules see it: E.164 when it reads as a phone number. */
    public String normalize(String number) {
        return numbers.normalize(number);
    }

    public Decision route(CallFacts facts) {
        return explain(facts).decision();
    }

    public Explanation explain(CallFacts facts) {
        String to = numbers.normalize(facts.calledUser());
        String from = numbers.normalize(facts.callerUser());
        List<Explanation.Check> checks = new ArrayList<>();
        for (Rule rule : rules) {
            String miss = mismatch(rule.match(), facts, to, from);
            if (miss != null) {
                checks.add(new Explanation.Check(rule.name(), false, miss));
                continue;
            }
            List<String> captures = rule.match().to() != null ? rule.match().to().match(to) : List.of(to);
            checks.add(new Explanation.Check(rule.name(), true, matchedBecause(rule.match())));
            Decision d = decide(rule.action(), facts, to, from, captures);
            return new Explanation(to, from, checks, rule.name(), d, describe(d));
        }
        Decision d = switch (fallback) {
            case ROOM_BY_NAME -> isValidRoomName(facts.calledUser())
                    ? new Decision.JoinRoom(facts.calledUser()) : new Decision.Reject(404, "Not Found");
            case NOT_FOUND -> new Decision.Reject(404, "Not Found");
        };
        return new Explanation(to, from, checks, null, d, describe(d));
    }

    /** Why the rule does not match, or null when it does. */
    private static String mismatch(Rule.Match m, CallFacts facts, String to, String from) {
        if (m.trunk() != null && !m.trunk().equals(facts.trunk())) {
            return "needs trunk " + m.trunk() + ", call came " + (facts.trunk() == null ? "through no trunk"
                    : "through trunk " + facts.trunk());
        }
        if (m.to() != null && m.to().match(to) == null) {
            return "called number " + to + " is not " + m.to().describe();
        }
        if (m.from() != null && m.from().match(from) == null) {
            return "caller " + from + " is not " + m.from().describe();
        }
        for (Map.Entry<String, Pattern> h : m.headers().entrySet()) {
            String value = facts.header(h.getKey());
            if (value == null) return "no " + h.getKey() + " header";
            if (!h.getValue().matcher(value).matches()) {
                return "header " + h.getKey() + " \"" + value + "\" does not match /" + h.getValue().pattern() + "/";
            }
        }
        return null;
    }

    private static String matchedBecause(Rule.Match m) {
        List<String> parts = new ArrayList<>();
        if (m.trunk() != null) parts.add("trunk " + m.trunk());
        if (m.to() != null) parts.add("called number " + m.to().describe());
        if (m.from() != null) parts.add("caller " + m.from().describe());
        for (String h : m.headers().keySet()) parts.add("header " + h);
        return parts.isEmpty() ? "matches every call" : String.join(", ", parts);
    }

    private Decision decide(Rule.Action action, CallFacts facts, String to, String from, List<String> captures) {
        return switch (action) {
            case Rule.Action.Join j -> {
                String room = expand(j.roomTemplate(), facts, to, from, captures);
                yield room != null && isValidRoomName(room)
                        ? new Decision.JoinRoom(room, j.platform()) : new Decision.Reject(404, "Not Found");
            }
            case Rule.Action.Pin p -> new Decision.AskPin(p.directory(), language(p.language(), from),
                    p.maxAttempts(), p.pinLength());
            case Rule.Action.Reject r -> new Decision.Reject(r.sipStatus(), r.reason());
            case Rule.Action.Play p -> new Decision.PlayMessage(p.prompt(), language(p.language(), from));
        };
    }

    private String language(String configured, String from) {
        return "auto".equals(configured) ? numbers.languageOf(from) : configured;
    }

    /** Fills a room template; null when a placeholder has no value. */
    static String expand(String template, CallFacts facts, String to, String from, List<String> captures) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value;
            if (key.equals("to")) {
                value = to;
            } else if (key.equals("from")) {
                value = from;
            } else if (key.startsWith("header:")) {
                value = facts.header(key.substring("header:".length()));
            } else if (key.chars().allMatch(Character::isDigit) && !key.isEmpty()) {
                int i = Integer.parseInt(key);
                value = i < captures.size() ? captures.get(i) : null;
            } else {
                value = null;
            }
            if (value == null) return null;
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The placeholders a template may use; for config validation. */
    static boolean isKnownPlaceholder(String key) {
        return key.equals("to") || key.equals("from") || key.startsWith("header:") && key.length() > 7
                || (!key.isEmpty() && key.chars().allMatch(Character::isDigit));
    }

    static List<String> placeholders(String template) {
        List<String> keys = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) keys.add(m.group(1));
        return keys;
    }

    private static String describe(Decision d) {
        return switch (d) {
            case Decision.JoinRoom j -> "join room " + j.room() + (j.platform() == null ? "" : " (" + j.platform() + ")");
            case Decision.Reject r -> "reject with " + r.sipStatus() + " " + r.reason();
            case Decision.AskPin p -> "ask for a PIN (" + p.language() + ", " + p.maxAttempts() + " attempts"
                    + (p.pinLength() > 0 ? ", " + p.pinLength() + " digits" : ", ended by #")
                    + ") from directory " + p.directory() + ", then join its room";
            case Decision.PlayMessage p -> "play message " + p.prompt() + " (" + p.language() + ") and hang up";
        };
    }

    public static boolean isValidRoomName(String name) {
        return name != null && ROOM_NAME.matcher(name).matches();
    }
}
