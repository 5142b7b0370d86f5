package org.passerelle.gateway.config;

import java.util.List;

/** A config file that cannot be used, with every problem found, each naming its path. */
public final class ConfigException extends Exception {
    private final List<String> errors;

    public ConfigException(String source, List<String> errors) {
        super(source + ": " + errors.size() + (errors.size() == 1 ? " error" : " errors") + "\n  "
                + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    /** Each error as {@code path: problem}, e.g. {@code sip.port: must be 1-65535, not 70000}. */
    public List<String> errors() {
        return errors;
    }
}
