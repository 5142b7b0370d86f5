package org.passerelle.dialplan;

/** One thing wrong in a config file: where ({@code dialplan.rules[2].join}) and what. */
public record ConfigProblem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
