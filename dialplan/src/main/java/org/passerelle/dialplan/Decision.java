package org.passerelle.dialplan;

/** What to do with a call: the outcome of {@link DialPlan#route(CallFacts)}. */
public sealed interface Decision {

    /**
     * Join the caller to a room.
     *
     * @param platform "embedded" or "livekit", or null for the gateway's default (LiveKit when a
     *                 LiveKit server is configured, else embedded rooms)
     */
    record JoinRoom(String room, String platform) implements Decision {
        public JoinRoom(String room) {
            this(room, null);
        }
    }

    /** Refuse the call with a SIP status (e.g. 404 Not Found). */
    record Reject(int sipStatus, String reason) implements Decision {}

    /**
     * Answer, ask for a meeting PIN, then join the room the PIN opens.
     *
     * @param directory   which PIN directory to ask
     * @param language    prompt language ("fr", "en")
     * @param maxAttempts wrong PINs allowed before goodbye
     * @param pinLength   digits that end the PIN without '#', or 0 for '#' only
     */
    record AskPin(String directory, String language, int maxAttempts, int pinLength) implements Decision {}

    /** Answer, play a message in the given language, then hang up. */
    record PlayMessage(String prompt, String language) implements Decision {}
}
