package org.passerelle.dialplan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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

    private final ConfigTree tree = new ConfigTree();
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
        return tree.problems();
    }

    /** Parses the section at {@code path}; null node means none configured (the built-in plan). */
    public DialPlan parse(Object node, String path) {
        if (node == null) return DialPlan.builtIn();
        Map<String, Object> section = tree.map(node, path);
        if (section == null) return DialPlan.builtIn();
        tree.unknownKeys(section, SECTION_KEYS, path);
        String country = tree.text(section.get("country"), path + ".country", "FR");
        NumberNormalizer numbers;
        if (NumberNormalizer.isKnownRegion(country)) {
            numbers = new NumberNormalizer(country);
        } else {
            tree.problem(path + ".country", "unknown country code " + country
                    + " (use ISO 3166 codes such as FR, BE, DE)");
            numbers = new NumberNormalizer("FR");
        }
        List<Rule> rules = new ArrayList<>();
        Object rulesNode = section.get("rules");
        if (rulesNode != null) {
            if (!(rulesNode instanceof List<?> list)) {
                tree.problem(path + ".rules", "must be a list of rules");
            } else {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    Rule r = rule(list.get(i), path + ".rules[" + i + "]", numbers);
                    if (r == null) continue;
                    if (!names.add(r.name())) {
                        tree.problem(path + ".rules[" + i + "].name",
                                "another rule is already named " + r.name());
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
                default -> tree.problem(path + ".fallback",
                        "must be room-by-name or not-found, not " + fb);
            }
        }
        return new DialPlan(rules, numbers, fallback);
    }

    private Rule rule(Object node, String path, NumberNormalizer numbers) {
        Map<String, Object> m = tree.map(node, path);
        if (m == null) return null;
        tree.unknownKeys(m, RULE_KEYS, path);
        String name = tree.text(m.get("name"), path + ".name", null);
        if (name == null) tree.problem(path + ".name", "required");
        Rule.Match match = match(m.get("match"), path + ".match", numbers);
        List<String> actions = m.keySet().stream().filter(ACTIONS::contains).toList();
        if (actions.size() != 1) {
            tree.problem(path, actions.isEmpty()
                    ? "needs one action: join, pin, reject or play"
                    : "has several actions (" + String.join(", ", actions) + "); keep one");
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
        Map<String, Object> m = tree.map(node, path);
        if (m == null) return null;
        tree.unknownKeys(m, MATCH_KEYS, path);
        String trunk = tree.text(m.get("trunk"), path + ".trunk", null);
        if (trunk != null && !trunks.contains(trunk)) {
            tree.problem(path + ".trunk", "no inbound trunk is named " + trunk
                    + (trunks.isEmpty() ? " (none are configured)" : " (known: " + String.join(", ", sorted(trunks)) + ")"));
        }
        NumberPattern to = number(m.get("to"), path + ".to", numbers);
        NumberPattern from = number(m.get("from"), path + ".from", numbers);
        Map<String, Pattern> headers = new LinkedHashMap<>();
        Object h = m.get("headers");
        if (h != null) {
            Map<String, Object> hm = tree.map(h, path + ".headers");
            if (hm != null) {
                for (Map.Entry<String, Object> e : hm.entrySet()) {
                    Pattern p = tree.regex(e.getValue(), path + ".headers." + e.getKey());
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
            tree.problem(path, "write the number in quotes, e.g. \"" + n + "\", so a leading 0 or + is kept");
            return null;
        }
        Map<String, Object> m = tree.map(node, path);
        if (m == null) return null;
        tree.unknownKeys(m, Set.of("exact", "prefix", "pattern"), path);
        if (m.size() != 1) {
            tree.problem(path, "give one of exact, prefix or pattern");
            return null;
        }
        Map.Entry<String, Object> e = m.entrySet().iterator().next();
        String value = tree.text(e.getValue(), path + "." + e.getKey(), null);
        if (value == null) return null;
        return switch (e.getKey()) {
            case "exact" -> new NumberPattern.Exact(numbers.normalize(value));
            case "prefix" -> new NumberPattern.Prefix(value);
            case "pattern" -> {
                Pattern p = tree.regex(value, path + ".pattern");
                yield p == null ? null : new NumberPattern.Regex(p);
            }
            default -> null;
        };
    }

    private Rule.Action join(Object node, String path) {
        String platform = null;
        if (node instanceof java.util.Map<?, ?>) {
            // join: {room: "...", platform: livekit|embedded}
            Map<String, Object> m = tree.map(node, path);
            tree.unknownKeys(m, Set.of("room", "platform"), path);
            platform = tree.text(m.get("platform"), path + ".platform", null);
            if (platform != null && !platform.equals("livekit") && !platform.equals("embedded")) {
                tree.problem(path + ".platform", "must be livekit or embedded, not " + platform);
                platform = null;
            }
            node = m.get("room");
            path = path + ".room";
        }
        String template = tree.text(node, path, null);
        if (template == null) {
            tree.problem(path, "must name the room, e.g. \"visio-${1}\"");
            return null;
        }
        for (String key : DialPlan.placeholders(template)) {
            if (!DialPlan.isKnownPlaceholder(key)) {
                tree.problem(path, "unknown placeholder ${" + key
                        + "} (use ${1}.., ${to}, ${from}, ${header:Name})");
            }
        }
        String literal = template.replaceAll("\\$\\{[^}]*}", "x");
        if (!DialPlan.isValidRoomName(literal)) {
            tree.problem(path, "room names may hold letters, digits, - _ . (at most 64): "
                    + template);
        }
        return new Rule.Action.Join(template, platform);
    }

    private Rule.Action pin(Object node, String path) {
        Map<String, Object> m = node == null ? Map.of() : tree.map(node, path);
        if (m == null) return null;
        tree.unknownKeys(m, Set.of("directory", "language", "attempts", "length"), path);
        String directory = tree.text(m.get("directory"), path + ".directory", "default");
        if (!directories.contains(directory)) {
            tree.problem(path + ".directory", "no PIN directory is named " + directory
                    + (directories.isEmpty() ? " (none are configured)" : ""));
        }
        String language = language(m.get("language"), path + ".language", "auto");
        int attempts = tree.integer(m.get("attempts"), path + ".attempts", 3, 1, 10);
        int length = tree.integer(m.get("length"), path + ".length", 0, 0, 20);
        return new Rule.Action.Pin(directory, language, attempts, length);
    }

    private Rule.Action reject(Object node, String path) {
        Map<String, Object> m = node == null ? Map.of() : tree.map(node, path);
        if (m == null) return null;
        tree.unknownKeys(m, Set.of("code", "reason"), path);
        int code = tree.integer(m.get("code"), path + ".code", 403, 400, 699);
        String reason = tree.text(m.get("reason"), path + ".reason", "Forbidden");
        return new Rule.Action.Reject(code, reason);
    }

    private Rule.Action play(Object node, String path) {
        Map<String, Object> m = tree.map(node, path);
        if (m == null) return null;
        tree.unknownKeys(m, Set.of("prompt", "language"), path);
        String prompt = tree.text(m.get("prompt"), path + ".prompt", null);
        if (prompt == null) tree.problem(path + ".prompt", "required");
        String language = language(m.get("language"), path + ".language", "auto");
        return prompt == null ? null : new Rule.Action.Play(prompt, language);
    }

    private String language(Object node, String path, String dflt) {
        String l = tree.text(node, path, dflt);
        if (!LANGUAGES.contains(l)) {
            tree.problem(path, "must be fr, en or auto (from the caller's country), not " + l);
            return dflt;
        }
        return l;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
