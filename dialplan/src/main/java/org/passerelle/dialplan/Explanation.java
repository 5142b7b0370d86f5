package org.passerelle.dialplan;

import java.util.List;

/**
 * Why a call got its decision: each rule tried, in order, with the reason it matched or not.
 * {@code dialplan explain} prints {@link #toText()}.
 *
 * @param to       the called number as matched (normalized)
 * @param from     the caller's number as matched (normalized)
 * @param checks   the rules tried, up to and including the one that matched
 * @param rule     the matching rule's name, or null when the fallback decided
 * @param decision what happens
 * @param outcome  the decision in words
 */
public record Explanation(String to, String from, List<Check> checks, String rule, Decision decision,
                          String outcome) {

    /** One rule tried. */
    public record Check(String rule, boolean matched, String why) {}

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("call to ").append(to).append(" from ").append(from).append('\n');
        int i = 1;
        for (Check c : checks) {
            b.append(String.format("  %d. %-20s %s: %s%n", i++, c.rule, c.matched ? "MATCH" : "no", c.why));
        }
        b.append(rule != null ? "rule " + rule : "no rule matched").append(" → ").append(outcome).append('\n');
        return b.toString();
    }
}
