package org.passerelle.dialplan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code dialplan} section of the config from its generic tree (maps, lists, strings,
 * numbers, as a YAML or JSON reader gives them) and reports every problem with its path instead
 * of stopping at the first.
 *
 * <pre>
 * dialplan:
 *   country: FR                 # national numbers are read in this country
 *   fallback: not-found         # or room-by-name: join the room the called user names
 *   rules:
 *     - name: visio-did
 *       match:
 *         trunk: operator
 *         to: {prefix: "+3314200"}        # or "+33142000000" (exact), {pattern: "..."}
 *         from: {pattern: "\\+33.*"}
 *         headers: {X-Room: "[a-z0-9-]+"}
 *       join: "visio-${1}"               # or pin: {...}, reject: {...}, play: {...}
 * </pre>
 */
public final class DialPlanParser {
    private static final Set<String> SECTION_KEYS = Set.of("country", "fallback", "rules");
    private static final Set<String> RULE_KEYS = Set.of("name", "match", "join", "pin", "reject", "play");
    private static final Set<String> ACTIONS = Set.of("join", "pin", "reject", "play");
    private static final Set<String> MATCH_KEYS = Set.of("trunk", "to", "from", "headers");
    private static final Set<String> LANGUAGES = Set.of("fr", "en", "auto");

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<String> trunks;
    private final Set<String> directories;

    /**
     * @param trunks      names of the configured inbound trunks (rules may only name these)
     * @param directories names of the configured PIN directories
     */
    public DialPlanParser(Set<String> trunks, Set<String> directories) {
        this.trunks = trunks;
        this.directories = directories;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** Parses the section at {@code path}; null node means none configured (the built-in plan). */
    public DialPlan parse(Object node, String path) {
        if (node == null) return DialPlan.builtIn();
        Map<String, Object> section = map(node, path);
        if (section == null) return DialPlan.builtIn();
        unknownKeys(section, SECTION_KEYS, path);
        String country = text(section.get("country"), path + ".country", "FR");
        NumberNormalizer numbers;
        if (NumberNormalizer.isKnownRegion(country)) {
            numbers = new NumberNormalizer(country);
        } else {
            problems.add(new ConfigProblem(path + ".country", "unknown country code " + country
                    + " (use ISO 3166 codes such as FR, BE, DE)"));
            numbers = new NumberNormalizer("FR");
        }
        List<Rule> rules = new ArrayList<>();
        Object rulesNode = section.get("rules");
        if (rulesNode != null) {
            if (!(rulesNode instanceof List<?> list)) {
                problems.add(new ConfigProblem(path + ".rules", "must be a list of rules"));
            } else {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    Rule r = rule(list.get(i), path + ".rules[" + i + "]", numbers);
                    if (r == null) continue;
                    if (!names.add(r.name())) {
                        problems.add(new ConfigProblem(path + ".rules[" + i + "].name",
                                "another rule is already named " + r.name()));
                    }
                    rules.add(r);
                }
            }
        }
        DialPlan.Fallback fallback = rules.isEmpty() ? DialPlan.Fallback.ROOM_BY_NAME : DialPlan.Fallback.NOT_FOUND;
        Object fb = section.get("fallback");
        if (fb != null) {
            switch (String.valueOf(fb)) {
                case "room-by-name" -> fallback = DialPlan.Fallback.ROOM_BY_NAME;
                case "not-found" -> fallback = DialPlan.Fallback.NOT_FOUND;
                default -> problems.add(new ConfigProblem(path + ".fallback",
                        "must be room-by-name or not-found, not " + fb));
            }
        }
        return new DialPlan(rules, numbers, fallback);
    }

