package org.passerelle.dialplan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a rule matches a number (called or caller): exactly, by prefix, or by a pattern. */
public sealed interface NumberPattern {

    /**
     * The captures when {@code number} matches: index 0 is the whole number, then the pattern's
     * groups (for a prefix: what follows it); null when it does not match.
     */
    List<String> match(String number);

    /** For explanations: {@code exactly +33142000000}, {@code starting with +3314}... */
    String describe();

    record Exact(String number) implements NumberPattern {
        @Override
        public List<String> match(String n) {
            return number.equals(n) ? List.of(n) : null;
        }

        @Override
        public String describe() {
            return "exactly " + number;
        }
    }

    record Prefix(String prefix) implements NumberPattern {
        @Override
        public List<String> match(String n) {
            return n != null && n.startsWith(prefix) ? List.of(n, n.substring(prefix.length())) : null;
        }

        @Override
        public String describe() {
            return "starting with " + prefix;
        }
    }

    /** A regular expression that must match the whole number. */
    record Regex(Pattern pattern) implements NumberPattern {
        @Override
        public List<String> match(String n) {
            if (n == null) return null;
            Matcher m = pattern.matcher(n);
            if (!m.matches()) return null;
            List<String> groups = new ArrayList<>(m.groupCount() + 1);
            for (int i = 0; i <= m.groupCount(); i++) groups.add(m.group(i) == null ? "" : m.group(i));
            return groups;
        }

        @Override
        public String describe() {
            return "matching /" + pattern.pattern() + "/";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern());
        }

        @Override
        public int hashCode() {
            return pattern.pattern().hashCode();
        }
    }
}
