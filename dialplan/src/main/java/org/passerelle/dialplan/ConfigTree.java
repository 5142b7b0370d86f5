package org.passerelle.dialplan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a config section from its generic tree (maps, lists, strings, numbers, booleans, as a
 * YAML or JSON reader gives them), collecting every problem with its path instead of stopping at
 * the first. Each reader returns a default on a problem so reading can go on.
 */
public final class ConfigTree {
    private final List<ConfigProblem> problems = new ArrayList<>();

    public List<ConfigProblem> problems() {
        return problems;
    }

    public void problem(String path, String message) {
        problems.add(new ConfigProblem(path, message));
    }

    /** The node as a mapping, or null (with a problem) when it is something else. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map(Object node, String path) {
        if (node instanceof Map<?, ?> m) return (Map<String, Object>) m;
        problem(path, "must be a mapping");
        return null;
    }

    /** The node as a list; null node gives an empty list. */
    public List<?> list(Object node, String path) {
        if (node == null) return List.of();
        if (node instanceof List<?> l) return l;
        problem(path, "must be a list");
        return List.of();
    }

    public String text(Object node, String path, String dflt) {
        if (node == null) return dflt;
        if (node instanceof String s && !s.isBlank()) return s.trim();
        problem(path, "must be a non-empty string");
        return dflt;
    }

    /** A required string: a problem "required" when missing. */
    public String required(Map<String, Object> m, String key, String path) {
        if (m.get(key) == null) {
            problem(path + "." + key, "required");
            return null;
        }
        return text(m.get(key), path + "." + key, null);
    }

    public int integer(Object node, String path, int dflt, int min, int max) {
        if (node == null) return dflt;
        if (!(node instanceof Integer || node instanceof Long)) {
            problem(path, "must be a whole number, not " + node);
            return dflt;
        }
        long v = ((Number) node).longValue();
        if (v < min || v > max) {
            problem(path, "must be " + min + "-" + max + ", not " + v);
            return dflt;
        }
        return (int) v;
    }

    public boolean bool(Object node, String path, boolean dflt) {
        if (node == null) return dflt;
        if (node instanceof Boolean b) return b;
        problem(path, "must be true or false, not " + node);
        return dflt;
    }

    /** A regular expression; null with a problem when it does not compile. */
    public Pattern regex(Object node, String path) {
        String s = text(node, path, null);
        if (s == null) {
            if (node == null) problem(path, "must be a pattern (a regular expression)");
            return null;
        }
        try {
            return Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            problem(path, "invalid pattern: " + e.getDescription() + " near position " + e.getIndex());
            return null;
        }
    }

    public void unknownKeys(Map<String, Object> m, Set<String> allowed, String path) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                problem(path.isEmpty() ? k : path + "." + k, "unknown setting (expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }
}