    private Rule rule(Object node, String path, NumberNormalizer numbers) {
        Map<String, Object> m = map(node, path);
        if (m == null) return null;
        unknownKeys(m, RULE_KEYS, path);
        String name = text(m.get("name"), path + ".name", null);
        if (name == null) problems.add(new ConfigProblem(path + ".name", "required"));
        Rule.Match match = match(m.get("match"), path + ".match", numbers);
        List<String> actions = m.keySet().stream().filter(ACTIONS::contains).toList();
        if (actions.size() != 1) {
            problems.add(new ConfigProblem(path, actions.isEmpty()
                    ? "needs one action: join, pin, reject or play"
                    : "has several actions (" + String.join(", ", actions) + "); keep one"));
            return null;
        }
        String a = actions.getFirst();
        Rule.Action action = switch (a) {
            case "join" -> join(m.get("join"), path + ".join");
            case "pin" -> pin(m.get("pin"), path + ".pin");
            case "reject" -> reject(m.get("reject"), path + ".reject");
            default -> play(m.get("play"), path + ".play");
        };
        if (name == null || match == null || action == null) return null;
        return new Rule(name, match, action);
    }

    private Rule.Match match(Object node, String path, NumberNormalizer numbers) {
        if (node == null) return Rule.Match.any();
        Map<String, Object> m = map(node, path);
        if (m == null) return null;
        unknownKeys(m, MATCH_KEYS, path);
        String trunk = text(m.get("trunk"), path + ".trunk", null);
        if (trunk != null && !trunks.contains(trunk)) {
            problems.add(new ConfigProblem(path + ".trunk", "no inbound trunk is named " + trunk
                    + (trunks.isEmpty() ? " (none are configured)" : " (known: " + String.join(", ", sorted(trunks)) + ")")));
        }
        NumberPattern to = number(m.get("to"), path + ".to", numbers);
        NumberPattern from = number(m.get("from"), path + ".from", numbers);
        Map<String, Pattern> headers = new LinkedHashMap<>();
        Object h = m.get("headers");
        if (h != null) {
            Map<String, Object> hm = map(h, path + ".headers");
            if (hm != null) {
                for (Map.Entry<String, Object> e : hm.entrySet()) {
                    Pattern p = regex(e.getValue(), path + ".headers." + e.getKey());
                    if (p != null) headers.put(e.getKey(), p);
                }
            }
        }
        return new Rule.Match(trunk, to, from, headers);
    }

    private NumberPattern number(Object node, String path, NumberNormalizer numbers) {
        if (node == null) return null;
        if (node instanceof String s) {
            return new NumberPattern.Exact(numbers.normalize(s));
        }
        if (node instanceof Number n) {
            problems.add(new ConfigProblem(path, "write the number in quotes, e.g. \"" + n + "\", so a leading 0 or + is kept"));
            return null;
        }
        Map<String, Object> m = map(node, path);
        if (m == null) return null;
        unknownKeys(m, Set.of("exact", "prefix", "pattern"), path);
        if (m.size() != 1) {
            problems.add(new ConfigProblem(path, "give one of exact, prefix or pattern"));
            return null;
        }
        Map.Entry<String, Object> e = m.entrySet().iterator().next();
        String value = text(e.getValue(), path + "." + e.getKey(), null);
        if (value == null) return null;
        return switch (e.getKey()) {
            case "exact" -> new NumberPattern.Exact(numbers.normalize(value));
            case "prefix" -> new NumberPattern.Prefix(value);
            case "pattern" -> {
                Pattern p = regex(value, path + ".pattern");
                yield p == null ? null : new NumberPattern.Regex(p);
            }
            default -> null;
        };
    }

    private Rule.Action join(Object node, String path) {
        String template = text(node, path, null);
        if (template == null) {
            problems.add(new ConfigProblem(path, "must name the room, e.g. \"visio-${1}\""));
            return null;
        }
        for (String key : DialPlan.placeholders(template)) {
            if (!DialPlan.isKnownPlaceholder(key)) {
                problems.add(new ConfigProblem(path, "unknown placeholder ${" + key
                        + "} (use ${1}.., ${to}, ${from}, ${header:Name})"));
            }
        }
        String literal = template.replaceAll("\\$\\{[^}]*}", "x");
        if (!DialPlan.isValidRoomName(literal)) {
            problems.add(new ConfigProblem(path, "room names may hold letters, digits, - _ . (at most 64): "
                    + template));
        }
        return new Rule.Action.Join(template);
    }

