package org.passerelle.gateway.call;

import org.passerelle.dialplan.Decision;
import org.passerelle.gateway.ivr.PinDirectory;

/** What a call was answered for, from the dial plan's decision. */
public sealed interface CallPlan {

    /**
     * Straight into a room.
     *
     * @param platform "embedded", "livekit", or null for the default
     */
    record Join(String room, String platform) implements CallPlan {
        public Join(String room) {
            this(room, null);
        }
    }

    /** Ask for a PIN, then into the room it opens. */
    record Pin(Decision.AskPin ask, PinDirectory directory) implements CallPlan {}

    /** Play a message, then hang up. */
    record Message(String prompt, String language) implements CallPlan {}
}
