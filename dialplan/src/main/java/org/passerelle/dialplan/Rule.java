package org.passerelle.dialplan;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One dial-plan rule: when every condition of {@link Match} holds, {@link Action} decides.
 * Rules are tried in order and the first match wins.
 */
public record Rule(String name, Match match, Action action) {

    /**
     * Conditions; a null one always holds.
     *
     * @param trunk   the inbound trunk's name
     * @param to      the called number (E.164 when it is a phone number)
     * @param from    the caller's number
     * @param headers SIP header name (any case) → pattern its whole value must match
     */
    public record Match(String trunk, NumberPattern to, NumberPattern from, Map<String, Pattern> headers) {
        public Match {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public static Match any() {
            return new Match(null, null, null, Map.of());
        }
    }

    /** What a matching rule does. */
    public sealed interface Action {
        /**
         * Join a room whose name is a template: {@code ${1}}.. are the called-number captures,
         * {@code ${to}}, {@code ${from}} the numbers, {@code ${header:X-Room}} a header's value.
         */
        record Join(String roomTemplate, String platform) implements Action {
            public Join(String roomTemplate) {
                this(roomTemplate, null);
            }
        }

        /** Ask for a PIN; {@code language} "auto" picks it from the caller's country. */
        record Pin(String directory, String language, int maxAttempts, int pinLength) implements Action {}

        record Reject(int sipStatus, String reason) implements Action {}

        record Play(String prompt, String language) implements Action {}
    }
}