    private Rule.Action pin(Object node, String path) {
        Map<String, Object> m = node == null ? Map.of() : map(node, path);
        if (m == null) return null;
        unknownKeys(m, Set.of("directory", "language", "attempts", "length"), path);
        String directory = text(m.get("directory"), path + ".directory", "default");
        if (!directories.contains(directory)) {
            problems.add(new ConfigProblem(path + ".directory", "no PIN directory is named " + directory
                    + (directories.isEmpty() ? " (none are configured)" : "")));
        }
        String language = language(m.get("language"), path + ".language", "auto");
        int attempts = integer(m.get("attempts"), path + ".attempts", 3, 1, 10);
        int length = integer(m.get("length"), path + ".length", 0, 0, 20);
        return new Rule.Action.Pin(directory, language, attempts, length);
    }

    private Rule.Action reject(Object node, String path) {
        Map<String, Object> m = node == null ? Map.of() : map(node, path);
        if (m == null) return null;
        unknownKeys(m, Set.of("code", "reason"), path);
        int code = integer(m.get("code"), path + ".code", 403, 400, 699);
        String reason = text(m.get("reason"), path + ".reason", "Forbidden");
        return new Rule.Action.Reject(code, reason);
    }

    private Rule.Action play(Object node, String path) {
        Map<String, Object> m = map(node, path);
        if (m == null) return null;
        unknownKeys(m, Set.of("prompt", "language"), path);
        String prompt = text(m.get("prompt"), path + ".prompt", null);
        if (prompt == null) problems.add(new ConfigProblem(path + ".prompt", "required"));
        String language = language(m.get("language"), path + ".language", "auto");
        return prompt == null ? null : new Rule.Action.Play(prompt, language);
    }

    private String language(Object node, String path, String dflt) {
        String l = text(node, path, dflt);
        if (!LANGUAGES.contains(l)) {
            problems.add(new ConfigProblem(path, "must be fr, en or auto (from the caller's country), not " + l));
            return dflt;
        }
        return l;
    }

    private Pattern regex(Object node, String path) {
        String s = text(node, path, null);
        if (s == null) {
            problems.add(new ConfigProblem(path, "must be a pattern (a regular expression)"));
            return null;
        }
        try {
            return Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            problems.add(new ConfigProblem(path, "invalid pattern: " + e.getDescription() + " near position "
                    + e.getIndex()));
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object node, String path) {
        if (node instanceof Map<?, ?> m) return (Map<String, Object>) m;
        problems.add(new ConfigProblem(path, "must be a mapping"));
        return null;
    }

    private String text(Object node, String path, String dflt) {
        if (node == null) return dflt;
        if (node instanceof String s && !s.isBlank()) return s.trim();
        problems.add(new ConfigProblem(path, "must be a non-empty string"));
        return dflt;
    }

    private int integer(Object node, String path, int dflt, int min, int max) {
        if (node == null) return dflt;
        if (!(node instanceof Integer || node instanceof Long)) {
            problems.add(new ConfigProblem(path, "must be a whole number, not " + node));
            return dflt;
        }
        long v = ((Number) node).longValue();
        if (v < min || v > max) {
            problems.add(new ConfigProblem(path, "must be " + min + "-" + max + ", not " + v));
            return dflt;
        }
        return (int) v;
    }

    private void unknownKeys(Map<String, Object> m, Set<String> allowed, String path) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                problems.add(new ConfigProblem(path + "." + k, "unknown setting (expected one of "
                        + String.join(", ", sorted(allowed)) + ")"));
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
